/**
 * Contracts between the starter and the state machine's tasks, parsed with zod
 * at every handler boundary. Every field is an id, an S3 location, a number or
 * a version string: document text and patient data never travel in state.
 */
import * as z from 'zod';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const s3Uri = z.string().regex(/^s3:\/\/[^/]+\/.+$/);
const semver = z.string().regex(/^\d+\.\d+\.\d+$/);
const count = z.number().int().nonnegative();

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
/**
 * Input of an `extract` execution: the opaque document id and references only.
 * The object key (file names are patient data in practice) lives in the
 * encrypted ledger; LoadDocument looks it up there by document id.
 */
export const ExecutionInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    /** When the upload was received (the S3 event time). */
    receivedAt: z.string(),
    /** 0 for the first execution of a document, n for its nth redrive. */
    attempt: count,
    /** Set by the reconciler on a rerun: attempts in a row before this one that were interrupted. */
    interruptedAttempts: count.optional(),
  }),
);
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

export const LoadDocumentInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    executionId: z.string().min(1),
    attempt: count,
  }),
);
export type LoadDocumentInput = z.infer<typeof LoadDocumentInputSchema>;

export const LoadDocumentOutputSchema = z.lazy(() =>
  z.object({
    textUri: s3Uri,
    pageCount: count,
    charCount: count,
    byteSize: count,
    /** Page manifest when some pages are sent as images (scans, faxes); null for text-only documents. */
    pagesUri: s3Uri.nullable().default(null),
    imagePageCount: count.default(0),
    /** Page sizes and text item boxes (contracts/geometry.ts); null for documents loaded before it existed. */
    geometryUri: s3Uri.nullable().default(null),
    /** sha256 of the object's bytes: identifies identical uploads, says nothing about the patient. */
    contentSha256: sha256Hex.nullable().default(null),
  }),
);
export type LoadDocumentOutput = z.infer<typeof LoadDocumentOutputSchema>;

export const SelectVariantInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    /** LoadDocument's content hash; null (or absent) for documents loaded before it existed. */
    contentSha256: sha256Hex.nullable().default(null),
  }),
);

/** An earlier SUCCEEDED extraction of the same bytes under the same prompt version (ADR 40). */
export const ReuseSchema = z.lazy(() =>
  z.object({
    reusedFrom: sha256Hex,
    outputUri: s3Uri,
    modelId: z.string(),
    servedBy: z.string(),
    usageEstimated: z.boolean(),
  }),
);
export type ReuseOutput = z.infer<typeof ReuseSchema>;

export const ARMS = ['control', 'treatment'] as const;
export type Arm = (typeof ARMS)[number];

export const SelectVariantOutputSchema = z.lazy(() =>
  z.object({
    promptVersion: semver,
    experimentId: z.string().nullable(),
    arm: z.enum(ARMS).nullable(),
    /** Where the version came from: an experiment arm, the alias, or the configured default. */
    resolvedBy: z.enum(['experiment', 'alias', 'default']),
    /** Set when the model call is skipped for an earlier extraction of the same bytes. */
    reuse: ReuseSchema.nullable().default(null),
  }),
);
export type SelectVariantOutput = z.infer<typeof SelectVariantOutputSchema>;

export const InvokeModelInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    textUri: s3Uri,
    /** LoadDocument's page manifest; null when every page is text. */
    pagesUri: s3Uri.nullable().default(null),
    promptVersion: semver,
  }),
);
export type InvokeModelInput = z.infer<typeof InvokeModelInputSchema>;

export const InvokeModelOutputSchema = z.lazy(() =>
  z.object({
    outputUri: s3Uri,
    modelId: z.string(),
    /** What actually answered: the model id on AWS, the rule-based stand-in locally. */
    servedBy: z.string(),
    /** Input tokens neither read from nor written to the prompt cache. */
    inputTokens: count,
    outputTokens: count,
    /** Input tokens read from and written to Bedrock's prompt cache (0 without a cache checkpoint). */
    cacheReadInputTokens: count.default(0),
    cacheWriteInputTokens: count.default(0),
    /** True when token counts are estimates (the local rule-based stand-in). */
    usageEstimated: z.boolean(),
    modelLatencyMs: count,
  }),
);
export type InvokeModelOutput = z.infer<typeof InvokeModelOutputSchema>;

export const ScoreInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    outputUri: s3Uri,
    promptVersion: semver,
    modelId: z.string(),
    inputTokens: count,
    outputTokens: count,
    cacheReadInputTokens: count.default(0),
    cacheWriteInputTokens: count.default(0),
  }),
);
export type ScoreInput = z.infer<typeof ScoreInputSchema>;

export const ScoreOutputSchema = z.lazy(() =>
  z.object({
    completeness: z.number().min(0).max(1),
    allRequiredPresent: z.boolean(),
    requiredPresent: count,
    requiredTotal: count,
    costMicroUsd: count,
    /**
     * The grounding step's verdict (evidence, confidence and review flags are
     * in the JSON at `uri`, shaped as `GroundingSchema` in contracts/evidence.ts);
     * null for outputs scored before grounding existed.
     */
    grounding: z
      .object({
        uri: s3Uri,
        /** Share of non-null leaf values whose quote was found in the document. */
        groundedShare: z.number().min(0).max(1),
        reviewRequired: z.boolean(),
        flagCount: count,
      })
      .nullable()
      .default(null),
  }),
);
export type ScoreOutput = z.infer<typeof ScoreOutputSchema>;

const ExecutionContextSchema = z.lazy(() => z.object({ id: z.string(), startTime: z.string() }));

/** RecordResult receives the whole state after Score. */
export const RecordResultInputSchema = z.lazy(() =>
  z.object({
    execution: ExecutionContextSchema,
    state: ExecutionInputSchema.unwrap().extend({
      document: LoadDocumentOutputSchema,
      variant: SelectVariantOutputSchema,
      model: InvokeModelOutputSchema,
      score: ScoreOutputSchema,
    }),
  }),
);
export type RecordResultInput = z.infer<typeof RecordResultInputSchema>;

/** RecordFailure receives whatever state existed when the error was caught. */
export const RecordFailureInputSchema = z.lazy(() =>
  z.object({
    execution: ExecutionContextSchema,
    state: ExecutionInputSchema.unwrap().extend({
      document: LoadDocumentOutputSchema.optional(),
      variant: SelectVariantOutputSchema.optional(),
      model: InvokeModelOutputSchema.optional(),
      score: ScoreOutputSchema.optional(),
      error: z.object({ Error: z.string(), Cause: z.string().optional() }),
    }),
  }),
);
export type RecordFailureInput = z.infer<typeof RecordFailureInputSchema>;

export const RecordFailureOutputSchema = z.lazy(() =>
  z.object({
    reason: z.string(),
    error: z.string(),
    cause: z.string(),
  }),
);
export type RecordFailureOutput = z.infer<typeof RecordFailureOutputSchema>;
