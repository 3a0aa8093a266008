/**
 * Reads diagnoses from the lines under diagnosis-like headings: numbered or
 * bulleted lists, `Description (E11.9)`, `E11.9 - Description` and code tables.
 */
import { normaliseIcd10 } from '#core/extraction/value-normalisers.ts';
import { softTitleCase } from './text.ts';

/** One diagnosis as printed, with its ICD-10 code when one is written beside it. */
export interface FoundDiagnosis {
  readonly description: string;
  readonly icd10: string | null;
}

const CODE = String.raw`[A-TV-Z]\d[0-9AB](?:\.?[0-9A-TV-Z]{1,4})?`;
const LIST_MARKER = /^(?:#?\d{1,2}[.)]|[-*+>o]|\(\d{1,2}\)|[a-h][.)])\s+/i;
const CODE_FIRST = new RegExp(
  String.raw`^(?:ICD(?:-?10)?(?:-CM)?\s*:?\s*)?(${CODE})\s*(?:[-:,]\s*)?(.+)$`,
  'i',
);
const CODE_IN_BRACKETS = new RegExp(
  String.raw`\s*[([]\s*(?:ICD(?:-?10)?(?:-CM)?\s*(?:code)?\s*:?\s*)?(${CODE})\s*[)\]]`,
  'i',
);
// A trailing onset column (`2015`, `03/2015`) may follow the code in tables.
const CODE_AFTER = new RegExp(
  String.raw`\s*(?:[-,:;]\s*|\s)(?:ICD(?:-?10)?(?:-CM)?\s*(?:code)?\s*:?\s*)?(${CODE})(?:\s+(?:\d{1,2}\/){0,2}\d{4})?\s*$`,
  'i',
);
const CODE_LABELLED = new RegExp(
  String.raw`[\s,;-]*\bICD(?:-?10)?(?:-CM)?\s*(?:code)?\s*:?\s*(${CODE})\b`,
  'i',
);
const CODE_AT_START = new RegExp(String.raw`^${CODE}\s`);
// A code standing alone at the end of a `;` list, its description on the next line.
const CODE_AT_END = new RegExp(String.raw`(?:^|;)\s*${CODE}$`);
// Column headings of a diagnosis table, not diagnoses.
const TABLE_HEADER =
  /^(?:icd(?:-?10)?(?:-cm)?\s*(?:code)?|code|diagnos[ie]s|description|date|onset|problems?|conditions?|status|type|first|diagnosed|comments?|notes?|\s)+$/i;
// Status, rank and date cells of a problem table are not part of the diagnosis.
const STATUS_CELL =
  /^(?:active|chronic|resolved|inactive|stable|principal|primary|secondary|acute|historical|current|yes|no|new|ongoing|(?:\d{1,2}\/){0,2}\d{4})$/i;

/** A table row as one line, without its status and date cells. */
function rowText(line: string, cells: string | undefined): string {
  if (cells === undefined || !cells.includes('\t')) return line;
  return cells
    .split('\t')
    .map((cell) => cell.trim())
    .filter((cell) => cell.length > 0 && !STATUS_CELL.test(cell))
    .join(' ');
}
// What follows a description in an assessment: plan, status or dates.
const DESCRIPTION_TAIL =
  /\s+(?:-|:|;)\s+.*$|\s*[,;-]?\s*\b(?:onset|diagnosed|dx'?d|since|first\s+diagnosed)\b.*$|,\s*(?:continue|start|stop|increase|decrease|monitor|recheck|follow|refer|discussed|counsel)\w*\b.*$/i;
// Sentences in an assessment are narrative, not diagnoses.
const NARRATIVE =
  /\b(?:patient|pt|is|was|are|were|has|have|had|will|should|doing|returns?|recommend(?:ed)?|discussed|advised|denies|reports|seen)\b/i;
const NOT_A_DIAGNOSIS =
  /^(?:none|n\/a|no\s+(?:active\s+)?(?:problems|diagnoses)|see\s+(?:above|below))\.?$/i;

// A code after the description must look like one (`I10`, `E11.9`), not a word such as `b12`.
function isTrailingCode(code: string | undefined): boolean {
  return code !== undefined && (code.includes('.') || /^[A-Z]\d\d$/.test(code));
}

function cleanDescription(text: string): string {
  const description = text
    .replace(DESCRIPTION_TAIL, '')
    .replace(/\s+(?:\d{1,2}\/){0,2}\d{4}$/, '')
    .replace(/[\s.,;:-]+$/, '')
    .replace(/^[\s.,;:-]+/, '')
    .trim();
  // One capitalised word is an abbreviation (NSTEMI, COPD); longer capitals are shouting.
  return description.includes(' ') ? softTitleCase(description) : description;
}

function parseItem(raw: string): FoundDiagnosis | null {
  const text = raw.replace(LIST_MARKER, '').trim();
  if (text.length === 0 || NOT_A_DIAGNOSIS.test(text) || TABLE_HEADER.test(text)) return null;

  let description: string | null = null;
  let code: string | null = null;
  const bracketed = CODE_IN_BRACKETS.exec(text);
  const labelled = CODE_LABELLED.exec(text);
  const first = CODE_FIRST.exec(text);
  const after = CODE_AFTER.exec(text);
  if (bracketed?.[1] !== undefined) {
    code = bracketed[1];
    description =
      text.slice(0, bracketed.index) + text.slice(bracketed.index + bracketed[0].length);
  } else if (labelled?.[1] !== undefined) {
    code = labelled[1];
    description = text.slice(0, labelled.index);
  } else if (first?.[1] !== undefined && first[2] !== undefined && /[a-z]{3}/i.test(first[2])) {
    code = first[1];
    description = first[2];
  } else if (after?.[1] !== undefined && isTrailingCode(after[1])) {
    code = after[1];
    description = text.slice(0, after.index);
  } else {
    description = text;
  }
  const icd10 = code === null ? null : normaliseIcd10(code);
  const cleaned = cleanDescription(description);
  // Three letters in a row, or a capitalised abbreviation such as T2DM or COPD.
  const wordLike = /[A-Za-z]{3}/.test(cleaned) || /^[A-Z][A-Z0-9]{2,5}$/.test(cleaned);
  if (!wordLike || NARRATIVE.test(cleaned) || cleaned.length > 120) return null;
  return { description: cleaned, icd10 };
}

// Headed lists mix diagnoses with narrative; when any line is a list item or
// carries a code, only those lines count, otherwise short lines do.
// A description wrapped onto the next line: the first ends with a comma or a
// code standing alone, or the next starts in lower case (and is not itself a
// list item).
function joinWrapped(lines: readonly string[]): string[] {
  const joined: string[] = [];
  for (const line of lines) {
    const previous = joined[joined.length - 1];
    const continues =
      /,$/.test(previous ?? '') ||
      /^[a-z]/.test(line) ||
      (CODE_AT_END.test(previous ?? '') && !CODE_AT_START.test(line));
    if (previous !== undefined && continues && !LIST_MARKER.test(line)) {
      joined[joined.length - 1] = `${previous} ${line}`;
    } else {
      joined.push(line);
    }
  }
  return joined;
}

function candidateLines(lines: readonly string[], prose = false): string[] {
  if (prose) return lines.filter((line) => line.length <= 90 && line.split(' ').length <= 12);
  // Parts of a line split at `;` (or at a comma after a code) are list items
  // when one of them is marked as such.
  const parts = joinWrapped(lines).map((line) => line.split(/\s*;\s*|(?<=[)\]])\s*,\s*/));
  const items = parts.flat();
  const isMarked = (line: string): boolean =>
    LIST_MARKER.test(line) ||
    CODE_IN_BRACKETS.test(line) ||
    CODE_LABELLED.test(line) ||
    CODE_AT_START.test(line) ||
    isTrailingCode(CODE_AFTER.exec(line)?.[1]);
  const split = new Set(parts.filter((p) => p.length > 1 && p.some(isMarked)).flat());
  const listed = items.filter((line) => split.has(line) || isMarked(line));
  if (listed.length > 0) return listed;
  return items.filter((line) => line.length <= 90 && line.split(' ').length <= 12);
}

/** The lines under one diagnosis heading. */
export interface DiagnosisBlock {
  readonly lines: readonly string[];
  /** The lines with table cells separated by tabs, when the layout kept them. */
  readonly cells?: readonly string[];
  /** Items of a prose list: already one per line, never wrapped. */
  readonly prose?: boolean;
}

/**
 * Diagnoses from the given blocks, de-duplicated by description (case
 * insensitive) in reading order.
 */
export function extractDiagnoses(blocks: readonly DiagnosisBlock[]): FoundDiagnosis[] {
  const found: FoundDiagnosis[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    const rows = block.lines.map((line, index) => rowText(line, block.cells?.[index]));
    for (const line of candidateLines(rows, block.prose === true)) {
      const diagnosis = parseItem(line);
      if (diagnosis === null) continue;
      const key = diagnosis.description.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(diagnosis);
    }
  }
  return found;
}
