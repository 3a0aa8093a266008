/**
 * Tells an attending physician statement, lab report, discharge summary and
 * office note apart: first by a title near the top, then by tell-tale headings
 * anywhere in the text.
 */
import type { DocumentType } from '#core/extraction/extraction.ts';

type KnownType = Exclude<DocumentType, 'other'>;

// `\s*` between words also matches letter-spaced titles once they are collapsed.
const TITLES: readonly (readonly [KnownType, RegExp])[] = [
  [
    'attending_physician_statement',
    /attending\s*physician'?s?\s*statement|statement\s*of\s*(?:the\s*)?(?:attending|treating)\s*physician|^\s*physician'?s?\s*statement\b|^\s*APS\b/i,
  ],
  [
    'discharge_summary',
    /discharge\s*summary|(?:hospital\s*|inpatient\s*)?discharge\s*(?:report|record|note)\b/i,
  ],
  [
    'lab_report',
    /\blab(?:oratory)?\s*(?:report|results?|test\s*results?)\b|clinical\s*laboratory|^\s*(?:test|lab)\s*results\s*$/i,
  ],
  [
    'office_note',
    /\b(?:progress|office|clinic|visit|follow[\s-]*up|soap|consult(?:ation)?|outpatient)\s*note\b|\b(?:office|clinic|outpatient)\s*(?:visit|encounter)\b|^\s*(?:encounter|visit)\s*summary\s*$|^\s*(?:outpatient\s*)?consult(?:ation)?(?:\s*(?:report|letter))?\s*$/i,
  ],
];

// How far down a title can sit: letterheads and fax banners come first.
const TITLE_WINDOW = 12;

interface Clue {
  readonly type: KnownType;
  readonly pattern: RegExp;
}

// Body clues; a type needs two distinct clues to win without a title.
const CLUES: readonly Clue[] = [
  { type: 'discharge_summary', pattern: /\bhospital\s*course\b/i },
  {
    type: 'discharge_summary',
    pattern: /\bdischarge\s*(?:diagnos[ie]s|medications|instructions)\b/i,
  },
  { type: 'discharge_summary', pattern: /\b(?:admission|admit)\s*date\b/i },
  { type: 'discharge_summary', pattern: /\bdischarge\s*date\b|\bdate\s*of\s*discharge\b/i },
  { type: 'office_note', pattern: /^\s*subjective\b/im },
  { type: 'office_note', pattern: /^\s*objective\b/im },
  { type: 'office_note', pattern: /^\s*(?:chief\s*complaint|cc)\s*:/im },
  { type: 'office_note', pattern: /\bhistory\s*of\s*present\s*illness\b|^\s*hpi\b/im },
  { type: 'office_note', pattern: /^\s*plan\b/im },
  { type: 'lab_report', pattern: /\breference\s*(?:range|interval)\b/i },
  { type: 'lab_report', pattern: /\b(?:collected|collection\s*date)\b/i },
  { type: 'lab_report', pattern: /\b(?:specimen|accession)\b/i },
  { type: 'lab_report', pattern: /\bordering\s*(?:physician|provider)\b/i },
  // A results table's header row: a result column beside units or a range.
  {
    type: 'lab_report',
    pattern: /^(?=.*\b(?:result|value|your\s+value)\b)(?=.*\b(?:units?|uom|range|interval)\b).*$/im,
  },
  { type: 'attending_physician_statement', pattern: /\b(?:proposed\s*)?insured\b/i },
  { type: 'attending_physician_statement', pattern: /\bfirst\s*(?:consulted|visit)\b/i },
  { type: 'attending_physician_statement', pattern: /\bunderwrit/i },
];

/**
 * The document type, or null when neither a title nor two body clues point to
 * one (the caller decides whether that is `other` or nothing at all).
 */
export function classifyDocument(lines: readonly string[]): KnownType | null {
  for (const line of lines.slice(0, TITLE_WINDOW)) {
    // A field line such as `Attending Physician: ...` is not a title.
    if (/:\s*\S/.test(line) && !/statement|summary|report|note/i.test(line)) continue;
    for (const [type, pattern] of TITLES) {
      if (pattern.test(line)) return type;
    }
  }
  const text = lines.join('\n');
  const scores = new Map<KnownType, number>();
  for (const clue of CLUES) {
    if (clue.pattern.test(text)) scores.set(clue.type, (scores.get(clue.type) ?? 0) + 1);
  }
  let best: KnownType | null = null;
  let bestScore = 1;
  for (const [type] of TITLES) {
    const score = scores.get(type) ?? 0;
    if (score > bestScore) {
      best = type;
      bestScore = score;
    }
  }
  return best;
}
