/**
 * The shapes the drift analyser reads and reports: hourly roll-ups (the
 * fields of a metrics-table roll-up item it needs), the settings of a run and
 * its findings. Structural, so the metrics table's own roll-up type fits.
 */

/** Count, sum and sum of squares of one per-document value. */
export interface Moments {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/** One hour of one stream (a prompt version, or every document). */
export interface HourlyRollup {
  readonly documents: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Failed documents per reason code. */
  readonly failedByReason: Readonly<Record<string, number>>;
  readonly completeness: Moments;
  readonly inputTokens: Moments;
  readonly outputTokens: Moments;
  /** Documents scored for required fields, and how many had all of them. */
  readonly allRequiredN: number;
  readonly allRequiredPresent: number;
}

/** A stream's hours by UTC hour (`2026-11-27T15`); missing hours had no documents. */
export interface RollupStream {
  /** The prompt version, or null for the stream of every document. */
  readonly promptVersion: string | null;
  readonly hours: Readonly<Record<string, HourlyRollup>>;
}

/** What the analyser watches. */
export type SignalName =
  | 'completeness'
  | 'requiredFieldFillRate'
  | 'inputTokensPerDocument'
  | 'outputTokensPerDocument'
  | `outcomeShare:${string}`;

export type Direction = 'increase' | 'decrease';

export interface DriftSettings {
  /** Hours before the monitored window that define "normal". */
  readonly baselineHours: number;
  /** Hours the CUSUM runs over, ending at the evaluated hour. */
  readonly monitorHours: number;
  /** A chart whose baseline holds fewer documents is skipped, not guessed. */
  readonly minBaselineDocuments: number;
  /** Expected chart-hours in a finding per year with no drift (sets the threshold). */
  readonly falseAlarmHoursPerYear: number;
  /** The smallest shifts worth a finding. */
  readonly shifts: {
    /** Absolute drop in mean completeness (0..1). */
    readonly completeness: number;
    /** Absolute drop in the share of documents with every required field. */
    readonly requiredFieldFillRate: number;
    /** Relative change in mean tokens per document (0.2 = 20 %). */
    readonly tokensPerDocument: number;
    /** Absolute rise in the share of documents ending with one reason code. */
    readonly outcomeShare: number;
  };
}

export const DEFAULT_DRIFT_SETTINGS: DriftSettings = {
  baselineHours: 168,
  monitorHours: 24,
  minBaselineDocuments: 100,
  falseAlarmHoursPerYear: 1,
  shifts: {
    completeness: 0.05,
    requiredFieldFillRate: 0.1,
    tokensPerDocument: 0.2,
    outcomeShare: 0.05,
  },
};

/** One chart's result for the evaluated hour. */
export interface ChartResult {
  readonly promptVersion: string | null;
  readonly signal: SignalName;
  readonly direction: Direction;
  /** 'evaluated', or why the chart was skipped. */
  readonly status: 'evaluated' | 'insufficient-baseline';
  readonly baselineDocuments: number;
  readonly monitorDocuments: number;
  /** Baseline value of the signal (mean or share). */
  readonly baseline: number | null;
  /** Value over the monitored window. */
  readonly current: number | null;
  /** CUSUM statistic after the evaluated hour (0 when skipped). */
  readonly statistic: number;
  /** Hour the current excursion began (the estimated change point), if any. */
  readonly changeStartedAt: string | null;
}

export interface Finding extends ChartResult {
  readonly status: 'evaluated';
}

export interface DriftReport {
  /** Last complete hour evaluated (`2026-11-27T15`). */
  readonly evaluatedHour: string;
  readonly baselineHours: readonly [string, string];
  readonly monitorHours: readonly [string, string];
  /** CUSUM threshold h used for every chart of this run. */
  readonly threshold: number;
  readonly charts: readonly ChartResult[];
  /** Charts whose statistic is at or above the threshold. */
  readonly findings: readonly Finding[];
}
