/**
 * Distractor cues around a quote: words on the quote's line, just before
 * it, or in the heading of the section it sits in, that say the text is
 * about someone else (a relative's history, a prior physician) or is not a
 * current fact about the patient (denied, ruled out, discontinued). A value
 * read from such a line may be right (a denied allergy is still a line
 * about allergies) but is more often a misreading, so it lowers confidence;
 * it never removes the value.
 */

const CUES: readonly { readonly cue: string; readonly pattern: RegExp }[] = [
  { cue: 'family history', pattern: /\bfamily\s+(?:medical\s+)?history\b|\bfhx?\b/i },
  {
    cue: 'relative',
    pattern:
      /\b(?:mother|father|sister|brother|sibling|grandmother|grandfather|aunt|uncle|parent|son|daughter|spouse|husband|wife)(?:'s)?\b/i,
  },
  {
    cue: 'denial',
    pattern:
      /\b(?:denies|denied|no\s+history\s+of|negative\s+for|no\s+known|no\s+evidence\s+of|free\s+of|absence\s+of)\b/i,
  },
  // A medication the patient refused is not one they take (NegEx's "declined", "refused").
  { cue: 'declined', pattern: /\b(?:declined|refused|refuses|declines)\b/i },
  { cue: 'ruled out', pattern: /\brul(?:ed|e)\s+out\b|\br\/o\b/i },
  {
    cue: 'discontinued',
    pattern:
      /\b(?:discontinued|stopped|d\/c'?d|no\s+longer\s+(?:taking|on)|previously\s+(?:took|on)|trial\s+(?:ended|stopped|failed)|tapered\s+off|not\s+restarted|completed\s+(?:a\s+)?course)\b/i,
  },
  // Someone or something from another time: the physician before, the regimen before.
  {
    cue: 'prior',
    pattern:
      /\b(?:prior|previous|former|past|old)\s+(?:physician|provider|doctor|pcp|attending|medications?|meds|regimen|prescriptions?)\b/i,
  },
  {
    cue: 'hypothetical',
    pattern: /\b(?:consider|possible|suspected|rule\s+out|screen(?:ing)?\s+for)\b/i,
  },
];

/**
 * Cues that a section's heading passes to everything under it: whose it is
 * and when. A `Screening` or `Review of systems` heading says nothing about
 * each line below it, so the other cues count on the quote's own lines only.
 */
const SECTION_CUES: ReadonlySet<string> = new Set([
  'family history',
  'relative',
  'discontinued',
  'prior',
]);

/** Fields for which a cue is the content, not a distractor: `denies tobacco` is a tobacco answer. */
const IGNORED_CUES: readonly (readonly [string, readonly string[]])[] = [
  ['socialHistory.', ['denial']],
];

/**
 * A section heading: a short line of words alone (`FAMILY HISTORY`,
 * `Discontinued Medications`, `Family history:`), no tab-separated cells,
 * no digits, no sentence inside it.
 */
const isHeading = (line: string): boolean => {
  const text = line.trim();
  return (
    text.length >= 3 &&
    text.length <= 48 &&
    !/[\t\d]/.test(line) &&
    /^[A-Z][A-Za-z'&/ -]*:?$/.test(text) &&
    text.split(/\s+/).length <= 5
  );
};

/** The heading of the section the line starting at `lineStart` sits in, or ''. */
export const sectionHeading = (pageText: string, lineStart: number): string => {
  for (let end = lineStart - 1; end > 0; ) {
    const start = pageText.lastIndexOf('\n', end - 1) + 1;
    const line = pageText.slice(start, end);
    if (isHeading(line)) return line.trim();
    end = start - 1;
  }
  return '';
};

/**
 * The cues in the quote's context: its own line, the line before it when
 * that line is a heading (`Family history:`) the quote's line sits under,
 * and the heading of the section it sits in (`FAMILY HISTORY` several lines
 * up).
 */
export const distractorCues = (
  pageText: string,
  start: number,
  end: number,
  path = '',
): string[] => {
  const lineStart = pageText.lastIndexOf('\n', start - 1) + 1;
  const lineEndAt = pageText.indexOf('\n', end);
  const lineEnd = lineEndAt < 0 ? pageText.length : lineEndAt;
  const previousStart = lineStart > 0 ? pageText.lastIndexOf('\n', lineStart - 2) + 1 : lineStart;
  const previous = pageText.slice(previousStart, Math.max(previousStart, lineStart - 1));
  const heading = /:\s*$/.test(previous) ? previous : '';
  const window = `${heading}\n${pageText.slice(lineStart, lineEnd)}`;
  const section = sectionHeading(pageText, lineStart);
  const ignored = IGNORED_CUES.find(([prefix]) => path.startsWith(prefix))?.[1] ?? [];
  return CUES.filter(
    ({ cue, pattern }) =>
      !ignored.includes(cue) &&
      (pattern.test(window) || (SECTION_CUES.has(cue) && pattern.test(section))),
  ).map(({ cue }) => cue);
};
