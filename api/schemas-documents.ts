/**
 * Request and response schemas of the document endpoints: uploads listed
 * from the ledger with a cursor, one upload in full with its state path,
 * and the presigned links (download, upload), in the conventions of
 * `schemas.ts`.
 */
import { z } from '@hono/zod-openapi';
import { EvidenceSchema, ReviewAssessmentSchema } from '#contracts/evidence.ts';
import { LEDGER_STATUSES } from '#core/ledger/lifecycle.ts';
import { list, nullableNumber, VersionParam } from './schemas.ts';

const nullableText = z.string().nullable();

export const UploadSchema = z
  .object({
    key: z
      .string()
      .openapi({ description: "The object key under incoming/ (the caller's own reference)" }),
    documentId: z.string(),
    status: z.enum(LEDGER_STATUSES),
    reason: nullableText,
    promptVersion: nullableText,
    receivedAt: z.string(),
    processingAt: nullableText,
    completedAt: nullableText,
    attempt: z.number().int(),
    executionArn: nullableText,
    supersededBy: nullableText,
    reusedFrom: nullableText.openapi({
      description:
        'Set when the extraction of an identical earlier upload (this document id, same bytes and prompt version) was reused instead of calling the model',
    }),
    review: z
      .object({
        flagCount: z.number().int().nullable(),
        reviewedBy: z.string().nullable(),
        reviewedAt: z.string().nullable(),
      })
      .nullable()
      .openapi({
        description: 'Review state: NEEDS_REVIEW documents and approved ones, else null',
      }),
  })
  .openapi('Upload');

export const UploadPageSchema = z
  .object({
    documents: list(UploadSchema),
    next_cursor: nullableText.openapi({
      description: 'Pass as `cursor` for the next page (same filters); null on the last page',
    }),
  })
  .openapi('UploadPage');

const isoQuery = (description: string) =>
  z.string().max(40).optional().openapi({ description, example: '2026-12-01T00:00:00Z' });

export const UploadListQuery = z.object({
  status: z.enum(LEDGER_STATUSES).optional(),
  prefix: z
    .string()
    .max(1_024)
    .optional()
    .openapi({ description: 'Key prefix; incoming/ is put in front when left out' }),
  received_from: isoQuery('Uploaded at or after this ISO 8601 time'),
  received_to: isoQuery('Uploaded before this ISO 8601 time'),
  prompt_version: VersionParam.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'a whole number from 1 to 1000')
    .optional()
    .openapi({ description: 'At most this many on the page (1-1000, default 50)' }),
  cursor: z
    .string()
    .max(2_048)
    .optional()
    .openapi({ description: 'The `next_cursor` of the previous page' }),
});

export const StateVisitSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    enteredAt: z.string(),
    exitedAt: nullableText,
    durationMs: nullableNumber,
    attempts: z.number().int().min(1),
    attemptErrors: list(z.string()),
    error: nullableText,
  })
  .openapi('StateVisit');

export const StatePathSchema = z
  .object({
    outcome: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
    startedAt: nullableText,
    endedAt: nullableText,
    error: nullableText,
    states: list(StateVisitSchema),
  })
  .openapi('StatePath');

export const DocumentRecordSchema = UploadSchema.extend({
  versionId: nullableText,
  size: z.number().int(),
  experimentId: nullableText,
  arm: nullableText,
  completeness: nullableNumber,
  allRequiredPresent: z.boolean().nullable(),
  costMicroUsd: nullableNumber,
  inputTokens: nullableNumber,
  outputTokens: nullableNumber,
  servedBy: nullableText.openapi({
    description:
      'The model that answered; locally `local.rule-based-extractor-v1`, which is not an LLM',
  }),
  usageEstimated: z
    .boolean()
    .nullable()
    .openapi({ description: 'Token counts are estimates (the local rule-based extractor)' }),
  latencyMs: nullableNumber,
  fields: z.unknown(),
  evidence: z.record(z.string(), EvidenceSchema).nullable().openapi({
    description:
      'Per field path (`patient.name`, `medications[0].dose`): page, verbatim quote, box in PDF points and match kind; null for results recorded without grounding',
  }),
  confidence: z.record(z.string(), z.number().min(0).max(1)).nullable().openapi({
    description: 'Per field path: confidence in [0, 1] (docs/grounding.md)',
  }),
  assessment: ReviewAssessmentSchema.nullable().openapi({
    description: "The pipeline's review verdict: whether the document needs review and why",
  }),
  path: StatePathSchema.nullable(),
}).openapi('DocumentRecord');

export const DocumentVersionsSchema = z
  .object({ key: z.string(), versions: list(DocumentRecordSchema) })
  .openapi('DocumentVersions');

export const ByKeyQuery = z.object({
  key: z
    .string()
    .min(1)
    .max(1_024)
    .openapi({ description: 'Object key; incoming/ may be left out', example: 'incoming/aps.pdf' }),
});

export const DocumentIdParam = z.object({
  id: z.string().openapi({ description: '64 hex digits' }),
});

const expiresIn = z
  .string()
  .regex(/^\d{1,5}$/, 'whole seconds')
  .optional()
  .openapi({ description: 'Link lifetime in seconds (default 300, at most 3600)' });

export const PdfLinkQuery = z.object({ expires_in: expiresIn });

const LinkFields = {
  url: z.string(),
  method: z.enum(['GET', 'PUT']),
  expiresAt: z.string(),
  expiresInSeconds: z.number().int(),
};

export const PdfLinkSchema = z.object({ documentId: z.string(), ...LinkFields }).openapi('PdfLink');

export const UploadRequestSchema = z
  .object({
    file_name: z.string().min(1).max(1_000).openapi({
      description: 'Name under incoming/, folders allowed',
      example: '2026/aps-0001.pdf',
    }),
    expires_in: z
      .number()
      .int()
      .min(1)
      .max(3_600)
      .optional()
      .openapi({ description: 'Link lifetime in seconds (default 900)' }),
  })
  .strict()
  .openapi('UploadRequest');

export const UploadLinkSchema = z.object({ key: z.string(), ...LinkFields }).openapi('UploadLink');
