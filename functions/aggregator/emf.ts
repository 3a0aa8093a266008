/**
 * Reads a CloudWatch Logs subscription event (base64 gzip) and turns each log
 * event into a per-document sample: EMF records MedExtract wrote are parsed,
 * other lines are ignored, and EMF that does not match is counted as
 * malformed instead of failing the batch. The payload is decoded here, not
 * with the Powertools parser's CloudWatch schema: that module imports zod in a
 * form that defeats tree-shaking (+358 KB on this bundle), and its envelope
 * drops the log event ids the roll-ups deduplicate on.
 */
import { gunzipSync } from 'node:zlib';
import * as z from 'zod/mini';
import type { DocumentSample } from '#contracts/metrics-items.ts';

const SubscriptionEventSchema = z.object({
  awslogs: z.object({ data: z.string().check(z.minLength(1)) }),
});

const LogsDataSchema = z.object({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  logGroup: z.string(),
  logStream: z.string(),
  logEvents: z.array(
    z.object({ id: z.string().check(z.minLength(1)), timestamp: z.number(), message: z.string() }),
  ),
});

const optionalNumber = z.optional(z.number().check(z.nonnegative()));

/** The per-document EMF record written by RecordResult / RecordFailure. */
const DocumentEmfSchema = z.object({
  _aws: z.object({
    Timestamp: z.number(),
    CloudWatchMetrics: z.array(z.unknown()).check(z.minLength(1)),
  }),
  Documents: z.literal(1),
  Succeeded: z.union([z.literal(0), z.literal(1)]),
  Failed: z.union([z.literal(0), z.literal(1)]),
  /** Records written before review existed have none. */
  NeedsReview: z.optional(z.union([z.literal(0), z.literal(1)])),
  /** Records written before extraction reuse existed have none. */
  ExtractionCacheHit: z.optional(z.union([z.literal(0), z.literal(1)])),
  LatencyMs: z.number().check(z.nonnegative()),
  Completeness: z.optional(z.number().check(z.gte(0), z.lte(1))),
  AllRequiredPresent: z.optional(z.union([z.literal(0), z.literal(1)])),
  InputTokens: optionalNumber,
  OutputTokens: optionalNumber,
  costMicroUsd: z.optional(z.string().check(z.regex(/^\d+$/))),
  documentId: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  promptVersion: z.string(),
  experimentId: z.string(),
  arm: z.string(),
  reason: z.string(),
  /** Execution attempt (0 first); records before attempts were written count as 0. */
  attempt: z.optional(z.string().check(z.regex(/^\d{1,6}$/))),
});

export interface ParsedRecord {
  readonly logEventId: string;
  readonly timestamp: number;
  readonly documentId: string;
  /** The execution attempt the record ends; a later attempt's record replaces it. */
  readonly attempt: number;
  readonly promptVersion: string | null;
  readonly experimentId: string | null;
  readonly arm: string | null;
  readonly sample: DocumentSample;
}

export interface ParsedBatch {
  readonly records: ParsedRecord[];
  readonly ignored: number;
  readonly malformed: number;
}

/** Decodes the subscription payload; a payload that is not one throws. */
export const decodeSubscription = (event: unknown): z.infer<typeof LogsDataSchema> => {
  const { awslogs } = SubscriptionEventSchema.parse(event);
  const json: unknown = JSON.parse(
    gunzipSync(Buffer.from(awslogs.data, 'base64')).toString('utf-8'),
  );
  return LogsDataSchema.parse(json);
};

const isEmf = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && '_aws' in value;

/** Other EMF of the same namespace (the reconciler's repair counts) is not a document record. */
const isDocumentRecord = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'Documents' in value;

export const parseLogEvents = (data: z.infer<typeof LogsDataSchema>): ParsedBatch => {
  const records: ParsedRecord[] = [];
  let ignored = 0;
  let malformed = 0;
  if (data.messageType === 'CONTROL_MESSAGE')
    return { records, ignored: data.logEvents.length, malformed };
  for (const event of data.logEvents) {
    let json: unknown;
    try {
      json = JSON.parse(event.message);
    } catch {
      ignored += 1;
      continue;
    }
    if (!isEmf(json) || !isDocumentRecord(json)) {
      ignored += 1;
      continue;
    }
    const parsed = DocumentEmfSchema.safeParse(json);
    if (!parsed.success) {
      malformed += 1;
      continue;
    }
    const emf = parsed.data;
    const blankToNull = (value: string) => (value === '' ? null : value);
    records.push({
      logEventId: event.id,
      timestamp: emf._aws.Timestamp,
      documentId: emf.documentId,
      attempt: emf.attempt === undefined ? 0 : Number(emf.attempt),
      promptVersion: blankToNull(emf.promptVersion),
      experimentId: blankToNull(emf.experimentId),
      arm: blankToNull(emf.arm),
      sample: {
        succeeded: emf.Succeeded === 1,
        needsReview: emf.NeedsReview === 1,
        ...(emf.ExtractionCacheHit === 1 ? { cacheHit: true } : {}),
        reason: blankToNull(emf.reason),
        latencyMs: emf.LatencyMs,
        completeness: emf.Completeness ?? null,
        allRequiredPresent:
          emf.AllRequiredPresent === undefined ? null : emf.AllRequiredPresent === 1,
        costMicroUsd: emf.costMicroUsd === undefined ? null : Number(emf.costMicroUsd),
        inputTokens: emf.InputTokens ?? null,
        outputTokens: emf.OutputTokens ?? null,
      },
    });
  }
  return { records, ignored, malformed };
};
