/**
 * The ingest queue's message: an S3 event notification (or S3's test event)
 * read as extract-execution inputs. The starter starts executions from it and
 * the DLQ listing names the documents in it, so both read it from here.
 */
import * as z from 'zod/mini';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { classifyEventKey, type KeyClassification } from '#core/ledger/key-classification.ts';
import type { LedgerObject } from '#core/ledger/lifecycle.ts';

const S3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });

const S3RecordSchema = z.object({
  eventVersion: z.string().check(z.regex(/^2\.\d+$/)),
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.int().check(z.nonnegative())),
      eTag: z.optional(z.string()),
      versionId: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});

const S3NotificationSchema = z.object({ Records: z.array(S3RecordSchema) });

/** One object created under the bucket, as the notification describes it. */
export interface NotifiedUpload {
  readonly documentId: string;
  readonly object: LedgerObject;
  /** The S3 event time. */
  readonly receivedAt: string;
  /** A document to process, or why it is recorded as IGNORED. */
  readonly classification: KeyClassification;
}

export type ParsedMessage =
  | { readonly kind: 'test-event' }
  | {
      readonly kind: 'documents';
      /** Every object-created record, documents and ignored objects alike. */
      readonly uploads: NotifiedUpload[];
      /** Records that are not object creations (never sent by the intake rule). */
      readonly skipped: number;
    };

/** Thrown for a message that is neither an S3 notification nor a test event. */
export class InvalidNotificationError extends Error {
  override readonly name = 'InvalidNotification';
}

/**
 * Parses a queue message body. Every object-created record becomes an
 * upload, classified by its key (see `core/ledger/key-classification.ts`):
 * nothing created under the bucket is dropped. A key that does not decode is
 * kept as S3 sent it, for the ledger only.
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
  const uploads: NotifiedUpload[] = [];
  let skipped = 0;
  for (const record of parsed.data.Records) {
    if (!record.eventName.startsWith('ObjectCreated:')) {
      skipped += 1;
      continue;
    }
    const { key: decoded, ...classification } = classifyEventKey(record.s3.object.key);
    const key = decoded ?? record.s3.object.key;
    const bucket = record.s3.bucket.name;
    const versionId = record.s3.object.versionId ?? null;
    const etag = record.s3.object.eTag ?? null;
    uploads.push({
      documentId: documentIdFor({
        bucket,
        key,
        ...(versionId ? { versionId } : {}),
        ...(etag ? { etag } : {}),
      }),
      object: {
        bucket,
        key,
        versionId,
        etag,
        size: record.s3.object.size ?? 0,
        sequencer: record.s3.object.sequencer ?? null,
      },
      receivedAt: record.eventTime,
      classification,
    });
  }
  return { kind: 'documents', uploads, skipped };
};
