/**
 * The message the extract state machine's SendToDLQ state writes for every
 * FAILED execution: ids, the S3 location and reason codes, never content.
 */
import * as z from 'zod';

/** The extraction DLQ message the state machine's SendToDLQ state writes. */
export const ExtractionDlqMessageSchema = z.object({
  documentId: z.string().regex(/^[0-9a-f]{64}$/),
  bucket: z.string().min(1),
  key: z.string().min(1),
  versionId: z.string().nullable(),
  etag: z.string().nullable(),
  reason: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  executionId: z.string().min(1),
});
export type ExtractionDlqMessage = z.infer<typeof ExtractionDlqMessageSchema>;
