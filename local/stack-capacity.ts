/**
 * The local stack's capacity: the Bedrock stand-in's quota per model, each
 * function's reserved concurrency and the model-call admission settings, all
 * from one stage's numbers (dev unless told otherwise), so `npm start`
 * behaves like the account it stands for. Tests that need unlimited capacity
 * pass {@link UNLIMITED_CAPACITY}; benches and tests may shorten the quota's
 * minute (`minuteMs`) to scale time. `MEDEXTRACT_LOCAL_CAPACITY=unlimited`
 * makes unlimited the default for a whole test run (vitest.config.ts sets it;
 * a stack given explicit capacity keeps it).
 */
import type { AdmissionSettings } from '#contracts/model-admission.ts';
import { configFor, type Stage } from '#infra/config.ts';
import {
  admissionSettingsFor,
  executionTimeoutSeconds,
  type StageModelCapacity,
} from '#infra/model-capacity.ts';
import type { QuotaSettings } from '#local/bedrock/quota.ts';

/** Batches Lambda's SQS poller starts with when the event source sets no maximum concurrency. */
const LAMBDA_INITIAL_SQS_POLLERS = 5;

export interface LocalCapacity {
  /** Stage whose numbers apply (default dev). */
  readonly stage?: Stage;
  /** Replaces the stage's model capacity (quota, expected tokens, policy). */
  readonly models?: StageModelCapacity;
  /** Enforce the quota in the Bedrock stand-in (default true). */
  readonly enforceQuota?: boolean;
  /** Admission control in the workflow (default true). */
  readonly admission?: boolean;
  /** Real milliseconds per quota minute (default 60000). */
  readonly minuteMs?: number;
  /** Longest admission wait in quota minutes (default: the stage's). */
  readonly maxAdmissionWaitMinutes?: number;
  /** Reserved concurrency per function; 'unlimited' lifts every limit (default: the stage's). */
  readonly reservedConcurrency?: Readonly<Record<string, number>> | 'unlimited';
}

/** No quota, no reserved concurrency, no admission: the capacity tests of other features assume. */
export const UNLIMITED_CAPACITY: LocalCapacity = {
  enforceQuota: false,
  admission: false,
  reservedConcurrency: 'unlimited',
};

export interface ResolvedCapacity {
  readonly quota: QuotaSettings;
  readonly admission: AdmissionSettings;
  /** The execution deadline and the reconciler's threshold: work time plus the (scaled) wait. */
  readonly executionTimeoutSeconds: number;
  reservedConcurrency(functionName: string): number;
  /**
   * Starter batches at once from the ingest queue: the stage's event source
   * maximum concurrency, or Lambda's five initial pollers when reserved
   * concurrency is unlimited (no maximum configured).
   */
  readonly ingestConcurrency: number;
  /** The function's Lambda timeout, which its invocations' context counts down from. */
  functionTimeoutMs(functionName: string): number;
}

/** The default when a stack is given no capacity: the stage's, or unlimited under the test knob. */
export const defaultCapacity = (): LocalCapacity =>
  process.env.MEDEXTRACT_LOCAL_CAPACITY === 'unlimited' ? UNLIMITED_CAPACITY : {};

export const localCapacity = (capacity: LocalCapacity = defaultCapacity()): ResolvedCapacity => {
  const config = configFor(capacity.stage ?? 'dev');
  const models = capacity.models ?? config.bedrock.capacity;
  const minuteMs = capacity.minuteMs ?? 60_000;
  const reserved = capacity.reservedConcurrency;
  const maxAdmissionWaitMinutes =
    capacity.maxAdmissionWaitMinutes ?? config.bedrock.maxAdmissionWaitMinutes;
  return {
    quota: {
      enabled: capacity.enforceQuota ?? true,
      minuteMs,
      models: Object.fromEntries(Object.entries(models).map(([id, model]) => [id, model.quota])),
    },
    admission: admissionSettingsFor(models, {
      enabled: capacity.admission ?? true,
      minuteMs,
      maxAdmissionWaitMinutes,
    }),
    executionTimeoutSeconds: executionTimeoutSeconds(maxAdmissionWaitMinutes, minuteMs),
    ingestConcurrency:
      reserved === 'unlimited' ? LAMBDA_INITIAL_SQS_POLLERS : config.ingest.maximumConcurrency,
    reservedConcurrency: (functionName) => {
      if (reserved === 'unlimited') return Number.POSITIVE_INFINITY;
      const configured =
        reserved?.[functionName] ??
        (config.functions as Readonly<Record<string, { reservedConcurrency: number }>>)[
          functionName
        ]?.reservedConcurrency;
      return configured ?? Number.POSITIVE_INFINITY;
    },
    functionTimeoutMs: (functionName) =>
      ((config.functions as Readonly<Record<string, { timeoutSeconds: number }>>)[functionName]
        ?.timeoutSeconds ?? 60) * 1000,
  };
};
