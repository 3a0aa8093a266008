/**
 * Reads tobacco use from narrative and labelled social history: "denies
 * tobacco", "never smoker", "quit smoking in 2015", "former smoker, 20
 * pack-years", "smokes 1 ppd for 30 years".
 */
import type { TobaccoUse } from '#core/extraction/extraction.ts';
import { shortPhrase } from './text.ts';

/** Tobacco status and pack-years, with the phrase that decided the status. */
export interface FoundTobacco {
  readonly tobaccoUse: TobaccoUse | null;
  readonly packYears: number | null;
  readonly evidence: string | null;
}

const SUBJECT = '(?:smoking|tobacco|cigarettes?|nicotine)';
const LABEL = String.raw`\b(?:smoking|tobacco|smoker|cigarettes?)\s*(?:status|use|usage|history|hx)?\s*:\s*`;
// A ticked box on a tobacco line of a form: `Tobacco use: [X] Current [ ] Former`.
const TICK_MARK = String.raw`(?:\[\s*[xX✓✔]\s*\]|☒|☑)`;
const TICK = String.raw`\b(?:smok\w*|tobacco|cigarettes?|nicotine)[^\n]{0,60}?${TICK_MARK}`;
const TICK_MARKS = new RegExp(TICK_MARK, 'g');
const HAS_TICK_MARK = new RegExp(TICK_MARK);
const UNTICKED_OPTION = /(?:\[\s*\]|☐)\s*[A-Za-z-]+/g;

// Checked in this order: a quit history outranks present-tense words in the
// same record, and both outrank denials.
const STATUS_RULES: readonly (readonly [TobaccoUse, readonly RegExp[]])[] = [
  [
    'former',
    [
      /\b(?:former|ex-?|past|previous|prior|remote|quit)[\s-]*smoker\b/i,
      new RegExp(
        String.raw`\b(?:quit|stopped|gave\s+up|ceased)\s+(?:using\s+|all\s+)?${SUBJECT}`,
        'i',
      ),
      new RegExp(String.raw`${LABEL}(?:former|ex-?smoker|quit|past|previous)\b`, 'i'),
      new RegExp(String.raw`${TICK}\s*(?:former|ex-?smoker|quit|past)\b`, 'i'),
      /\bsmoked\b[^.;\n]{0,80}\bquit\b/i,
      new RegExp(String.raw`\b(?:history\s+of|hx\s+of)\s+${SUBJECT}[^.;\n]{0,80}\bquit\b`, 'i'),
    ],
  ],
  [
    'current',
    [
      /\bcurrent(?:ly)?\s+(?:every[\s-]*day\s+|some[\s-]*days?\s+|daily\s+)?(?:smoker|smokes|smoking|tobacco\s+user|uses\s+tobacco)\b/i,
      /\b(?:smokes|is\s+smoking|still\s+smok(?:es|ing)|active\s+smoker|daily\s+smoker|chews\s+tobacco|uses\s+(?:smokeless\s+|chewing\s+)?tobacco)\b/i,
      new RegExp(
        String.raw`${LABEL}(?:current|yes|daily|every\s*day|some\s*days|active|smoker)\b`,
        'i',
      ),
      new RegExp(String.raw`${TICK}\s*(?:current|yes|daily|every\s*day)\b`, 'i'),
      /\b\d+(?:\.\d+)?\s*(?:ppd|packs?\s*(?:per|a|\/)\s*day)\b/i,
      /(?<!(?:non|never|former|ex|past|previous|prior|remote|quit|no)[\s-]*)\bsmoker\b(?![\s-]*(?:status|history)?\s*:)/i,
    ],
  ],
  [
    'never',
    [
      /\bnever\s+(?:a\s+)?(?:smoker|smoked|used\s+tobacco|tobacco\s+user|smoking)\b/i,
      /\bnon-?\s*smoker\b/i,
      new RegExp(String.raw`\b(?:denies|no)\s+(?:any\s+)?(?:history\s+of\s+)?${SUBJECT}`, 'i'),
      new RegExp(String.raw`\bdenies\b[^.;\n]{0,40}\b${SUBJECT}`, 'i'),
      new RegExp(String.raw`${LABEL}(?:never|no|none|denies|non-?smoker)\b`, 'i'),
      new RegExp(String.raw`${TICK}\s*(?:never|no|none|non-?smoker)\b`, 'i'),
    ],
  ],
  ['unknown', [new RegExp(String.raw`${LABEL}(?:unknown|not\s+(?:asked|documented))\b`, 'i')]],
];

const PACK_YEARS =
  /\b(\d+(?:\.\d+)?)[\s-]*(?:pack|pk)s?[\s-]*(?:years?|yrs?)\b|\b(?:pack|pk)s?[\s-]*(?:years?|yrs?)\s*[:=]\s*(\d+(?:\.\d+)?)/i;
const RATE_AND_YEARS =
  /\b(\d+(?:\.\d+)?|one|two|three|half(?:\s+a)?|1\/2)\s*(ppd|packs?\s*(?:per|a|\/)\s*day|cigarettes?\s*(?:per|a|\/)\s*day|cigs?\s*(?:per|a|\/)\s*day)\b[^.;\n]{0,40}?\b(?:for|x|over)\s+(?:about\s+|approximately\s+|the\s+(?:past|last)\s+)?(\d+(?:\.\d+)?)\s*(?:years?|yrs?)\b/i;
const WORD_NUMBERS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  half: 0.5,
  'half a': 0.5,
  '1/2': 0.5,
};

function packYearsFrom(text: string): number | null {
  const stated = PACK_YEARS.exec(text);
  const statedValue = stated?.[1] ?? stated?.[2];
  if (statedValue !== undefined) return Number(statedValue);
  const computed = RATE_AND_YEARS.exec(text);
  const [, rateText, rateUnit, yearsText] = computed ?? [];
  if (rateText === undefined || rateUnit === undefined || yearsText === undefined) return null;
  const rate = WORD_NUMBERS[rateText.toLowerCase()] ?? Number(rateText);
  // Twenty cigarettes make a pack.
  const packsPerDay = /cig/i.test(rateUnit) ? rate / 20 : rate;
  const packYears = Math.round(packsPerDay * Number(yearsText) * 10) / 10;
  return Number.isFinite(packYears) && packYears > 0 ? packYears : null;
}

// The clause around a match: from the previous break (sentence end, `;`, or the
// colon after a label such as `Social History:`) to the next one.
function clauseAround(text: string, start: number, end: number): string {
  const before = text.slice(0, start);
  const breakBefore = Math.max(
    before.lastIndexOf('\n'),
    before.lastIndexOf(';'),
    before.lastIndexOf(':'),
    before.search(/\.(?!\d)[^.]*$/),
  );
  const after = text.slice(end);
  const breakAfter = after.search(/\n|;|\.(?!\d)/);
  const clause = text.slice(breakBefore + 1, breakAfter === -1 ? text.length : end + breakAfter);
  return shortPhrase(clause);
}

// A ticked form option reads as its label and the ticked word (`Tobacco use: Current`).
function tickedEvidence(matched: string): string {
  return shortPhrase(
    matched.replace(UNTICKED_OPTION, ' ').replace(TICK_MARKS, ' ').replace(/\s+/g, ' '),
  );
}

/** Tobacco use from the document's lines; all null when tobacco is never mentioned. */
export function extractTobacco(lines: readonly string[]): FoundTobacco {
  const text = lines.join('\n');
  const packYears = packYearsFrom(text);
  for (const [status, patterns] of STATUS_RULES) {
    for (const pattern of patterns) {
      const match = pattern.exec(text);
      if (match === null) continue;
      return {
        tobaccoUse: status,
        packYears,
        evidence: HAS_TICK_MARK.test(match[0])
          ? tickedEvidence(match[0])
          : clauseAround(text, match.index, match.index + match[0].length),
      };
    }
  }
  if (packYears !== null) {
    return { tobaccoUse: 'unknown', packYears, evidence: null };
  }
  return { tobaccoUse: null, packYears: null, evidence: null };
}
