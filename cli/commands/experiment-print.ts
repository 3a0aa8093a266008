/**
 * How `medextract experiments` shows its results to people: the definition
 * table, the analysis readout, documents per arm and the audit trail.
 */
import type { HistoryEntry } from '#adapters/experiments-repository.ts';
import type { ExperimentAnalysis, MetricRow } from '#core/experiments/analysis/schemas.ts';
import type { Experiment } from '#core/experiments/lifecycle.ts';
import { formatUsd } from '#core/extraction/cost.ts';
import type { ArmRollups } from '#services/experiment-analysis.ts';
import { printTable } from '../output.ts';

export const percent = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(digits)}%`;

const formatP = (p: number | null): string | null =>
  p === null ? null : p < 0.0001 ? '<0.0001' : p.toFixed(4);

const signedPercent = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export const allocationText = (exp: Experiment): string => {
  const { weights, coverage, preset } = exp.allocation;
  const split = `${Math.round(weights.control * 100)}/${Math.round(weights.treatment * 100)}`;
  return `${preset === 'custom' ? split : preset}${coverage < 1 ? `, coverage ${percent(coverage, 0)}` : ''}`;
};

export const printExperiment = (exp: Experiment): void => {
  const criteria = exp.successCriteria;
  const guardrails = criteria.guardrails.map((g) =>
    'direction' in g
      ? `${g.metric} ${g.direction} <= ${g.limit}`
      : `${g.metric} <= ${percent(g.maxRelativeChange, 0)} worse`,
  );
  const rows: Array<[string, unknown]> = [
    ['id', exp.id],
    ['name', exp.name],
    ['status', exp.status],
    ['control', exp.control],
    ['treatment', exp.treatment],
    ['allocation', allocationText(exp)],
    ['seed', exp.seed],
    [
      'primary metric',
      `${criteria.primaryMetric} (MDE ${percent(criteria.minimumDetectableEffect, 0)}, alpha ${criteria.alpha})`,
    ],
    ['guardrails', guardrails.length > 0 ? guardrails.join('; ') : 'none'],
    ['min documents/arm', criteria.minimumDocumentsPerArm],
    [
      'analysis',
      exp.sequential ? `sequential (N* ${exp.expectedTotalDocuments})` : 'fixed-horizon',
    ],
    ['created', exp.createdAt],
    ['started', exp.startedAt],
    ['completed', exp.completedAt],
    ['promoted', exp.promotedAt],
    ['aborted', exp.abortedAt],
    ['decision', exp.decision],
  ];
  printTable(
    ['field', 'value'],
    rows.filter(([, value]) => value !== undefined),
  );
};

const metricValue = (row: MetricRow, value: number | null): string => {
  if (value === null) return '-';
  switch (row.metric) {
    case 'successRate':
    case 'allRequiredPresent':
      return percent(value);
    case 'costPerDocument':
      return formatUsd(value);
    case 'completeness':
      return value.toFixed(3);
    default:
      return value.toFixed(1);
  }
};

/** Prints an analysis readout: SRM, metrics, guardrails, latency, failures, decision. */
export const printAnalysis = (exp: Experiment, analysis: ExperimentAnalysis): void => {
  const { srm } = analysis;
  const level = `${Math.round((1 - analysis.alpha) * 100)}% CI`;
  process.stdout.write(
    `Experiment ${exp.id}: control ${exp.control} vs treatment ${exp.treatment} (${allocationText(exp)}), ${analysis.method}\n`,
  );
  process.stdout.write(
    `Sample ratio: ${srm.status} (observed ${srm.observed.join(' / ')}, expected ${srm.expected
      .map((e) => e.toFixed(1))
      .join(' / ')}, chi-square ${srm.chi2.toFixed(2)}, p = ${formatP(srm.pValue)})\n`,
  );
  printTable(
    ['metric', 'role', 'control', 'treatment', `relative lift (${level})`, 'p', 'outcome'],
    analysis.metrics.map((row) => [
      row.metric,
      row.role,
      metricValue(row, row.control.value),
      metricValue(row, row.treatment.value),
      row.relativeLift
        ? `${signedPercent(row.relativeLift.estimate)} (${signedPercent(row.relativeLift.ci.lower)} to ${signedPercent(row.relativeLift.ci.upper)})`
        : null,
      formatP(row.adjustedPValue ?? row.pValue),
      row.outcome,
    ]),
  );
  if (analysis.guardrails.length > 0) {
    printTable(
      ['guardrail', 'estimate', 'bound', 'status'],
      analysis.guardrails.map((g) => {
        const show = (x: number | null) =>
          x === null ? null : g.change === 'relative' ? signedPercent(x) : x.toPrecision(3);
        return [g.rule, show(g.estimate), show(g.bound), g.status];
      }),
    );
  }
  const lat = analysis.latency;
  printTable(
    ['latency (ms)', 'p50', 'p95', 'p99'],
    (['control', 'treatment'] as const).map((arm) => [
      arm,
      lat[arm]?.p50.toFixed(0),
      lat[arm]?.p95.toFixed(0),
      lat[arm]?.p99.toFixed(0),
    ]),
  );
  if (analysis.failures.length > 0) {
    printTable(
      ['failure reason', 'control', 'treatment'],
      analysis.failures.map((f) => [f.reason, f.control, f.treatment]),
    );
  }
  process.stdout.write(`Decision: ${analysis.decision}\n`);
  for (const reason of analysis.reasons) process.stdout.write(`  - ${reason}\n`);
  for (const caveat of analysis.caveats) process.stdout.write(`Note: ${caveat}\n`);
};

export const armsTable = (exp: Experiment, rollups: ArmRollups): void => {
  const minimum = exp.successCriteria.minimumDocumentsPerArm;
  printTable(
    ['arm', 'version', 'documents', 'succeeded', 'failed', `of ${minimum} needed`],
    (['control', 'treatment'] as const).map((arm) => {
      const r = rollups[arm];
      return [
        arm,
        exp[arm],
        r.documents,
        r.succeeded,
        r.failed,
        percent(Math.min(1, r.documents / minimum), 0),
      ];
    }),
  );
};

export const printHistory = (entries: readonly HistoryEntry[]): void =>
  printTable(
    ['#', 'at', 'actor', 'action', 'change', 'reason', 'decision'],
    entries.map((e, i) =>
      e.kind === 'experiment'
        ? [i + 1, e.at, e.actor, e.action, `${e.before ?? '-'} -> ${e.after}`, e.reason, e.decision]
        : [
            i + 1,
            e.at,
            e.actor,
            `alias ${e.alias} move`,
            `${e.before ?? '-'} -> ${e.after}`,
            e.reason,
            null,
          ],
    ),
  );
