/**
 * Splits a document into headed sections (Diagnoses, Medications, Labs, ...)
 * so list rules read only the lines under the heading they belong to.
 */
import { startsWithLabel } from './labels.ts';
import { literalPattern } from './text.ts';

/** What a section holds, as far as the extraction rules care. */
export type SectionKind =
  | 'diagnoses'
  | 'pastHistory'
  | 'medications'
  | 'allergies'
  | 'vitals'
  | 'labs'
  | 'social'
  | 'other';

/** A heading and the lines under it (an inline `Heading: text` remainder comes first). */
export interface Section {
  readonly kind: SectionKind;
  readonly heading: string;
  readonly lines: readonly string[];
  /** The same lines with column gaps kept as tabs (table cells). */
  readonly cells: readonly string[];
  /** True when the content was written on the heading line itself. */
  readonly inline: boolean;
}

const HEADINGS: Readonly<Record<SectionKind, readonly string[]>> = {
  diagnoses: [
    'diagnoses',
    'diagnosis',
    'diagnosis (icd-10)',
    'diagnoses (icd-10)',
    'diagnosis/icd-10',
    'dx',
    'assessment',
    'assessment and plan',
    'assessment & plan',
    'assessment/plan',
    'a/p',
    'impression',
    'impressions',
    'impression and plan',
    'problem list',
    'active problems',
    'problems',
    'current diagnoses',
    'discharge diagnoses',
    'discharge diagnosis',
    'final diagnoses',
    'final diagnosis',
    'principal diagnosis',
    'primary diagnosis',
    'secondary diagnoses',
    'secondary diagnosis',
    'diagnoses treated',
    'conditions treated',
    'clinical information',
    'clinical indication',
    'clinical indications',
    'diagnosis codes',
    'icd-10 codes',
    'reason for test',
    'reason for testing',
  ],
  pastHistory: ['past medical history', 'pmh', 'medical history', 'past history'],
  medications: [
    'medications',
    'medication',
    'current medications',
    'current meds',
    'medication list',
    'meds',
    'home medications',
    'active medications',
    'discharge medications',
    'medications on discharge',
    'medications at discharge',
    'prescriptions',
    'current prescriptions',
  ],
  allergies: [
    'allergies',
    'allergy',
    'drug allergies',
    'allergies/intolerances',
    'allergies and reactions',
    'allergies/adverse reactions',
  ],
  vitals: ['vital signs', 'vitals', 'physical exam', 'physical examination', 'objective', 'exam'],
  labs: [
    'labs',
    'laboratory',
    'laboratory data',
    'laboratory results',
    'laboratory findings',
    'lab results',
    'lab data',
    'pertinent labs',
    'results',
    'test results',
    'labs and studies',
    'pertinent results',
  ],
  social: [
    'social history',
    'social hx',
    'social',
    'habits',
    'lifestyle',
    'tobacco',
    'tobacco use',
    'smoking',
    'smoking status',
    'smoking history',
    'alcohol',
    'alcohol use',
    'substance use',
  ],
  // A working diagnosis at admission is often a symptom; discharge diagnoses count.
  other: [
    'admitting diagnosis',
    'admission diagnosis',
    'admission diagnoses',
    'chief complaint',
    'cc',
    'reason for visit',
    'reason for admission',
    'history of present illness',
    'hpi',
    'subjective',
    'review of systems',
    'ros',
    'family history',
    'surgical history',
    'past surgical history',
    'plan',
    'treatment plan',
    'treatment',
    'hospital course',
    'procedures',
    'procedures performed',
    'imaging',
    'studies',
    'follow-up',
    'follow up',
    'followup',
    'disposition',
    'instructions',
    'discharge instructions',
    'condition at discharge',
    'discharge condition',
    'prognosis',
    'immunizations',
    'comments',
    'comment',
    'note',
    'remarks',
    'interpretation',
    'notes',
    'attestation',
    'signature',
    'physician signature',
    'work status',
    'functional capacity',
    'patient information',
    'physician information',
    'encounter information',
  ],
};

const KINDS: readonly SectionKind[] = [
  'diagnoses',
  'pastHistory',
  'medications',
  'allergies',
  'vitals',
  'labs',
  'social',
  'other',
];
const HEADING_KIND = new Map<string, SectionKind>(
  KINDS.flatMap((kind) => HEADINGS[kind].map((name) => [name.replace(/\s+/g, ''), kind] as const)),
);
const NAMES_SOURCE = KINDS.flatMap((kind) => HEADINGS[kind])
  .sort((a, b) => b.length - a.length)
  .map(literalPattern)
  .join('|');
// Column titles that may follow a heading when the list is a table.
const COLUMNS = String.raw`(?:\s+(?:icd-?10(?:-cm)?|code|codes|onset|date|description|dose|dosage|frequency|directions|reaction|status|units?|result|reference(?:\s+range)?|flag))*`;
// A qualifier before the heading (`Recent labs`) and a note in brackets after
// it (`Vital signs (most recent visit)`) do not change what the section holds.
const QUALIFIER = String.raw`(?:(?:most\s+)?recent|pertinent|relevant|current|latest|active|significant)\s+`;
const NOTE = String.raw`(?:\s*\([^)]{0,60}\))?`;
// Optional numbering (`3.`, `IV.`, `Section 2 -`), the heading, then either the
// end of the line or a colon (or dash) with inline content.
const HEADING = new RegExp(
  String.raw`^(?:(?:section|part)\s*[0-9a-z]{1,3}\s*[-:.)]?\s*|[0-9]{1,2}[.)]\s*|[ivx]{1,4}[.)]\s*)?(?:${QUALIFIER})?(${NAMES_SOURCE})${NOTE}${COLUMNS}\s*(?:(?::|-)\s*(.*))?$`,
  'i',
);

/** The heading kind and inline remainder of a heading line; null for any other line. */
export function matchHeading(line: string): { kind: SectionKind; rest: string } | null {
  const match = HEADING.exec(line);
  const name = match?.[1];
  if (match === null || name === undefined) return keywordHeading(line);
  const kind = HEADING_KIND.get(name.toLowerCase().replace(/\s+/g, ''));
  if (kind === undefined) return null;
  return { kind, rest: (match[2] ?? '').trim() };
}

// Headings nobody listed still name what they hold: `Medication reconciliation`,
// `Key results`, `Problems this visit`. Short, no digits, no sentence.
const KEYWORD_KINDS: readonly (readonly [SectionKind, RegExp])[] = [
  ['other', /\b(?:family|fhx|discontinued|stopped|previous|past|prior|former|surgical)\b/i],
  ['medications', /\b(?:medications?|meds|rx|prescriptions?)\b/i],
  ['allergies', /\ballerg/i],
  ['diagnoses', /\b(?:diagnos[ie]s|problems?|impressions?|assessments?|conditions)\b/i],
  ['labs', /\b(?:labs?|laboratory|results|investigations)\b/i],
  ['vitals', /\b(?:vitals?|vital\s+signs)\b/i],
  ['social', /\b(?:social|tobacco|smoking)\b/i],
];

function keywordHeading(line: string): { kind: SectionKind; rest: string } | null {
  // A numbered question (`3. Known allergies:`) is a heading too.
  const unnumbered = line.replace(/^(?:\d{1,2}|[ivx]{1,4})[.)]\s+/i, '');
  const colon = unnumbered.indexOf(':');
  const heading = (colon === -1 ? unnumbered : unnumbered.slice(0, colon)).trim();
  const rest = colon === -1 ? '' : unnumbered.slice(colon + 1).trim();
  const words = heading.split(/\s+/);
  if (words.length > 5 || /\d|[.,;]/.test(heading) || !/^[A-Z]/.test(heading)) return null;
  for (const [kind, pattern] of KEYWORD_KINDS) {
    if (pattern.test(heading)) return { kind, rest };
  }
  return null;
}

// A table row whose first cell is a heading carries its content in the other cells.
function cellHeading(cells: string): { kind: SectionKind; rest: string } | null {
  const [first, ...rest] = cells.split('\t');
  if (first === undefined || rest.length === 0) return null;
  const heading = matchHeading(first.trim());
  if (heading === null || heading.rest.length > 0) return null;
  return { kind: heading.kind, rest: rest.join(' ').trim() };
}

/**
 * Every headed section in reading order. A section ends at the next heading or
 * at a field line (`Physician: ...`) after its first line, which belongs to
 * the form, not the list.
 */
export function splitSections(
  lines: readonly string[],
  cellLines: readonly string[] = lines,
): Section[] {
  const sections: Section[] = [];
  let current: {
    kind: SectionKind;
    heading: string;
    lines: string[];
    cells: string[];
    inline: boolean;
  } | null = null;
  lines.forEach((line, index) => {
    const cells = cellLines[index] ?? line;
    const heading = matchHeading(line) ?? cellHeading(cells);
    if (heading !== null) {
      if (current !== null) sections.push(current);
      current = {
        kind: heading.kind,
        heading: line,
        lines: heading.rest.length > 0 ? [heading.rest] : [],
        cells: heading.rest.length > 0 ? [heading.rest] : [],
        inline: heading.rest.length > 0,
      };
      return;
    }
    if (current === null) return;
    // An allergy written on its heading line is the whole list; what follows is
    // another part. A field line right under a heading (`Collected 05/04/2024`
    // under `Lab results`) introduces the list rather than ending it.
    const fieldLineEnds = startsWithLabel(line) && current.lines.length > 0;
    if (fieldLineEnds || (current.kind === 'allergies' && current.inline)) {
      sections.push(current);
      current = null;
      return;
    }
    current.lines.push(line);
    current.cells.push(cells);
  });
  if (current !== null) sections.push(current);
  return sections;
}

/** Lines of every section of `kind`, in reading order. */
export function sectionLines(sections: readonly Section[], kind: SectionKind): string[] {
  return sections.filter((section) => section.kind === kind).flatMap((section) => section.lines);
}
