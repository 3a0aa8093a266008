/**
 * Bedrock capacity per stage: each model's quota (requests and tokens per
 * minute, output burn-down), the expected tokens of one document, and the
 * admission policy derived from them. The same figures configure the
 * admit-model-call function (`MODEL_ADMISSION_SETTINGS`), the local Bedrock
 * stand-in's quota and the local runtime's limits; synth refuses a stage
 * whose admitted concurrency could exceed invoke-model's reserved
 * concurrency.
 */
import type { AdmissionSettings, ModelAdmission } from '#contracts/model-admission.ts';
import { admittedPerMinute } from '#core/quota/model-slots.ts';

/** One model's capacity in a stage. */
export interface ModelCapacity extends ModelAdmission {
  /** A high percentile of one admitted call's duration, for the concurrency check. */
  readonly callSeconds: number;
}

/** Capacity of every model a stage's prompt versions name, keyed by inference profile id. */
export type StageModelCapacity = Readonly<Record<string, ModelCapacity>>;

export const HAIKU_3_5 = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
export const HAIKU_4_5 = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';

/**
 * The work of one document, start to outcome, without waiting for admission:
 * the bound the execution deadline had before admission control (every task
 * state's own TimeoutSeconds bounds its part).
 */
export const EXECUTION_WORK_SECONDS = 900;

/** How long a document may wait for its model slot unless the stage says otherwise. */
export const DEFAULT_MAX_ADMISSION_WAIT_MINUTES = 240;

/** Standard workflows run for at most a year. */
const STANDARD_MAX_SECONDS = 365 * 24 * 3600;

/**
 * The execution deadline: work time plus the longest admission wait. The one
 * source of the state machine's TimeoutSeconds (CDK and local runtime) and of
 * the reconciler's stuck-execution threshold. `minuteMs` scales the wait as
 * the admission settings do (local tests and benches).
 */
export const executionTimeoutSeconds = (
  maxAdmissionWaitMinutes: number,
  minuteMs = 60_000,
): number => Math.ceil(EXECUTION_WORK_SECONDS + (maxAdmissionWaitMinutes * minuteMs) / 1000);

/**
 * Admission defaults: 90% of the quota, a burst of two calls, slots up to ten
 * minutes ahead (a document further back asks again then, until its slot is
 * near or its maximum wait is up), and a breaker that opens on 5 throttles or 5xx in 60 s for 60 s.
 */
const policy = {
  headroom: 0.9,
  burstCalls: 2,
  horizonSeconds: 600,
  breaker: { threshold: 5, windowSeconds: 60, cooldownSeconds: 60 },
} as const;

/**
 * Tokens of one call at the 90th percentile of the synthetic corpus, per
 * model, over the released prompt versions that name it: input as the
 * request estimate counts it (system, user, tool schema and the provider's
 * tool-use prompt), output as the rule-based stand-in's answers measure it
 * (the evidence quotes of 2.2.0 make its answers about five times longer
 * than 2.1.0's). Measured p90 (60 documents, seed `tokens`): Claude 3.5
 * Haiku 6,257 in / 361 out (1.1.0), Haiku 4.5 7,269 in / 2,079 out (2.2.0);
 * `test/infra/expected-tokens.test.ts` fails when a version outgrows them.
 */
const haiku35Tokens = { expectedInputTokens: 6_500, expectedOutputTokens: 400, callSeconds: 6 };
const haiku45Tokens = { expectedInputTokens: 7_500, expectedOutputTokens: 2_200, callSeconds: 6 };

/**
 * Claude 3.5 Haiku counts output tokens once; Claude 3.7 and later (Haiku 4.5)
 * five times against tokens per minute.
 */
const capacity = (
  haiku35: { rpm: number; tpm: number },
  haiku45: { rpm: number; tpm: number },
): StageModelCapacity => ({
  [HAIKU_3_5]: {
    ...policy,
    ...haiku35Tokens,
    quota: { requestsPerMinute: haiku35.rpm, tokensPerMinute: haiku35.tpm, outputTokenBurnDown: 1 },
  },
  [HAIKU_4_5]: {
    ...policy,
    ...haiku45Tokens,
    quota: { requestsPerMinute: haiku45.rpm, tokensPerMinute: haiku45.tpm, outputTokenBurnDown: 5 },
  },
});

/** The quotas each stage's account holds (Service Quotas, on-demand, per Region). */
export const STAGE_CAPACITY = {
  dev: capacity({ rpm: 20, tpm: 40_000 }, { rpm: 20, tpm: 60_000 }),
  staging: capacity({ rpm: 50, tpm: 100_000 }, { rpm: 50, tpm: 200_000 }),
  prod: capacity({ rpm: 200, tpm: 400_000 }, { rpm: 200, tpm: 1_000_000 }),
} as const satisfies Record<string, StageModelCapacity>;

/** The admission settings a stage's admit-model-call function reads. */
export const admissionSettingsFor = (
  models: StageModelCapacity,
  options: {
    readonly enabled?: boolean;
    readonly minuteMs?: number;
    readonly maxAdmissionWaitMinutes?: number;
  } = {},
): AdmissionSettings => ({
  enabled: options.enabled ?? true,
  minuteMs: options.minuteMs ?? 60_000,
  maxAdmissionWaitMinutes: options.maxAdmissionWaitMinutes ?? DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
  models: Object.fromEntries(
    Object.entries(models).map(([id, { callSeconds: _unused, ...admission }]) => [id, admission]),
  ),
});

/** Calls admitted per minute for a model (at the expected document size). */
export const admittedCallsPerMinute = (model: ModelCapacity): number =>
  admittedPerMinute(model.quota, {
    headroom: model.headroom,
    expectedTokensPerCall:
      model.expectedInputTokens + model.expectedOutputTokens * model.quota.outputTokenBurnDown,
    burstCalls: model.burstCalls,
    horizonMs: model.horizonSeconds * 1000,
    breakerThreshold: model.breaker.threshold,
    breakerWindowMs: model.breaker.windowSeconds * 1000,
    breakerCooldownMs: model.breaker.cooldownSeconds * 1000,
  });

/** Concurrent model calls admission can cause: rate x call time, plus the burst, summed over models. */
export const admittedConcurrency = (models: StageModelCapacity): number =>
  Object.values(models).reduce(
    (sum, model) =>
      sum + Math.ceil((admittedCallsPerMinute(model) / 60) * model.callSeconds) + model.burstCalls,
    0,
  );

/** Throws when admission could run more model calls at once than invoke-model may. */
export const validateModelCapacity = (
  stage: string,
  models: StageModelCapacity,
  invokeModelReservedConcurrency: number,
  maxAdmissionWaitMinutes = DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
): void => {
  const concurrency = admittedConcurrency(models);
  if (concurrency > invokeModelReservedConcurrency) {
    throw new Error(
      `MODEL_CAPACITY_INVALID: ${stage}: admission allows ${concurrency} concurrent model calls, above invoke-model's reserved concurrency of ${invokeModelReservedConcurrency}`,
    );
  }
  if (!(maxAdmissionWaitMinutes > 0)) {
    throw new Error(
      `MODEL_CAPACITY_INVALID: ${stage}: the maximum admission wait must be positive`,
    );
  }
  if (executionTimeoutSeconds(maxAdmissionWaitMinutes) > STANDARD_MAX_SECONDS) {
    throw new Error(
      `MODEL_CAPACITY_INVALID: ${stage}: work plus the maximum admission wait exceeds a Standard workflow's one-year limit`,
    );
  }
  for (const [id, model] of Object.entries(models)) {
    if (model.callSeconds >= EXECUTION_WORK_SECONDS) {
      throw new Error(
        `MODEL_CAPACITY_INVALID: ${stage}: ${id}: one model call does not fit in the ${EXECUTION_WORK_SECONDS} s of work an execution has after admission`,
      );
    }
    if (model.horizonSeconds > maxAdmissionWaitMinutes * 60) {
      throw new Error(
        `MODEL_CAPACITY_INVALID: ${stage}: ${id}: the admission horizon is longer than the maximum admission wait`,
      );
    }
  }
};
