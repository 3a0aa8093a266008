/**
 * The experiment decision (ship, rollback, keep running, unhealthy) and its
 * reasons. Order is fixed: sample ratio mismatch first (a broken split blocks
 * everything), then the minimum sample size, then guardrails, then the primary
 * metric.
 */
import type { SuccessCriteria } from '#core/experiments/criteria.ts';
import { describeRow, formatChange, formatP, formatPercent } from './narration.ts';
import type {
  AnalysisDecision,
  AnalysisMethod,
  ArmAggregates,
  ExperimentAnalysis,
  GuardrailResult,
  MetricRow,
} from './schemas.ts';

export interface DecisionContext {
  readonly srm: ExperimentAnalysis['srm'];
  readonly control: ArmAggregates;
  readonly treatment: ArmAggregates;
  readonly criteria: SuccessCriteria;
  readonly guardrails: readonly GuardrailResult[];
  readonly primaryRow: MetricRow | undefined;
  readonly method: AnalysisMethod;
  readonly plannedDocumentsPerArm: number | null;
}

export function decide(ctx: DecisionContext): { decision: AnalysisDecision; reasons: string[] } {
  const { srm, control, treatment, criteria, primaryRow } = ctx;
  const counts = `control ${control.documents}, treatment ${treatment.documents} documents`;

  if (srm.status === 'unhealthy') {
    const expected = srm.expected.map((e) => e.toFixed(1)).join(' / ');
    return {
      decision: 'unhealthy',
      reasons: [
        `Sample ratio mismatch: ${counts}, expected ${expected} from the configured weights ` +
          `(chi-square ${srm.chi2.toFixed(2)}, p = ${formatP(srm.pValue)} < 0.001). ` +
          'Assignment or logging is broken, so no metric can be trusted; fix it and restart the experiment.',
      ],
    };
  }

  const minimum = criteria.minimumDocumentsPerArm;
  if (control.documents < minimum || treatment.documents < minimum) {
    return {
      decision: 'keep-running',
      reasons: [`Not enough documents yet: ${counts}; the plan needs ${minimum} per arm.`],
    };
  }
  if (srm.status === 'not-enough-traffic') {
    return {
      decision: 'keep-running',
      reasons: [`Too little traffic for the sample ratio check: ${counts}.`],
    };
  }

  const reasons: string[] = [];
  const failed = ctx.guardrails.filter((g) => g.status === 'fail');
  for (const g of failed) {
    reasons.push(`Guardrail failed: ${g.rule}; observed ${formatChange(g)} (${g.method}).`);
  }

  if (primaryRow === undefined || primaryRow.outcome === 'insufficient-data') {
    if (failed.length > 0) return { decision: 'rollback', reasons };
    reasons.push(`Primary metric ${criteria.primaryMetric} has no data in one arm yet.`);
    return { decision: 'keep-running', reasons };
  }

  const summary = describeRow(primaryRow, criteria.alpha);
  if (primaryRow.outcome === 'worse') {
    reasons.unshift(`Primary metric ${primaryRow.metric} is significantly worse: ${summary}.`);
    return { decision: 'rollback', reasons };
  }
  if (failed.length > 0) {
    reasons.push(`Primary metric ${primaryRow.metric}: ${summary}.`);
    return { decision: 'rollback', reasons };
  }
  if (primaryRow.outcome === 'better') {
    reasons.push(
      `Primary metric ${primaryRow.metric} is significantly better: ${summary}; ` +
        `no guardrail failed (${ctx.guardrails.length} checked).`,
    );
    return { decision: 'ship', reasons };
  }

  reasons.push(`Primary metric ${primaryRow.metric}: no significant difference yet (${summary}).`);
  const planned = ctx.plannedDocumentsPerArm;
  if (ctx.method === 'fixed-horizon' && planned !== null) {
    const mde = formatPercent(criteria.minimumDetectableEffect, false);
    const smallest = Math.min(control.documents, treatment.documents);
    reasons.push(
      smallest >= planned
        ? `Each arm already has the ${planned} documents needed to detect a ${mde} change with 80% power; ` +
            'the true effect is probably smaller than that, so aborting and keeping control is reasonable.'
        : `About ${planned} documents per arm are needed to detect a ${mde} change with 80% power.`,
    );
  }
  return { decision: 'keep-running', reasons };
}
