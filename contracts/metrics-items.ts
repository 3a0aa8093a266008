/**
 * Roll-up items of the metrics table: one per (prompt version, hour) and per
 * (experiment, arm, hour), updated with atomic ADDs. Flat attribute names
 * (`failed_<REASON>`, `lat_<bucket>`) let one UpdateExpression add to any of
 * them without first creating a map.
 */
import * as z from 'zod/mini';
import { bucketIndex, type Histogram } from '#core/metrics/histogram.ts';

export const promptVersionKey = (version: string, hour: string) => ({
  pk: `PV#${version}`,
  sk: `H#${hour}`,
});

export const experimentArmKey = (experimentId: string, arm: string, hour: string) => ({
  pk: `EXP#${experimentId}#${arm}`,
  sk: `H#${hour}`,
});

/** Every document of the hour, whatever its version (failures before selection included). */
export const allDocumentsKey = (hour: string) => ({ pk: 'ALL', sk: `H#${hour}` });

/** Marker that a log event was counted; expires after the redelivery window. */
export const dedupKey = (logEventId: string) => ({ pk: `DEDUP#${logEventId}`, sk: 'EVENT' });
export const DEDUP_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Marker of the one record a document is counted by in the roll-ups: the
 * latest attempt's, as the ledger keeps the latest attempt's outcome. A
 * record of a later attempt replaces it (its contribution is taken back).
 */
export const documentMarkerKey = (documentId: string) => ({
  pk: `DOC#${documentId}`,
  sk: 'COUNTED',
});
/** Long enough for a redrive or a reconciler's rerun to find what was counted. */
export const DOCUMENT_MARKER_TTL_SECONDS = 35 * 24 * 3600;

/** `2026-11-27T15` for a timestamp in ms (UTC hour). */
export const hourOf = (timestampMs: number): string =>
  new Date(timestampMs).toISOString().slice(0, 13);

/** One document's contribution to its roll-ups. */
export interface DocumentSample {
  readonly succeeded: boolean;
  /** Extracted but sent to review (NEEDS_REVIEW): neither succeeded nor failed. Absent: false. */
  readonly needsReview?: boolean;
  readonly reason: string | null;
  readonly latencyMs: number;
  readonly completeness: number | null;
  readonly allRequiredPresent: boolean | null;
  readonly costMicroUsd: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Finished by reusing an identical earlier upload's extraction, without a model call. Absent: false. */
  readonly cacheHit?: boolean;
}

const REASON_PATTERN = /^[A-Z_]{1,40}$/;

/** What one sample adds to each attribute of a roll-up item. */
export const sampleAdds = (sample: DocumentSample): Record<string, number> => {
  const review = sample.needsReview === true && !sample.succeeded;
  const failed = !sample.succeeded && !review;
  const adds: Record<string, number> = {
    documents: 1,
    succeeded: sample.succeeded ? 1 : 0,
    failed: failed ? 1 : 0,
    latencySum: sample.latencyMs,
    [`lat_${bucketIndex(sample.latencyMs)}`]: 1,
  };
  // Only set when 1, so roll-ups written before review existed need no new attribute.
  if (review) adds.needsReview = 1;
  if (sample.cacheHit === true) adds.cacheHits = 1;
  if (failed && sample.reason && REASON_PATTERN.test(sample.reason)) {
    adds[`failed_${sample.reason}`] = 1;
  }
  const moments = (name: string, value: number | null) => {
    if (value === null) return;
    adds[`${name}N`] = 1;
    adds[`${name}Sum`] = value;
    adds[`${name}SumSq`] = value * value;
  };
  moments('completeness', sample.completeness);
  moments('cost', sample.costMicroUsd);
  moments('inputTokens', sample.inputTokens);
  moments('outputTokens', sample.outputTokens);
  if (sample.allRequiredPresent !== null) {
    adds.allRequiredN = 1;
    adds.allRequiredPresent = sample.allRequiredPresent ? 1 : 0;
  }
  return adds;
};

/** The ADD clause and values for precomputed per-attribute sums (negative ones take back). */
export const addsUpdate = (
  adds: Readonly<Record<string, number>>,
): { UpdateExpression: string; ExpressionAttributeValues: Record<string, number> } => {
  const names = Object.keys(adds);
  return {
    UpdateExpression: `ADD ${names.map((name, i) => `${name} :v${i}`).join(', ')}`,
    ExpressionAttributeValues: Object.fromEntries(
      names.map((name, i) => [`:v${i}`, adds[name] ?? 0]),
    ),
  };
};

/**
 * The ADD clause and values that fold samples into one roll-up item. Every
 * attribute is a sum, so several samples fold into one update.
 */
export const rollupUpdate = (
  samples: DocumentSample | readonly DocumentSample[],
): { UpdateExpression: string; ExpressionAttributeValues: Record<string, number> } => {
  const adds: Record<string, number> = {};
  for (const sample of Array.isArray(samples) ? samples : [samples]) {
    for (const [name, value] of Object.entries(sampleAdds(sample))) {
      adds[name] = (adds[name] ?? 0) + value;
    }
  }
  return addsUpdate(adds);
};

export interface Moments {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/** A roll-up as read back, hours summed. */
export interface Rollup {
  readonly documents: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Documents that ended NEEDS_REVIEW (the pipeline's outcome; a later approval does not move them). */
  readonly needsReview: number;
  /** Documents finished with an identical earlier upload's extraction (no model call, no tokens). */
  readonly cacheHits: number;
  readonly failedByReason: Record<string, number>;
  readonly latencySum: number;
  readonly latencyHistogram: Histogram;
  readonly completeness: Moments;
  readonly cost: Moments;
  readonly inputTokens: Moments;
  readonly outputTokens: Moments;
  readonly allRequiredN: number;
  readonly allRequiredPresent: number;
}

export const emptyRollup = (): Rollup => ({
  documents: 0,
  succeeded: 0,
  failed: 0,
  needsReview: 0,
  cacheHits: 0,
  failedByReason: {},
  latencySum: 0,
  latencyHistogram: {},
  completeness: { n: 0, sum: 0, sumSq: 0 },
  cost: { n: 0, sum: 0, sumSq: 0 },
  inputTokens: { n: 0, sum: 0, sumSq: 0 },
  outputTokens: { n: 0, sum: 0, sumSq: 0 },
  allRequiredN: 0,
  allRequiredPresent: 0,
});

const NumberRecord = z.record(z.string(), z.unknown());

/** Adds a raw roll-up item (one hour) into an accumulated roll-up. */
export const addItem = (acc: Rollup, raw: unknown): Rollup => {
  const item = NumberRecord.parse(raw);
  const num = (name: string): number => {
    const value = item[name];
    return typeof value === 'number' ? value : 0;
  };
  const failedByReason = { ...acc.failedByReason };
  const latencyHistogram: Record<string, number> = { ...acc.latencyHistogram };
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    if (name.startsWith('failed_')) {
      const reason = name.slice('failed_'.length);
      failedByReason[reason] = (failedByReason[reason] ?? 0) + value;
    } else if (name.startsWith('lat_')) {
      const bucket = name.slice('lat_'.length);
      latencyHistogram[bucket] = (latencyHistogram[bucket] ?? 0) + value;
    }
  }
  const moments = (name: string, m: Moments): Moments => ({
    n: m.n + num(`${name}N`),
    sum: m.sum + num(`${name}Sum`),
    sumSq: m.sumSq + num(`${name}SumSq`),
  });
  return {
    documents: acc.documents + num('documents'),
    succeeded: acc.succeeded + num('succeeded'),
    failed: acc.failed + num('failed'),
    needsReview: acc.needsReview + num('needsReview'),
    cacheHits: acc.cacheHits + num('cacheHits'),
    failedByReason,
    latencySum: acc.latencySum + num('latencySum'),
    latencyHistogram,
    completeness: moments('completeness', acc.completeness),
    cost: moments('cost', acc.cost),
    inputTokens: moments('inputTokens', acc.inputTokens),
    outputTokens: moments('outputTokens', acc.outputTokens),
    allRequiredN: acc.allRequiredN + num('allRequiredN'),
    allRequiredPresent: acc.allRequiredPresent + num('allRequiredPresent'),
  };
};
