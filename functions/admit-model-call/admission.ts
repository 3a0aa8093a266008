/**
 * AdmitModelCall and ReportModelPressure: reserve the next model slot for a
 * document (the workflow waits until it in a Wait state), or count a
 * throttling / 5xx answer towards the model's circuit breaker and send the
 * document back to admission. The quota and policy come from the stage's
 * `MODEL_ADMISSION_SETTINGS`; the slot record lives in the metrics table.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SlotStore } from '#adapters/model-slots.ts';
import { AdmissionWaitExceededError } from '#contracts/errors.ts';
import {
  type AdmissionSettings,
  AdmissionSettingsSchema,
  type AdmitModelCallInput,
  type AdmitModelCallOutput,
  type ModelAdmission,
} from '#contracts/model-admission.ts';
import type { PromptVersion } from '#core/prompts/types.ts';
import { type AdmissionPolicy, slotCostMs } from '#core/quota/model-slots.ts';
import type { Observability } from '#functions/shared/powertools.ts';

export interface AdmissionDependencies {
  readonly settings: AdmissionSettings;
  readonly store: SlotStore;
  readonly version: (promptVersion: string) => PromptVersion;
  readonly observability: Observability;
  readonly now?: () => number;
}

/** Parses the stage's settings; a bad value fails the function at cold start, not per document. */
export const parseAdmissionSettings = (text: string | undefined): AdmissionSettings => {
  if (text === undefined || text === '') return { enabled: false, models: {} };
  return AdmissionSettingsSchema.parse(JSON.parse(text));
};

/** The policy of one model for one prompt version, with times in the quota's (scaled) minute. */
export const policyOf = (
  model: ModelAdmission,
  maxTokens: number,
  minuteMs: number,
): AdmissionPolicy => {
  const scale = minuteMs / 60_000;
  return {
    headroom: model.headroom,
    expectedTokensPerCall:
      model.expectedInputTokens +
      Math.min(model.expectedOutputTokens, maxTokens) * model.quota.outputTokenBurnDown,
    burstCalls: model.burstCalls,
    horizonMs: model.horizonSeconds * 1000 * scale,
    breakerThreshold: model.breaker.threshold,
    breakerWindowMs: model.breaker.windowSeconds * 1000 * scale,
    breakerCooldownMs: model.breaker.cooldownSeconds * 1000 * scale,
  };
};

export const admitModelCall = async (
  deps: AdmissionDependencies,
  input: AdmitModelCallInput,
): Promise<AdmitModelCallOutput> => {
  const now = (deps.now ?? Date.now)();
  const version = deps.version(input.promptVersion);
  const modelId = version.metadata.modelId;
  const settings = AdmissionSettingsSchema.parse(deps.settings);
  const model = settings.models[modelId];
  const readmissions = input.readmissions + (input.action === 'pressure' ? 1 : 0);
  const answer = (admitted: boolean, at: number, open: boolean): AdmitModelCallOutput => ({
    admitted,
    notBefore: new Date(at).toISOString(),
    modelId,
    readmissions,
    breakerOpen: open,
  });
  // Without admission (or for a model with no quota configured) every call starts at once.
  if (!settings.enabled || model === undefined) return answer(true, now, false);

  const policy = policyOf(model, version.metadata.inference.maxTokens, settings.minuteMs);
  const { logger, metrics } = deps.observability;
  if (input.action === 'pressure') {
    const opened = await deps.store.reportPressure(modelId, now, policy);
    if (opened) {
      logger.warn('Model circuit breaker opened', {
        modelId,
        cooldownMs: policy.breakerCooldownMs,
      });
      const metric = metrics.singleMetric();
      metric.addDimension('modelId', modelId);
      metric.addMetric('ModelBreakerOpened', MetricUnit.Count, 1);
    }
    // Back to admission: the next slot is past the cool-down if the breaker is open.
    return answer(false, now, opened);
  }

  // The latest slot this document may take: its execution's start plus the
  // stage's maximum wait. Closer than the horizon, it becomes the horizon, so
  // a slot beyond it is refused without being reserved.
  const startedAt = input.executionStartedAt ? Date.parse(input.executionStartedAt) : now;
  const waitLeftMs = startedAt + settings.maxAdmissionWaitMinutes * settings.minuteMs - now;
  const horizonMs = Math.max(0, Math.min(policy.horizonMs, waitLeftMs));
  const cost = slotCostMs(model.quota, policy, settings.minuteMs);
  const reservation = await deps.store.reserve(modelId, now, cost, { ...policy, horizonMs });
  if (!reservation.admitted && waitLeftMs <= policy.horizonMs) {
    const metric = metrics.singleMetric();
    metric.addDimension('modelId', modelId);
    metric.addMetric('ModelAdmissionWaitExceeded', MetricUnit.Count, 1);
    logger.warn('Model call refused: the backlog exceeds the maximum admission wait', {
      modelId,
      maxAdmissionWaitMinutes: settings.maxAdmissionWaitMinutes,
    });
    throw new AdmissionWaitExceededError(
      `ADMISSION_WAIT_EXCEEDED: no model slot within the stage's maximum admission wait of ${settings.maxAdmissionWaitMinutes} min`,
    );
  }
  const waitMs = reservation.notBefore - now;
  const metric = metrics.singleMetric();
  metric.addDimension('modelId', modelId);
  metric.addMetric(
    reservation.admitted ? 'ModelCallsAdmitted' : 'ModelCallsDeferred',
    MetricUnit.Count,
    1,
  );
  if (reservation.admitted) {
    const wait = metrics.singleMetric();
    wait.addDimension('modelId', modelId);
    wait.addMetric('ModelAdmissionWaitMs', MetricUnit.Milliseconds, Math.max(0, waitMs));
  }
  logger.info('Model call admission', {
    modelId,
    admitted: reservation.admitted,
    waitMs,
    breakerOpen: reservation.breakerOpen,
  });
  return answer(reservation.admitted, reservation.notBefore, reservation.breakerOpen);
};
