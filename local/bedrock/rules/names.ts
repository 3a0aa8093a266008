/**
 * Puts person names into one reading order and case: `DOE, JANE A.` and
 * `Dr. Jane A. Doe, MD` both become `Jane A. Doe`.
 */
import { isAllUpper, titleCase } from './text.ts';

const HONORIFIC = /^(?:dr|doctor|mr|mrs|ms|miss|mx|prof)\.?\s+/i;
const CREDENTIAL =
  /^(?:m\.?d\.?|d\.?o\.?|np|fnp(?:-[a-z]+)?|pa(?:-c)?|rn|aprn|arnp|dnp|ph\.?d\.?|facp|facc|faafp|mbbs|mph|dpm|do|md|dds|cnm|crnp|agpcnp-bc|fnp-bc)$/i;

function dropCredentials(part: string): string {
  const words = part.split(' ');
  while (words.length > 0) {
    const last = words[words.length - 1] ?? '';
    if (!CREDENTIAL.test(last.replace(/,$/, ''))) break;
    words.pop();
  }
  return words.join(' ').trim();
}

/**
 * Formats a printed person name: honorifics and credentials removed,
 * `Last, First M.` turned into `First M. Last`, all-capital names title-cased.
 * Returns null when the text does not look like a name (digits, too long, empty).
 */
export function formatPersonName(raw: string): string | null {
  let text = raw
    .replace(/\([^)]{0,80}\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[;:]+$/, '')
    .trim();
  text = text.replace(HONORIFIC, '');
  const parts = text
    .split(',')
    .map((part) => dropCredentials(part.trim()))
    .filter((part) => part.length > 0);
  if (parts.length === 0) return null;
  const [last, ...rest] = parts;
  const ordered = rest.length > 0 ? `${rest.join(' ')} ${last}` : (last ?? '');
  const name = ordered.replace(HONORIFIC, '').replace(/\s+/g, ' ').trim();
  if (!/^[A-Za-z][A-Za-z.' -]*$/.test(name)) return null;
  const words = name.split(' ');
  if (words.length > 5 || !words.some((word) => /[A-Za-z]{2,}/.test(word))) return null;
  // A lone initial is written with its full stop: `Jane A Doe` -> `Jane A. Doe`.
  const withInitials = words.map((word) => (/^[A-Za-z]$/.test(word) ? `${word}.` : word)).join(' ');
  return isAllUpper(withInitials) ? titleCase(withInitials) : withInitials;
}
