/**
 * Model-call admission as the workflow and the admit-model-call function agree
 * on it: the task input and output of AdmitModelCall / ReportModelPressure, the
 * settings the stage passes in `MODEL_ADMISSION_SETTINGS` (quota and policy per
 * model), and the key of each model's slot record in the metrics table.
 */
import * as z from 'zod/mini';

/** Environment variable holding {@link AdmissionSettings} as JSON. */
export const ADMISSION_SETTINGS_ENV = 'MODEL_ADMISSION_SETTINGS';

/** Partition-key prefix of every slot record (the admission function may touch no other item). */
export const ADMISSION_KEY_PREFIX = 'ADMISSION#';

/** The slot record of one model (metrics table: pk/sk; never a document id or key). */
export const admissionKey = (modelId: string) => ({
  pk: `${ADMISSION_KEY_PREFIX}${modelId}`,
  sk: 'SLOTS',
});

const positive = z.number().check(z.positive());

export const ModelAdmissionSchema = z.object({
  quota: z.object({
    requestsPerMinute: positive,
    tokensPerMinute: positive,
    outputTokenBurnDown: z.number().check(z.gte(1)),
  }),
  /** Expected input tokens of one document (a high percentile of the stage's documents). */
  expectedInputTokens: positive,
  /** Expected output tokens; the prompt version's `maxTokens` caps it. */
  expectedOutputTokens: positive,
  headroom: z.number().check(z.gt(0), z.lte(1)),
  burstCalls: z.int().check(z.gte(1)),
  horizonSeconds: positive,
  breaker: z.object({
    threshold: z.int().check(z.gte(1)),
    windowSeconds: positive,
    cooldownSeconds: positive,
  }),
});
export type ModelAdmission = z.infer<typeof ModelAdmissionSchema>;

export const AdmissionSettingsSchema = z.object({
  /** Off: every call is admitted at once (the design before admission control). */
  enabled: z.boolean(),
  /** Real milliseconds in a quota minute (60000 unless a test or bench scales time). */
  minuteMs: z._default(positive, 60_000),
  /**
   * Longest a document may wait for its model slot, in quota minutes from the
   * start of its execution; a slot later than that ends the document FAILED
   * `ADMISSION_WAIT_EXCEEDED`. The execution deadline is the work time plus this.
   */
  maxAdmissionWaitMinutes: z._default(positive, 240),
  models: z.record(z.string(), ModelAdmissionSchema),
});
export type AdmissionSettings = z.input<typeof AdmissionSettingsSchema>;

export const AdmitModelCallInputSchema = z.object({
  action: z.enum(['admit', 'pressure']),
  documentId: z.string().check(z.minLength(1)),
  promptVersion: z.string().check(z.minLength(1)),
  /** Times this document went back to admission after throttling or 5xx. */
  readmissions: z._default(z.int().check(z.gte(0)), 0),
  /** `$$.Execution.StartTime`: the admission wait is measured from it (absent: from this ask). */
  executionStartedAt: z.optional(z.iso.datetime({ offset: true })),
});
export type AdmitModelCallInput = z.infer<typeof AdmitModelCallInputSchema>;

export const AdmitModelCallOutputSchema = z.object({
  /** True: start the call at `notBefore`; false: ask again at `notBefore`. */
  admitted: z.boolean(),
  /** ISO-8601 timestamp for the Wait state. */
  notBefore: z.string(),
  modelId: z.string(),
  readmissions: z.int().check(z.gte(0)),
  /** The breaker holds admission back (throttling or 5xx was sustained). */
  breakerOpen: z.boolean(),
});
export type AdmitModelCallOutput = z.infer<typeof AdmitModelCallOutputSchema>;

/** Readmissions after throttling / 5xx before the document fails MODEL_THROTTLED. */
export const MAX_READMISSIONS = 5;
