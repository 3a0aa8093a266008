/**
 * The analysis in plain English: one-line summaries of a metric row and a
 * guardrail, the caveats of each method, and the number formats they use.
 */
import { type Guardrail, METRICS } from '#core/experiments/criteria.ts';
import type { AnalysisMethod, GuardrailResult, MetricRow } from './schemas.ts';

/** The guardrail as a rule; `harm` is +1 when an increase is harmful, −1 when a decrease is. */
export function describeGuardrail(g: Guardrail, harm: 1 | -1): string {
  const label = METRICS[g.metric].label;
  if ('direction' in g) {
    return `${label} must not ${g.direction} by more than ${g.limit} (absolute)`;
  }
  const bad = harm > 0 ? 'rise' : 'fall';
  return `${label} must not ${bad} by more than ${formatPercent(g.maxRelativeChange, false)}`;
}

export function describeRow(row: MetricRow, alpha: number): string {
  const level = `${Math.round((1 - alpha) * 100)}%`;
  const p = `p = ${formatP(row.pValue ?? 1)}`;
  if (row.relativeLift !== null) {
    const { estimate, ci } = row.relativeLift;
    return `${formatPercent(estimate, true)} relative (${level} CI ${formatPercent(ci.lower, true)} to ${formatPercent(ci.upper, true)}), ${p}, ${row.method}`;
  }
  if (row.difference !== null) {
    const { estimate, ci } = row.difference;
    return `${signed(estimate)} absolute (${level} CI ${signed(ci.lower)} to ${signed(ci.upper)}), ${p}, ${row.method}`;
  }
  return 'no estimate';
}

export function formatChange(g: GuardrailResult): string {
  if (g.estimate === null || g.bound === null) return 'no estimate';
  const f = (x: number): string => (g.change === 'relative' ? formatPercent(x, true) : signed(x));
  return `${f(g.estimate)}, conservative bound ${f(g.bound)}`;
}

export function caveatsFor(method: AnalysisMethod, expectedTotal: number | null): string[] {
  if (method === 'sequential') {
    return [
      'Sequential (always-valid) analysis: intervals and p-values stay valid however often they are read, ' +
        `at the price of being wider than fixed-horizon ones, most of all far from the planned ${expectedTotal ?? '?'} documents.`,
    ];
  }
  return [
    'Fixed-horizon analysis: p-values and intervals hold only when read once, at the planned sample size. ' +
      'Checking repeatedly and stopping at the first significant result inflates false positives; ' +
      'use a sequential analysis to monitor a running experiment.',
  ];
}

export function formatPercent(x: number, withSign: boolean): string {
  const text = `${(x * 100).toFixed(1)}%`;
  return withSign && x >= 0 ? `+${text}` : text;
}

function signed(x: number): string {
  const text = Number(x.toPrecision(3)).toString();
  return x >= 0 ? `+${text}` : text;
}

export function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}
