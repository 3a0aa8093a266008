/**
 * Contracts between the starter and the state machine's tasks, parsed with zod
 * at every handler boundary. Every field is an id, an S3 location, a number or
 * a version string: document text and patient data never travel in state.
 * Written with `zod/mini`, the same schemas at a fraction of classic zod's
 * init cost in the function bundles (ADR 56).
 */
import * as z from 'zod/mini';

const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const s3Uri = z.string().check(z.regex(/^s3:\/\/[^/]+\/.+$/));
const semver = z.string().check(z.regex(/^\d+\.\d+\.\d+$/));
const count = z.int().check(z.nonnegative());
const nullByDefault = <T extends z.ZodMiniType>(schema: T) => z._default(z.nullable(schema), null);

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
/**
 * Input of an `extract` execution: the opaque document id and references only.
 * The object key (file names are patient data in practice) lives in the
 * encrypted ledger; LoadDocument looks it up there by document id.
 */
const executionInput = () =>
  z.object({
    documentId: sha256Hex,
    /** When the upload was received (the S3 event time). */
    receivedAt: z.string(),
    /** 0 for the first execution of a document, n for its nth redrive. */
    attempt: count,
    /** Set by the reconciler on a rerun: attempts in a row before this one that were interrupted. */
    interruptedAttempts: z.optional(count),
  });
export const ExecutionInputSchema = z.lazy(executionInput);
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

export const LoadDocumentInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    executionId: z.string().check(z.minLength(1)),
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
    pagesUri: nullByDefault(s3Uri),
    imagePageCount: z._default(count, 0),
    /** Page sizes and text item boxes (contracts/geometry.ts); null for documents loaded before it existed. */
    geometryUri: nullByDefault(s3Uri),
    /** sha256 of the object's bytes: identifies identical uploads, says nothing about the patient. */
    contentSha256: nullByDefault(sha256Hex),
  }),
);
export type LoadDocumentOutput = z.infer<typeof LoadDocumentOutputSchema>;

export const SelectVariantInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    /** LoadDocument's content hash; null (or absent) for documents loaded before it existed. */
    contentSha256: nullByDefault(sha256Hex),
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
    experimentId: z.nullable(z.string()),
    arm: z.nullable(z.enum(ARMS)),
    /** Where the version came from: an experiment arm, the alias, or the configured default. */
    resolvedBy: z.enum(['experiment', 'alias', 'default']),
    /** Set when the model call is skipped for an earlier extraction of the same bytes. */
    reuse: nullByDefault(ReuseSchema),
  }),
);
export type SelectVariantOutput = z.infer<typeof SelectVariantOutputSchema>;

export const InvokeModelInputSchema = z.lazy(() =>
  z.object({
    documentId: sha256Hex,
    textUri: s3Uri,
    /** LoadDocument's page manifest; null when every page is text. */
    pagesUri: nullByDefault(s3Uri),
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
    cacheReadInputTokens: z._default(count, 0),
    cacheWriteInputTokens: z._default(count, 0),
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
    cacheReadInputTokens: z._default(count, 0),
    cacheWriteInputTokens: z._default(count, 0),
  }),
);
export type ScoreInput = z.infer<typeof ScoreInputSchema>;

export const ScoreOutputSchema = z.lazy(() =>
  z.object({
    completeness: z.number().check(z.gte(0), z.lte(1)),
    allRequiredPresent: z.boolean(),
    requiredPresent: count,
    requiredTotal: count,
    costMicroUsd: count,
    /**
     * The grounding step's verdict (evidence, confidence and review flags are
     * in the JSON at `uri`, shaped as `GroundingSchema` in contracts/evidence.ts);
     * null for outputs scored before grounding existed.
     */
    grounding: nullByDefault(
      z.object({
        uri: s3Uri,
        /** Share of non-null leaf values whose quote was found in the document. */
        groundedShare: z.number().check(z.gte(0), z.lte(1)),
        reviewRequired: z.boolean(),
        flagCount: count,
      }),
    ),
  }),
);
export type ScoreOutput = z.infer<typeof ScoreOutputSchema>;

const ExecutionContextSchema = z.lazy(() => z.object({ id: z.string(), startTime: z.string() }));

/** RecordResult receives the whole state after Score. */
export const RecordResultInputSchema = z.lazy(() =>
  z.object({
    execution: ExecutionContextSchema,
    state: z.extend(executionInput(), {
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
    state: z.extend(executionInput(), {
      document: z.optional(LoadDocumentOutputSchema),
      variant: z.optional(SelectVariantOutputSchema),
      model: z.optional(InvokeModelOutputSchema),
      score: z.optional(ScoreOutputSchema),
      error: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
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
