/**
 * Reads vital signs written inline or labelled anywhere in the document
 * (`BP 138/88`, `HR 76`, `Ht 5'7"`, `Height: 170 cm`, `Wt 182 lb`, `BMI 28.5`).
 * Only what is printed is reported: BMI is never computed.
 */
import {
  normaliseBloodPressure,
  normaliseHeightCm,
  normaliseWeightKg,
} from '#core/extraction/value-normalisers.ts';

/** Vitals in canonical units, plus the printed phrases risk rules quote. */
export interface FoundVitals {
  readonly bloodPressure: string | null;
  readonly heartRate: number | null;
  readonly heightCm: number | null;
  readonly weightKg: number | null;
  readonly bmi: number | null;
  readonly evidence: { readonly bloodPressure: string | null; readonly bmi: string | null };
}

// The label must be a word of its own: `BP: 120/80`, `BP 120/80`, `BP was 120/80`.
const LINK = String.raw`(?:\s*[:=]\s*|\s+(?:(?:was|is|of)\s+)?)`;
const BLOOD_PRESSURE = new RegExp(
  String.raw`\b(?:bp|b\/p|blood\s*pressure)${LINK}(\d{2,3}\s*\/\s*\d{2,3})(?!\d)`,
  'i',
);
const HEART_RATE = new RegExp(
  String.raw`\b(?:hr|heart\s*rate|pulse(?:\s*rate)?)${LINK}(\d{2,3})(?!\d|[./]\d)`,
  'i',
);
// In a run of vitals (`T 98.6 P 72 R 16 BP 128/82`) a lone `P` is the pulse.
function vitalsRunPulse(lines: readonly string[]): RegExpExecArray | null {
  for (const line of lines) {
    if (!/\bBP\b/i.test(line) || !/\b(?:T|Temp|R|RR|SpO2)\b/.test(line)) continue;
    const match = /(?:^|\s)P\s*:?\s*(\d{2,3})\b/.exec(line);
    if (match !== null) return match;
  }
  return null;
}
const NUMBER = String.raw`\d+(?:\.\d+)?`;
const HEIGHT = new RegExp(
  String.raw`\b(?:ht|height)${LINK}(${NUMBER}\s*(?:'|ft\.?|feet|foot)\s*(?:${NUMBER}\s*(?:"|in\.?|inch(?:es)?)?)?|${NUMBER}(?:\s*(?:cm|cms|centimet(?:er|re)s?|m|met(?:er|re)s?|in|inch(?:es)?|")(?![A-Za-z]))?)`,
  'i',
);
const WEIGHT = new RegExp(
  String.raw`\b(?:wt|weight)${LINK}(${NUMBER})\s*(lbs?|pounds?|#|kgs?|kilograms?)?(?![A-Za-z])`,
  'i',
);
const BMI = new RegExp(String.raw`\bbmi${LINK}(\d{2}(?:\.\d+)?)(?!\d|\.\d)`, 'i');

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

// A bare height number is read by size: 1.2-2.5 metres, 48-96 inches, else cm.
function heightHint(value: string): string | undefined {
  if (!/^\d+(?:\.\d+)?$/.test(value.trim())) return undefined;
  const number = Number(value);
  if (number >= 1.2 && number <= 2.5) return 'm';
  if (number >= 48 && number <= 96) return 'in';
  return undefined;
}

/**
 * The first of each vital sign in reading order. A weight printed without a
 * unit is read in pounds when the height is in feet or inches, else in kg.
 */
export function extractVitals(lines: readonly string[]): FoundVitals {
  // One text, so a value wrapped onto the next line (`height\n191 cm`) is still read.
  const text = lines.join('\n');
  const bp = BLOOD_PRESSURE.exec(text);
  const hr = HEART_RATE.exec(text) ?? vitalsRunPulse(lines);
  const height = HEIGHT.exec(text);
  const weight = WEIGHT.exec(text);
  const bmi = BMI.exec(text);

  const bloodPressure = bp?.[1] === undefined ? null : normaliseBloodPressure(bp[1]);
  const heartRateValue = hr?.[1] === undefined ? null : Number(hr[1]);
  const heightText = height?.[1]?.trim();
  const heightCm =
    heightText === undefined ? null : normaliseHeightCm(heightText, heightHint(heightText));
  const imperial =
    heightText !== undefined &&
    (/'|ft|feet|foot|in|"/i.test(heightText) || heightHint(heightText) === 'in');
  const weightValue = weight?.[1];
  const weightUnit = weight?.[2] ?? (imperial ? 'lb' : 'kg');
  const weightKg =
    weightValue === undefined ? null : normaliseWeightKg(`${weightValue} ${weightUnit}`);
  const bmiValue = bmi?.[1] === undefined ? null : Number(bmi[1]);

  return {
    bloodPressure,
    heartRate:
      heartRateValue !== null && heartRateValue >= 20 && heartRateValue <= 250
        ? heartRateValue
        : null,
    heightCm,
    weightKg,
    bmi: bmiValue !== null && bmiValue >= 10 && bmiValue <= 100 ? bmiValue : null,
    evidence: {
      bloodPressure: bloodPressure === null || bp === null ? null : oneLine(bp[0]),
      bmi: bmiValue === null || bmi === null ? null : oneLine(bmi[0]),
    },
  };
}
