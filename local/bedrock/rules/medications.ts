/**
 * Reads medications from the lines under medication headings: `Metformin 500 mg
 * twice daily`, `Lisinopril 10 mg PO daily`, and table rows with the same
 * columns in that order.
 */
import { softTitleCase } from './text.ts';

/** One medication; dose and frequency as printed, null when not written. */
export interface FoundMedication {
  readonly name: string;
  readonly dose: string | null;
  readonly frequency: string | null;
}

const LIST_MARKER = /^(?:#?\d{1,2}[.)]|[-*+>o]|\(\d{1,2}\))\s+/i;
// Longer units first: the first alternative that fits wins.
const DOSE_UNIT = String.raw`(?:mg\/\d+\s*ml|mg\/ml|mcg|meq|mg|µg|ug|gm|g|ml|units?|iu|u|%)`;
// Inhalers and sprays add a per-actuation unit and a count: `90 mcg/actuation, 2 puffs`.
const DOSE = new RegExp(
  String.raw`(?<![A-Za-z])(\d+(?:\.\d+)?(?:\s*\/\s*\d+(?:\.\d+)?)?)\s*(${DOSE_UNIT})(?![A-Za-z])(?:\s*\/\s*(actuation|puff|spray|inhalation|dose)\b)?(?:\s*,?\s*(\d+)\s*(puffs?|sprays?|inhalations?|drops?)\b)?`,
  'i',
);
// Route and form words sit between the dose and the frequency; they are neither.
const ROUTE =
  /^(?:(?:take\s+)?(?:\d+|one|two|1\/2|half)\s+(?:tabs?|tablets?|caps?|capsules?)\b\s*|(?:po|p\.o\.|by\s+mouth|orally|oral|sc|sq|subcut(?:aneous(?:ly)?)?|im|iv|inhaled|inh|topical(?:ly)?|sublingual|sl|pr|tabs?|tablets?|caps?|capsules?|er|xr|sr|dr|ec|solution|injection|pen|via)\b\.?\s*)+/i;
const FREQUENCY =
  /\b(?:once|twice|three times|four times|\d+\s*times)\s+(?:a\s+|per\s+)?(?:day|daily|week|weekly)\b|\b(?:daily|nightly|weekly|monthly|bid|tid|qid|qd|qhs|qam|qpm|qod|prn|hs|q\s*\d+\s*h(?:ours?|rs?)?|every\s+\d*\s*(?:hours?|days?|weeks?|morning|evening|night)|at\s+bedtime|in\s+the\s+(?:morning|evening)|as\s+needed|with\s+meals)\b/i;
// Where a frequency stops: indication, quantity, refills, start dates.
const FREQUENCY_TAIL =
  /\s+(?:for\s+|#\s*\d+|qty|disp(?:ense)?|refills?|started|start(?:ed)?\s+on|since|indication|x\s*\d+\s*(?:days?|months?))\b.*$|\s*\(.*$|\s+\d{1,2}\/(?:\d{1,2}\/)?\d{2,4}\b.*$/i;
// Lines in a medication section that are remarks, not drug names.
const REMARK =
  /\b(?:reviewed|reconciled|unchanged|same|above|below|list|patient|continue[sd]?|current|changes?|see|per|taking|none|no)\b/i;
const TABLE_HEADER =
  /^(?:medications?|drug|name|dose|dosage|strength|frequency|directions|sig|route|instructions|start|date|\s|\/)+$/i;
// One spelling per dose unit, whatever case the document used.
const UNIT_SPELLING: Readonly<Record<string, string>> = {
  µg: 'mcg',
  ug: 'mcg',
  gm: 'g',
  ml: 'mL',
  'mg/ml': 'mg/mL',
  u: 'units',
  iu: 'IU',
  meq: 'mEq',
};
const unitSpelling = (unit: string): string => {
  const lower = unit.toLowerCase().replace(/\s+/g, '');
  return UNIT_SPELLING[lower] ?? lower.replace(/ml$/, 'mL');
};
const NONE = /^(?:none|no\s+(?:current\s+)?medications?|n\/a|nil)\.?$/i;
const FORM_WORDS = /\s+(?:tabs?|tablets?|caps?|capsules?|oral|po)\.?$/i;

function cleanName(text: string): string {
  let name = text
    .replace(LIST_MARKER, '')
    .replace(/[\s,:;-]+$/, '')
    .trim();
  while (FORM_WORDS.test(name)) name = name.replace(FORM_WORDS, '').trim();
  return softTitleCase(name);
}

function cleanFrequency(text: string): string | null {
  const frequency = text
    .trim()
    .replace(ROUTE, '')
    .replace(FREQUENCY_TAIL, '')
    .replace(/^[\s,;:-]+|[\s,;:.-]+$/g, '')
    .trim();
  return frequency.length > 0 && /[a-z]/i.test(frequency) ? frequency : null;
}

function formatDose(match: RegExpExecArray): string {
  const [, amount = '', unit = '', per, count, countUnit] = match;
  const perPart = per === undefined ? '' : `/${per.toLowerCase()}`;
  const countPart =
    count === undefined || countUnit === undefined ? '' : `, ${count} ${countUnit.toLowerCase()}`;
  return `${amount.replace(/\s+/g, '')} ${unitSpelling(unit)}${perPart}${countPart}`;
}

function parseItem(raw: string): FoundMedication | null {
  const text = raw.replace(LIST_MARKER, '').trim();
  if (text.length === 0 || NONE.test(text) || TABLE_HEADER.test(text)) return null;
  const dose = DOSE.exec(text);
  if (dose !== null && dose[1] !== undefined && dose[2] !== undefined) {
    const name = cleanName(text.slice(0, dose.index));
    if (!/^[A-Za-z][A-Za-z0-9 ./-]*$/.test(name) || name.split(' ').length > 6) return null;
    return {
      name,
      dose: formatDose(dose),
      frequency: cleanFrequency(text.slice(dose.index + dose[0].length)),
    };
  }
  // Without a dose only a short line is trusted to be a drug name.
  const frequency = FREQUENCY.exec(text);
  const namePart = frequency === null ? text : text.slice(0, frequency.index);
  const name = cleanName(namePart.replace(/\.$/, ''));
  const words = name.split(' ').length;
  if (!/^[A-Za-z][A-Za-z0-9 .-]*$/.test(name) || REMARK.test(name)) return null;
  if (words > (frequency === null ? 3 : 4)) return null;
  return {
    name,
    dose: null,
    frequency: frequency === null ? null : cleanFrequency(text.slice(frequency.index)),
  };
}

/** A section's lines and whether they were written inline after the heading. */
export interface MedicationBlock {
  readonly lines: readonly string[];
  /** The lines with table cells separated by tabs, when the layout kept them. */
  readonly cells?: readonly string[];
  readonly inline: boolean;
}

// A stopped drug is not a current medication, whether a status cell or a remark says so.
const STOPPED =
  /\b(?:discontinued|discontinue|stopped|stop|d\/c'?d|dc'?d|held|hold|inactive|completed|expired|no\s+longer\s+taking)\b/i;
// Status and action cells of a medication table carry no part of the drug.
const STATUS_CELL =
  /^(?:active|current|continue[ds]?|new|changed|unchanged|taking|ongoing|yes|no|start(?:ed)?|resume[ds]?)$/i;

/** A table row as one line without its status cells; null for a stopped drug. */
function rowText(line: string, cells: string | undefined): string | null {
  const parts = (cells ?? line).split('\t').map((cell) => cell.trim());
  if (parts.some((cell) => STOPPED.test(cell))) return null;
  return parts.filter((cell) => cell.length > 0 && !STATUS_CELL.test(cell)).join(' ');
}

function splitInline(line: string): string[] {
  // A semicolon always ends an item; a comma only when every part has a dose.
  const items = line.split(/\s*;\s+/);
  if (items.length > 1) return items.flatMap(splitInline);
  const parts = line.split(/\s*[;,]\s+(?=[A-Za-z])/);
  // Commas also sit inside frequencies; split only when every part has a dose.
  return parts.length > 1 && parts.every((part) => DOSE.test(part)) ? parts : [line];
}

// An inline list wrapped onto the next line: the line ends inside an item
// (a number, a comma) or the next one starts in lower case.
function joinContinued(rows: readonly string[]): string[] {
  const joined: string[] = [];
  for (const row of rows) {
    const previous = joined[joined.length - 1];
    if (previous !== undefined && (/[\d,]$/.test(previous) || /^[a-z]/.test(row))) {
      joined[joined.length - 1] = `${previous} ${row}`;
    } else {
      joined.push(row);
    }
  }
  return joined;
}

/** Medications from the given blocks, de-duplicated by name in reading order. */
export function extractMedications(blocks: readonly MedicationBlock[]): FoundMedication[] {
  const found: FoundMedication[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    const rows = block.lines.flatMap((line, index) => {
      const row = rowText(line, block.cells?.[index]);
      return row === null ? [] : [row];
    });
    const lines = (
      block.inline
        ? joinContinued(rows).flatMap(splitInline)
        : rows.flatMap((l) => l.split(/\s*;\s+/))
    ).filter((line) => !STOPPED.test(line));
    // When the list gives doses, a line without one is a heading or remark, unless it is a list item.
    const dosed = lines.some((line) => DOSE.test(line));
    for (const line of lines) {
      if (dosed && !DOSE.test(line) && !LIST_MARKER.test(line)) continue;
      const medication = parseItem(line);
      if (medication === null) continue;
      const key = medication.name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(medication);
    }
  }
  return found;
}
