/**
 * The statistics of the bench's pipeline figure: per round, the time per
 * extra document through the pipeline (the difference of two batch times)
 * over the same difference for the bare work on the same documents, and
 * across rounds the median of those ratios with its spread.
 */

/** Wall and CPU milliseconds of one batch. */
export interface BatchTime {
  readonly ms: number;
  /** CPU milliseconds the batch cost (this process, plus DynamoDB Local's JVM for the pipeline). */
  readonly cpuMs: number;
}

/** One round: both sides timed on the middle batch and the large batch of the same documents. */
export interface Round {
  readonly bare: { readonly middle: BatchTime; readonly large: BatchTime };
  readonly pipeline: { readonly middle: BatchTime; readonly large: BatchTime };
}

export interface RoundFigures {
  readonly pipelineMsPerExtraDocument: number;
  readonly bareMsPerExtraDocument: number;
  readonly ratio: number;
  readonly pipelineCpuMsPerExtraDocument: number;
  readonly bareCpuMsPerExtraDocument: number;
  readonly cpuRatio: number;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export const spread = (values: readonly number[]): Spread => ({
  median: median(values),
  min: values.length ? Math.min(...values) : Number.NaN,
  max: values.length ? Math.max(...values) : Number.NaN,
});

/** Per extra document: (large - middle) / (large count - middle count), on each side alike. */
export const roundFigures = (
  round: Round,
  middleCount: number,
  largeCount: number,
): RoundFigures => {
  const extra = largeCount - middleCount;
  if (!(extra > 0)) throw new Error('the large batch must hold more documents than the middle one');
  const per = (side: Round['bare'], key: keyof BatchTime): number =>
    (side.large[key] - side.middle[key]) / extra;
  const pipelineMs = per(round.pipeline, 'ms');
  const bareMs = per(round.bare, 'ms');
  const pipelineCpu = per(round.pipeline, 'cpuMs');
  const bareCpu = per(round.bare, 'cpuMs');
  return {
    pipelineMsPerExtraDocument: pipelineMs,
    bareMsPerExtraDocument: bareMs,
    ratio: pipelineMs / bareMs,
    pipelineCpuMsPerExtraDocument: pipelineCpu,
    bareCpuMsPerExtraDocument: bareCpu,
    cpuRatio: pipelineCpu / bareCpu,
  };
};

/** Across rounds: the median of the per-round ratios (not the ratio of medians) and the spread. */
export const summariseRounds = (
  rounds: readonly Round[],
  middleCount: number,
  largeCount: number,
) => {
  const figures = rounds.map((r) => roundFigures(r, middleCount, largeCount));
  return {
    rounds: figures,
    ratio: spread(figures.map((f) => f.ratio)),
    cpuRatio: spread(figures.map((f) => f.cpuRatio)),
    pipelineMsPerExtraDocument: spread(figures.map((f) => f.pipelineMsPerExtraDocument)),
    bareMsPerExtraDocument: spread(figures.map((f) => f.bareMsPerExtraDocument)),
  };
};

/**
 * The order of the four batches of round `index` (0-based): each side's
 * middle batch next to the other's, then the large ones, the side that goes
 * first alternating from round to round so a drift of the machine's load
 * does not always fall on the same side.
 */
export const roundOrder = (
  index: number,
): ReadonlyArray<{ side: 'bare' | 'pipeline'; batch: 'middle' | 'large' }> => {
  const [first, second] =
    index % 2 === 0 ? (['bare', 'pipeline'] as const) : (['pipeline', 'bare'] as const);
  return [
    { side: first, batch: 'middle' },
    { side: second, batch: 'middle' },
    { side: first, batch: 'large' },
    { side: second, batch: 'large' },
  ];
};
