/**
 * The drift analyser: compares the last `monitorHours` of each roll-up stream
 * with the `baselineHours` before them, one CUSUM chart per signal and
 * direction, and reports the charts at or above a threshold that keeps false
 * findings within a yearly budget (see cusum.ts). Pure: roll-ups in, report out.
 *
 * Signals per prompt version: mean completeness (drop), share of documents
 * with every required field (drop), mean input and output tokens per
 * document (rise and drop). On the stream of every document: the share of
 * documents ending with each failure reason code (rise), i.e. the outcome
 * mix. Per-document values are modelled as normal with the baseline's mean
 * and standard deviation (floored at the shift size, which only makes the
 * chart more conservative) and shares as Bernoulli with the baseline share.
 */
import { bernoulliShiftLlr, cusum, cusumThreshold, normalShiftLlr } from './cusum.ts';
import { hoursEndingAt } from './hours.ts';
import type {
  ChartResult,
  Direction,
  DriftReport,
  DriftSettings,
  Finding,
  HourlyRollup,
  Moments,
  RollupStream,
  SignalName,
} from './types.ts';
import { DEFAULT_DRIFT_SETTINGS } from './types.ts';

/** One hour's observation of a signal: a moment sum or a count of hits. */
type Observation =
  | { readonly kind: 'moments'; readonly moments: Moments }
  | { readonly kind: 'share'; readonly hits: number; readonly n: number };

interface ChartSpec {
  readonly signal: SignalName;
  readonly direction: Direction;
  readonly kind: 'mean' | 'share';
  /** Absolute shift for means of completeness and shares; relative for tokens. */
  readonly shift: number;
  readonly relative: boolean;
  readonly observe: (hour: HourlyRollup) => Observation;
}

const EMPTY_MOMENTS: Moments = { n: 0, sum: 0, sumSq: 0 };

const addMoments = (a: Moments, b: Moments): Moments => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSq: a.sumSq + b.sumSq,
});

const meanOf = (m: Moments): number | null => (m.n > 0 ? m.sum / m.n : null);

/** Sample standard deviation (n − 1), clamped at 0 against rounding. */
const sdOf = (m: Moments): number => {
  if (m.n < 2) return 0;
  return Math.sqrt(Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1)));
};

const versionCharts = (settings: DriftSettings): ChartSpec[] => {
  const { shifts } = settings;
  const tokenCharts = (
    signal: 'inputTokensPerDocument' | 'outputTokensPerDocument',
    pick: (hour: HourlyRollup) => Moments,
  ): ChartSpec[] =>
    (['increase', 'decrease'] as const).map((direction) => ({
      signal,
      direction,
      kind: 'mean',
      shift: shifts.tokensPerDocument,
      relative: true,
      observe: (hour) => ({ kind: 'moments', moments: pick(hour) }),
    }));
  return [
    {
      signal: 'completeness',
      direction: 'decrease',
      kind: 'mean',
      shift: shifts.completeness,
      relative: false,
      observe: (hour) => ({ kind: 'moments', moments: hour.completeness }),
    },
    {
      signal: 'requiredFieldFillRate',
      direction: 'decrease',
      kind: 'share',
      shift: shifts.requiredFieldFillRate,
      relative: false,
      observe: (hour) => ({ kind: 'share', hits: hour.allRequiredPresent, n: hour.allRequiredN }),
    },
    ...tokenCharts('inputTokensPerDocument', (hour) => hour.inputTokens),
    ...tokenCharts('outputTokensPerDocument', (hour) => hour.outputTokens),
  ];
};

const REASON_PATTERN = /^[A-Z_]{1,40}$/;

const outcomeCharts = (
  settings: DriftSettings,
  hours: readonly (HourlyRollup | undefined)[],
): ChartSpec[] => {
  const reasons = new Set<string>();
  for (const hour of hours) {
    for (const reason of Object.keys(hour?.failedByReason ?? {})) {
      if (REASON_PATTERN.test(reason)) reasons.add(reason);
    }
  }
  return [...reasons].sort().map((reason) => ({
    signal: `outcomeShare:${reason}`,
    direction: 'increase',
    kind: 'share',
    shift: settings.shifts.outcomeShare,
    relative: false,
    observe: (hour) => ({
      kind: 'share',
      hits: hour.failedByReason[reason] ?? 0,
      n: hour.documents,
    }),
  }));
};

const EMPTY_HOUR: HourlyRollup = {
  documents: 0,
  succeeded: 0,
  failed: 0,
  failedByReason: {},
  completeness: EMPTY_MOMENTS,
  inputTokens: EMPTY_MOMENTS,
  outputTokens: EMPTY_MOMENTS,
  allRequiredN: 0,
  allRequiredPresent: 0,
};

/** Keeps shares away from 0 and 1, where a Bernoulli likelihood ratio is unbounded. */
const clampShare = (p: number): number => Math.min(0.999, Math.max(0.001, p));

interface Evaluation {
  readonly baselineDocuments: number;
  readonly monitorDocuments: number;
  readonly baseline: number | null;
  readonly current: number | null;
  /** Null when the baseline is too thin to judge. */
  readonly llrs: number[] | null;
}

const evaluate = (
  spec: ChartSpec,
  baselineHours: readonly HourlyRollup[],
  monitorHours: readonly HourlyRollup[],
  minBaseline: number,
): Evaluation => {
  const sign = spec.direction === 'increase' ? 1 : -1;
  const observations = monitorHours.map(spec.observe);
  if (spec.kind === 'mean') {
    const momentsOf = (obs: Observation): Moments =>
      obs.kind === 'moments' ? obs.moments : EMPTY_MOMENTS;
    const base = baselineHours.map(spec.observe).map(momentsOf).reduce(addMoments, EMPTY_MOMENTS);
    const monitor = observations.map(momentsOf);
    const monitorTotal = monitor.reduce(addMoments, EMPTY_MOMENTS);
    const mu0 = meanOf(base);
    const result = {
      baselineDocuments: base.n,
      monitorDocuments: monitorTotal.n,
      baseline: mu0,
      current: meanOf(monitorTotal),
    };
    if (mu0 === null || base.n < minBaseline || (spec.relative && !(mu0 > 0))) {
      return { ...result, llrs: null };
    }
    const delta = sign * (spec.relative ? spec.shift * mu0 : spec.shift);
    const sigma = Math.max(sdOf(base), Math.abs(delta));
    return { ...result, llrs: monitor.map((m) => normalShiftLlr(m.n, m.sum, mu0, sigma, delta)) };
  }
  const shareOf = (obs: Observation) =>
    obs.kind === 'share' ? { hits: obs.hits, n: obs.n } : { hits: 0, n: 0 };
  const base = baselineHours
    .map(spec.observe)
    .map(shareOf)
    .reduce((a, b) => ({ hits: a.hits + b.hits, n: a.n + b.n }), { hits: 0, n: 0 });
  const monitor = observations.map(shareOf);
  const monitorTotal = monitor.reduce((a, b) => ({ hits: a.hits + b.hits, n: a.n + b.n }), {
    hits: 0,
    n: 0,
  });
  const result = {
    baselineDocuments: base.n,
    monitorDocuments: monitorTotal.n,
    baseline: base.n > 0 ? base.hits / base.n : null,
    current: monitorTotal.n > 0 ? monitorTotal.hits / monitorTotal.n : null,
  };
  if (base.n < minBaseline) return { ...result, llrs: null };
  // Half a hit of smoothing: a reason never seen in the baseline gets a small, non-zero share.
  const p0 = clampShare((base.hits + 0.5) / (base.n + 1));
  const p1 = clampShare(p0 + sign * spec.shift);
  return {
    ...result,
    llrs: monitor.map((m) => (p1 === p0 ? 0 : bernoulliShiftLlr(m.hits, m.n, p0, p1))),
  };
};

/**
 * Evaluates every chart of every stream for the hour `evaluatedHour` (the
 * last complete hour) and reports the findings.
 */
export const analyseDrift = (
  streams: readonly RollupStream[],
  evaluatedHour: string,
  settings: DriftSettings = DEFAULT_DRIFT_SETTINGS,
): DriftReport => {
  if (!(settings.baselineHours >= 1 && settings.monitorHours >= 1)) {
    throw new RangeError('baselineHours and monitorHours must be at least 1');
  }
  const monitorLabels = hoursEndingAt(evaluatedHour, settings.monitorHours);
  const firstMonitor = monitorLabels[0] ?? evaluatedHour;
  const baselineLabels = hoursEndingAt(firstMonitor, settings.baselineHours + 1).slice(0, -1);

  const pending: (Omit<ChartResult, 'statistic' | 'changeStartedAt' | 'status'> & {
    llrs: number[] | null;
  })[] = [];
  for (const stream of streams) {
    const hourOf = (label: string): HourlyRollup => stream.hours[label] ?? EMPTY_HOUR;
    const baseline = baselineLabels.map(hourOf);
    const monitor = monitorLabels.map(hourOf);
    const specs =
      stream.promptVersion === null
        ? outcomeCharts(settings, [...baseline, ...monitor])
        : versionCharts(settings);
    for (const spec of specs) {
      const evaluation = evaluate(spec, baseline, monitor, settings.minBaselineDocuments);
      pending.push({
        promptVersion: stream.promptVersion,
        signal: spec.signal,
        direction: spec.direction,
        ...evaluation,
      });
    }
  }

  const evaluatedCount = pending.filter((chart) => chart.llrs !== null).length;
  const threshold = cusumThreshold(Math.max(1, evaluatedCount), settings.falseAlarmHoursPerYear);
  const charts: ChartResult[] = pending.map(({ llrs, ...chart }) => {
    if (llrs === null) {
      return { ...chart, status: 'insufficient-baseline', statistic: 0, changeStartedAt: null };
    }
    const path = cusum(llrs);
    return {
      ...chart,
      status: 'evaluated',
      statistic: path.last,
      changeStartedAt:
        path.excursionStart === null ? null : (monitorLabels[path.excursionStart] ?? null),
    };
  });
  const findings = charts.filter(
    (chart): chart is Finding => chart.status === 'evaluated' && chart.statistic >= threshold,
  );
  return {
    evaluatedHour,
    baselineHours: [baselineLabels[0] ?? firstMonitor, baselineLabels.at(-1) ?? firstMonitor],
    monitorHours: [firstMonitor, evaluatedHour],
    threshold,
    charts,
    findings,
  };
};
