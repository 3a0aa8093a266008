/**
 * The ingest queue's message: an S3 event notification (or S3's test event)
 * read as extract-execution inputs. The starter starts executions from it and
 * the DLQ listing names the documents in it, so both read it from here.
 */
import * as z from 'zod';
import { isIncomingDocumentKey } from '#contracts/resources.ts';
import type { ExecutionInput } from '#contracts/task-schemas.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { decodeS3Key } from '#core/extraction/s3-key.ts';

const S3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });

const S3RecordSchema = z.object({
  eventVersion: z.string().regex(/^2\.\d+$/),
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
    }),
  }),
});

const S3NotificationSchema = z.object({ Records: z.array(S3RecordSchema) });

export type ParsedMessage =
  | { readonly kind: 'test-event' }
  | { readonly kind: 'documents'; readonly inputs: ExecutionInput[]; readonly skipped: number };

/** Thrown for a message that is neither an S3 notification nor a test event. */
export class InvalidNotificationError extends Error {
  override readonly name = 'InvalidNotification';
}

/**
 * Parses a queue message body. Records that are not object creations under
 * `incoming/` with a `.pdf`/`.PDF` suffix are skipped (counted), as the bucket's
 * notification filter should never send them.
 */
export const parseMessage = (body: string): ParsedMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidNotificationError('Message body is not JSON');
  }
  if (S3TestEventSchema.safeParse(json).success) return { kind: 'test-event' };
  const parsed = S3NotificationSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidNotificationError('Message body is not an S3 event notification');
  }
  const inputs: ExecutionInput[] = [];
  let skipped = 0;
  for (const record of parsed.data.Records) {
    const key = decodeS3Key(record.s3.object.key);
    const isIncomingPdf =
      record.eventName.startsWith('ObjectCreated:') && isIncomingDocumentKey(key);
    if (!isIncomingPdf) {
      skipped += 1;
      continue;
    }
    const bucket = record.s3.bucket.name;
    const versionId = record.s3.object.versionId ?? null;
    const etag = record.s3.object.eTag ?? null;
    inputs.push({
      documentId: documentIdFor({
        bucket,
        key,
        ...(versionId ? { versionId } : {}),
        ...(etag ? { etag } : {}),
      }),
      bucket,
      key,
      versionId,
      etag,
      size: record.s3.object.size ?? 0,
      receivedAt: record.eventTime,
    });
  }
  return { kind: 'documents', inputs, skipped };
};
