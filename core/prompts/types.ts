/**
 * Shapes of a prompt version as stored in `prompts/<family>/v<semver>/`.
 * The zod schemas here are the contract for `metadata.json`; a folder that does
 * not match gets an error naming the file and the problem. Written with
 * `zod/mini`, as the function bundles parse them (ADR 56).
 */
import * as z from 'zod/mini';

/** A number in [0, 1]. */
const share = () => z.number().check(z.gte(0), z.lte(1));

/** How one field is compared with ground truth during evaluation. */
export type Comparator =
  | { readonly type: 'exact' }
  | { readonly type: 'numeric'; readonly tolerance: number; readonly relative?: boolean }
  | { readonly type: 'date' }
  | { readonly type: 'fuzzy'; readonly threshold: number }
  | {
      readonly type: 'list';
      /** Minimum item similarity for a matched pair to count as TP (else FD). */
      readonly matchThreshold: number;
      /** Comparator for string items, or per-property comparators for object items. */
      readonly item: Comparator | { readonly [property: string]: Comparator };
    };

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const ComparatorSchema: z.ZodMiniType<Comparator> = z.lazy(() =>
  z.union([
    z.strictObject({ type: z.literal('exact') }),
    z.strictObject({
      type: z.literal('numeric'),
      tolerance: z.number().check(z.nonnegative()),
      relative: z.optional(z.boolean()),
    }),
    z.strictObject({ type: z.literal('date') }),
    z.strictObject({ type: z.literal('fuzzy'), threshold: share() }),
    z.strictObject({
      type: z.literal('list'),
      matchThreshold: share(),
      item: z.union([ComparatorSchema, z.record(z.string(), ComparatorSchema)]),
    }),
  ]),
);

/** Per-field settings, keyed by dotted path (`patient.name`, `diagnoses`). */
export const FieldSpecSchema = z.lazy(() =>
  z.strictObject({
    /** Counts towards completeness and the all-required-present flag. */
    required: z.boolean(),
    /** Weight in the completeness score and the weighted evaluation score. */
    weight: z.number().check(z.positive()),
    comparator: ComparatorSchema,
    /**
     * Values of this field (or, for a section, of every field under it) with
     * a confidence below this go to review (LOW_CONFIDENCE). Omitted: the
     * default in core/evidence/review.ts.
     */
    reviewThreshold: z.optional(share()),
  }),
);
export type FieldSpec = z.infer<typeof FieldSpecSchema>;

const nonEmpty = () => z.string().check(z.minLength(1));

export const MetadataSchema = z.lazy(() =>
  z.strictObject({
    version: z.string().check(z.regex(/^\d+\.\d+\.\d+$/)),
    family: nonEmpty(),
    created: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
    /** What changed against the previous version, newest first. */
    changelog: z.array(nonEmpty()).check(z.minLength(1)),
    /** Bedrock model id or inference profile id. */
    modelId: nonEmpty(),
    inference: z.strictObject({
      maxTokens: z.int().check(z.positive()),
      temperature: share(),
    }),
    fields: z.record(z.string(), FieldSpecSchema),
    /**
     * What the version accepts besides text. `images: true` means the prompt
     * and model read page images (scans, faxes); a version without it is never
     * sent a document with image pages (it fails PROMPT_NO_IMAGE_INPUT).
     */
    input: z.optional(z.strictObject({ images: z.boolean() })),
    /**
     * What the version asks for besides the fields. `evidence: true` adds a
     * top-level `evidence` array of `{ path, quote, page }` to the tool input
     * schema (never to `schema.json`): InvokeModel splits it off before the
     * fields are validated, and the grounding step checks every quote.
     */
    output: z.optional(z.strictObject({ evidence: z.boolean() })),
  }),
);

/** Whether a prompt version asks the model for a verbatim quote per value. */
export const asksForEvidence = (metadata: PromptMetadata): boolean =>
  metadata.output?.evidence === true;

/** Whether a prompt version declares that it reads page images. */
export const acceptsImages = (metadata: PromptMetadata): boolean => metadata.input?.images === true;
export type PromptMetadata = z.infer<typeof MetadataSchema>;

/** A loaded, validated prompt version. */
export interface PromptVersion {
  readonly family: string;
  readonly version: string;
  readonly metadata: PromptMetadata;
  /** System prompt: all instructions live here. */
  readonly system: string;
  /** User message template with `{{DOCUMENT_TEXT}}` inside the delimited data block. */
  readonly userTemplate: string;
  /** Output JSON Schema, also the Bedrock tool input schema. */
  readonly schema: Record<string, unknown>;
}

/** What the model is sent for one document. */
export interface RenderedPrompt {
  readonly system: string;
  readonly user: string;
  readonly toolName: string;
  readonly toolDescription: string;
  readonly inputSchema: Record<string, unknown>;
  readonly modelId: string;
  readonly maxTokens: number;
  readonly temperature: number;
}

/** The one placeholder a user template has. */
export const DOCUMENT_PLACEHOLDER = '{{DOCUMENT_TEXT}}';

/** The delimited data block the placeholder must sit in, exactly as written. */
export const DOCUMENT_BLOCK = `<document>\n${DOCUMENT_PLACEHOLDER}\n</document>`;
