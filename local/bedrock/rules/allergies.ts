/**
 * Reads allergies from allergy sections: `Allergies: Penicillin (rash), sulfa`
 * gives the allergens without their reactions; NKDA and its spellings give none.
 */
import { softTitleCase } from './text.ts';

const NO_ALLERGIES =
  /^(?:nkda|nka|nkfa|nkma|none(?:\s+known)?|no\s+known\s+(?:drug\s+|food\s+|medication\s+)?allergies|no\s+(?:drug\s+)?allergies|denies(?:\s+any)?(?:\s+drug)?\s+allergies|n\/a|nil)$/i;
const HEADER_WORDS = /^(?:allergen|allergy|reaction|reactions|severity|type|substance|\s)+$/i;
const LIST_MARKER = /^(?:#?\d{1,2}[.)]|[-*+>o])\s+/i;
// A reaction printed in its own column after the allergen (`Penicillin Hives`).
const REACTION =
  /\s+(?:rash|hives|urticaria|anaphylaxis|angioedema|swelling|itching|pruritus|nausea|vomiting|diarrh(?:o)?ea|gi\s+upset|cough|wheezing|shortness\s+of\s+breath|intolerance|unknown|mild|moderate|severe)(?:\s+\w+)*$/i;

function cleanItem(raw: string): string | null {
  const item = raw
    .replace(LIST_MARKER, '')
    .replace(/\([^)]{0,80}\)?/g, ' ')
    .replace(/\s+(?:-|:)\s+.*$|\s*:\s*.*$/, '')
    .replace(/\s*\b(?:causes|caused|reaction|->)\b.*$/i, '')
    .replace(REACTION, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,;:-]+|[\s.,;:-]+$/g, '')
    .trim();
  if (item.length === 0 || NO_ALLERGIES.test(item) || HEADER_WORDS.test(item)) return null;
  // Allergens are words: a line with numbers is a vital sign or a date that ran on.
  if (!/^[A-Za-z][A-Za-z .'-]*$/.test(item) || item.split(' ').length > 5) return null;
  return softTitleCase(item);
}

/**
 * Allergens from the lines of allergy sections, de-duplicated in reading
 * order; an empty list both for "no known allergies" and for no section.
 */
export function extractAllergies(lines: readonly string[]): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    // Reactions in brackets may hold commas of their own, so they go first.
    const bare = line.replace(/\([^)]{0,80}\)/g, ' ');
    for (const part of bare.split(/\s*[,;]\s*|\s+and\s+|\s+\/\s+/)) {
      const item = cleanItem(part);
      if (item === null) continue;
      const key = item.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(item);
    }
  }
  return found;
}
