/**
 * Test helper: seeded synthetic hourly roll-ups, built document by document
 * (completeness, tokens, required fields, failure reasons drawn per
 * document and folded into the same sums the aggregator keeps), with an
 * optional shift from a given hour on.
 */
import { addHours, type HourlyRollup, type Moments } from '#core/drift/index.ts';

/** mulberry32: small, fast, seeded; good enough for test data. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const normal = (random: () => number): number => {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
};

export interface TrafficProfile {
  readonly documentsPerHour: number;
  readonly completenessMean: number;
  readonly completenessSd: number;
  readonly requiredFillRate: number;
  readonly inputTokensMean: number;
  readonly outputTokensMean: number;
  /** Share of documents failing, per reason code. */
  readonly failureShares: Readonly<Record<string, number>>;
}

export const NORMAL_TRAFFIC: TrafficProfile = {
  documentsPerHour: 40,
  completenessMean: 0.92,
  completenessSd: 0.06,
  requiredFillRate: 0.85,
  inputTokensMean: 4000,
  outputTokensMean: 600,
  failureShares: { NOT_PDF: 0.01, NO_TEXT_LAYER: 0.02 },
};

const EMPTY: Moments = { n: 0, sum: 0, sumSq: 0 };
const add = (m: Moments, x: number): Moments => ({
  n: m.n + 1,
  sum: m.sum + x,
  sumSq: m.sumSq + x * x,
});

/** One hour of documents drawn from `profile`. */
export const hourOf = (profile: TrafficProfile, random: () => number): HourlyRollup => {
  let hour = {
    documents: 0,
    succeeded: 0,
    failed: 0,
    failedByReason: {} as Record<string, number>,
    completeness: EMPTY,
    inputTokens: EMPTY,
    outputTokens: EMPTY,
    allRequiredN: 0,
    allRequiredPresent: 0,
  };
  for (let i = 0; i < profile.documentsPerHour; i += 1) {
    hour = { ...hour, documents: hour.documents + 1 };
    let r = random();
    const reason = Object.entries(profile.failureShares).find(([, share]) => {
      r -= share;
      return r < 0;
    })?.[0];
    if (reason) {
      hour.failed += 1;
      hour.failedByReason[reason] = (hour.failedByReason[reason] ?? 0) + 1;
      continue;
    }
    hour.succeeded += 1;
    const completeness = Math.min(
      1,
      Math.max(0, profile.completenessMean + profile.completenessSd * normal(random)),
    );
    hour.completeness = add(hour.completeness, completeness);
    hour.inputTokens = add(
      hour.inputTokens,
      Math.max(1, Math.round(profile.inputTokensMean * (1 + 0.25 * normal(random)))),
    );
    hour.outputTokens = add(
      hour.outputTokens,
      Math.max(1, Math.round(profile.outputTokensMean * (1 + 0.3 * normal(random)))),
    );
    hour.allRequiredN += 1;
    if (random() < profile.requiredFillRate) hour.allRequiredPresent += 1;
  }
  return hour;
};

/**
 * `count` hours ending at `last`, drawn from `before` until `shiftFrom`
 * (exclusive) and from `after` from then on.
 */
export const hoursOf = (
  last: string,
  count: number,
  random: () => number,
  before: TrafficProfile,
  shift?: { readonly from: string; readonly after: TrafficProfile },
): Record<string, HourlyRollup> => {
  const hours: Record<string, HourlyRollup> = {};
  for (let i = count - 1; i >= 0; i -= 1) {
    const label = addHours(last, -i);
    const profile = shift && label >= shift.from ? shift.after : before;
    hours[label] = hourOf(profile, random);
  }
  return hours;
};
