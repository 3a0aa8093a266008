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

/** Running sums for one signal; turned into `Moments` once the hour is drawn. */
interface Sums {
  n: number;
  sum: number;
  sumSq: number;
}
const emptySums = (): Sums => ({ n: 0, sum: 0, sumSq: 0 });
const add = (m: Sums, x: number): void => {
  m.n += 1;
  m.sum += x;
  m.sumSq += x * x;
};

/**
 * One hour of documents drawn from `profile`. The sums are kept in place
 * (no object per document): the drift tests draw millions of documents.
 */
export const hourOf = (profile: TrafficProfile, random: () => number): HourlyRollup => {
  const reasons = Object.entries(profile.failureShares);
  const failedByReason: Record<string, number> = {};
  const completeness = emptySums();
  const inputTokens = emptySums();
  const outputTokens = emptySums();
  let documents = 0;
  let succeeded = 0;
  let failed = 0;
  let allRequiredN = 0;
  let allRequiredPresent = 0;
  for (let i = 0; i < profile.documentsPerHour; i += 1) {
    documents += 1;
    let r = random();
    const reason = reasons.find(([, share]) => {
      r -= share;
      return r < 0;
    })?.[0];
    if (reason) {
      failed += 1;
      failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
      continue;
    }
    succeeded += 1;
    add(
      completeness,
      Math.min(1, Math.max(0, profile.completenessMean + profile.completenessSd * normal(random))),
    );
    add(
      inputTokens,
      Math.max(1, Math.round(profile.inputTokensMean * (1 + 0.25 * normal(random)))),
    );
    add(
      outputTokens,
      Math.max(1, Math.round(profile.outputTokensMean * (1 + 0.3 * normal(random)))),
    );
    allRequiredN += 1;
    if (random() < profile.requiredFillRate) allRequiredPresent += 1;
  }
  const moments = (m: Sums): Moments => ({ n: m.n, sum: m.sum, sumSq: m.sumSq });
  return {
    documents,
    succeeded,
    failed,
    failedByReason,
    completeness: moments(completeness),
    inputTokens: moments(inputTokens),
    outputTokens: moments(outputTokens),
    allRequiredN,
    allRequiredPresent,
  };
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
