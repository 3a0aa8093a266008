/**
 * The review queue's wire shapes, shared by the service layer, the HTTP API
 * (`/api/reviews`) and the console: NEEDS_REVIEW documents, a reviewer's
 * decisions on single values (every one kept), and the approval that makes
 * the document SUCCEEDED with the corrections applied.
 */
import * as z from 'zod';
import { GroundingSchema, ReviewDecisionSchema } from './evidence.ts';

const documentId = z.string().regex(/^[0-9a-f]{64}$/);
const isoTime = z.string();
/** Who reviewed: an operator id or e-mail, never a patient detail. */
export const ReviewerSchema = z.string().min(1).max(200);

/** One row of the queue (`GET /api/reviews`), most flags / lowest confidence first. */
export const ReviewQueueItemSchema = z.object({
  documentId,
  receivedAt: isoTime,
  completedAt: isoTime.nullable(),
  promptVersion: z.string().nullable(),
  flagCount: z.number().int().nonnegative(),
  lowestConfidence: z.number().min(0).max(1).nullable(),
});
export type ReviewQueueItem = z.infer<typeof ReviewQueueItemSchema>;

export const ReviewQueuePageSchema = z.object({
  items: z.array(ReviewQueueItemSchema),
  nextCursor: z.string().nullable(),
});
export type ReviewQueuePage = z.infer<typeof ReviewQueuePageSchema>;

/** A stored decision: what the reviewer said, who and when. */
export const RecordedDecisionSchema = z.object({
  decision: ReviewDecisionSchema,
  reviewer: ReviewerSchema,
  at: isoTime,
  /** The value before the decision (for `correct`), so every change can be undone by hand. */
  previous: z.unknown(),
});
export type RecordedDecision = z.infer<typeof RecordedDecisionSchema>;

/** `GET /api/reviews/{documentId}`: everything the review page shows. */
export const ReviewDocumentSchema = GroundingSchema.extend({
  documentId,
  status: z.string(),
  promptVersion: z.string().nullable(),
  /** The extraction as the pipeline produced it. */
  fields: z.unknown(),
  /** The extraction with the decisions so far applied. */
  correctedFields: z.unknown(),
  decisions: z.array(RecordedDecisionSchema),
  reviewedBy: ReviewerSchema.nullable(),
  reviewedAt: isoTime.nullable(),
});
export type ReviewDocument = z.infer<typeof ReviewDocumentSchema>;

/** `POST /api/reviews/{documentId}/decisions`. */
export const DecisionsRequestSchema = z.object({
  reviewer: ReviewerSchema,
  decisions: z.array(ReviewDecisionSchema).min(1),
});
export type DecisionsRequest = z.infer<typeof DecisionsRequestSchema>;

/** `POST /api/reviews/{documentId}/approve`: the document becomes SUCCEEDED. */
export const ApproveRequestSchema = z.object({ reviewer: ReviewerSchema });
export type ApproveRequest = z.infer<typeof ApproveRequestSchema>;
