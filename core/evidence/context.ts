/**
 * Distractor cues around a quote: words on the quote's line, or just before
 * it, that say the text is about someone else (a relative's history) or is
 * not a current fact about the patient (denied, ruled out, discontinued). A
 * value read from such a line may be right (a denied allergy is still a
 * line about allergies) but is more often a misreading, so it lowers
 * confidence; it never removes the value.
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
  {
    cue: 'hypothetical',
    pattern: /\b(?:consider|possible|suspected|rule\s+out|screen(?:ing)?\s+for)\b/i,
  },
];

/** Fields for which a cue is the content, not a distractor: `denies tobacco` is a tobacco answer. */
const IGNORED_CUES: readonly (readonly [string, readonly string[]])[] = [
  ['socialHistory.', ['denial']],
];

/**
 * The cues in the quote's context: its own line, and the line before it when
 * that line is a heading (`Family history:`) the quote's line sits under.
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
  const ignored = IGNORED_CUES.find(([prefix]) => path.startsWith(prefix))?.[1] ?? [];
  return CUES.filter(({ cue, pattern }) => !ignored.includes(cue) && pattern.test(window)).map(
    ({ cue }) => cue,
  );
};
