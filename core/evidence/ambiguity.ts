/**
 * Competing values: other statements in the document of the same kind of
 * value for the same field that disagree with the extracted one, such as a
 * second labelled date beside the date of service (collected, received,
 * admitted, discharged), a second pulse or weight reading, another patient
 * identifier, the same lab test reported again with another result, or the
 * same drug listed again at another dose. When a document says two things,
 * whichever was extracted is a choice that may be the wrong one, so each
 * lowers confidence; the value itself is kept. Pure; reads form cells (a
 * line's tab-separated parts) and sentences the way a reader scans them.
 */
import { fold } from './fold.ts';
import type { DocumentLine } from './mentions.ts';
import { type LeafValue, specKey, valueAtPath } from './paths.ts';
import { quoteContainsValue } from './surface.ts';

const DATE =
  /\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}[\s-](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\s-]\d{4})\b/gi;

/** Labels of a date that could be the encounter's; a birth date never is. */
const ENCOUNTER_DATE_LABEL =
  /\b(?:date|service|visit|seen|dos|collected|received|reported|admi(?:ssion|tted)|discharged?|exam(?:ined)?)\b/i;
const NOT_ENCOUNTER_DATE = /\b(?:birth|dob|born|d\.o\.b)\b/i;

/** A line's parts: tab-separated form cells, each split into its sentences. */
const cells = (line: string): string[] =>
  line.split('\t').flatMap((cell) => cell.split(/(?<=[.;])\s+(?=[A-Z])/));

type Matcher = (cell: string) => readonly string[];

const capture =
  (pattern: RegExp): Matcher =>
  (cell) =>
    [...cell.matchAll(pattern)].map((match) => match[1] ?? '').filter((text) => text !== '');

const encounterDates: Matcher = (cell) =>
  ENCOUNTER_DATE_LABEL.test(cell) && !NOT_ENCOUNTER_DATE.test(cell)
    ? [...cell.matchAll(DATE)].map((match) => match[0])
    : [];

const POUNDS_PER_KG = 2.2046226;

/** A weight reading in kilograms, whatever unit it was printed in. */
const weightKg = (number: string, unit: string | undefined): number =>
  /^(?:lb|lbs|pounds?)$/i.test(unit ?? '') ? Number(number) / POUNDS_PER_KG : Number(number);

interface FieldRule {
  readonly candidates: Matcher;
  readonly same: (candidate: string, value: LeafValue, path: string) => boolean;
}

const sameNumber = (candidate: string, value: LeafValue): boolean =>
  Number(candidate) === Number(value);

/** Single-valued fields whose competing statements can be told by their label. */
const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  'encounter.dateOfService': {
    candidates: encounterDates,
    same: (candidate, value, path) => quoteContainsValue(candidate, value, path),
  },
  'vitals.heartRate': {
    candidates: capture(/\b(?:hr|pulse|heart\s*rate)\b\s*[:=]?\s*(\d{2,3})\b/gi),
    same: sameNumber,
  },
  'vitals.weightKg': {
    candidates: (cell) =>
      [
        ...cell.matchAll(
          /\b(?:wt|weight)\b\s*[:=]?\s*(\d{2,3}(?:\.\d+)?)\s*(kgs?|lbs?|pounds?)?/gi,
        ),
      ].map((match) => String(weightKg(match[1] ?? '', match[2]))),
    // Within half a kilogram: a pound reading converted and rounded is the same weight.
    same: (candidate, value) => Math.abs(Number(candidate) - Number(value)) <= 0.5,
  },
  'patient.mrn': {
    candidates: capture(
      /\b(?:mrn|medical\s+record(?:\s+(?:no|number))?|patient\s+id|chart(?:\s+(?:no|number))?)\b\s*[#:.]*\s*([A-Z0-9][A-Z0-9-]{3,})/gi,
    ),
    same: (candidate, value) => fold(candidate) === fold(String(value)),
  },
};

/**
 * List items whose key names the same thing elsewhere (`labs[2].test`,
 * `medications[0].name`): a line naming it with another value for the
 * property right after the name competes with the item's.
 */
const ITEM_RULES: Readonly<
  Record<string, { readonly key: string; readonly property: string; readonly after: RegExp }>
> = {
  labs: { key: 'test', property: 'value', after: /^[\s:=]*([<>]?\d+(?:\.\d+)?)(?![\d./-])/ },
  medications: {
    key: 'name',
    property: 'dose',
    after: /^[\s:,-]*(\d+(?:\.\d+)?\s*(?:mg|mcg|g|ml|units?|iu|%))\b/i,
  },
};

const itemCompeting = (
  lines: readonly DocumentLine[],
  own: (line: DocumentLine) => boolean,
  fields: unknown,
  path: string,
): string[] => {
  const match = /^(\w+)\[(\d+)\]/.exec(path);
  const rule = match ? ITEM_RULES[match[1] ?? ''] : undefined;
  if (!match || !rule) return [];
  const item = `${match[1]}[${match[2]}]`;
  const key = valueAtPath(fields, `${item}.${rule.key}`);
  const value = valueAtPath(fields, `${item}.${rule.property}`);
  if (typeof key !== 'string' || (typeof value !== 'string' && typeof value !== 'number'))
    return [];
  const name = fold(key);
  const competing: string[] = [];
  for (const line of lines) {
    if (line.running || own(line)) continue;
    const text = fold(line.text);
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
      if (/[\p{L}\p{N}]/u.test(text[at - 1] ?? '')) continue;
      const found = rule.after.exec(text.slice(at + name.length))?.[1];
      if (found === undefined) continue;
      const same =
        typeof value === 'number'
          ? Number(found) === value
          : fold(found).replace(/\s+/g, '') === fold(value).replace(/\s+/g, '');
      if (!same) competing.push(found);
    }
  }
  return competing;
};

/**
 * The printed values, elsewhere in the document, that compete with `value`
 * at `path`; `evidence` is the span the value was read from (its own
 * statement is not a competitor).
 */
export const competingValues = (
  lines: readonly DocumentLine[],
  fields: unknown,
  path: string,
  value: LeafValue,
  evidence: { readonly page: number; readonly start: number; readonly end: number },
): string[] => {
  const own = (line: DocumentLine): boolean =>
    line.page === evidence.page && line.start < evidence.end && line.end > evidence.start;
  const rule = FIELD_RULES[specKey(path)];
  if (rule === undefined) return itemCompeting(lines, own, fields, path);
  const competing = new Set<string>();
  for (const line of lines) {
    for (const cell of cells(line.text)) {
      for (const candidate of rule.candidates(cell)) {
        if (!rule.same(candidate, value, path)) competing.add(candidate);
      }
    }
  }
  return [...competing];
};
