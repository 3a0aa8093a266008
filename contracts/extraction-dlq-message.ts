/**
 * The message the extract state machine's SendToDLQ state writes for every
 * FAILED execution: the opaque document id, reason codes and the execution,
 * never the object key or content (the key lives in the ledger).
 */
import * as z from 'zod';

/** The extraction DLQ message the state machine's SendToDLQ state writes. */
export const ExtractionDlqMessageSchema = z.object({
  documentId: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  executionId: z.string().min(1),
});
export type ExtractionDlqMessage = z.infer<typeof ExtractionDlqMessageSchema>;
