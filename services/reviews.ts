/**
 * The review use cases: the queue of NEEDS_REVIEW documents (most flags,
 * then lowest confidence, first), one document as the review page shows it,
 * a reviewer's decisions (each path must exist, the corrected extraction
 * must still validate against the version's schema; every decision kept),
 * and the approval that applies them: the result JSON's `fields` become the
 * corrected ones (the pipeline's kept as `originalFields`), the row and the
 * ledger become SUCCEEDED with `reviewedBy` / `reviewedAt`, and the trail
 * gets an audit entry. See docs/adr/0029-review-outcome-and-queue.md.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerRepository } from '#adapters/ledger.ts';
import {
  AlreadyApprovedError,
  ReviewRaceError,
  type ReviewStore,
  type ReviewTrail,
  reviewStore,
} from '#adapters/reviews.ts';
import { readJson, writeJson } from '#adapters/s3-json.ts';
import { type Grounding, GroundingSchema } from '#contracts/evidence.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import type {
  ApproveRequest,
  DecisionsRequest,
  RecordedDecision,
  ReviewDocument,
  ReviewQueueItem,
  ReviewQueuePage,
} from '#contracts/review-api.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { applyDecisions } from '#core/review/decisions.ts';
import { defaultCatalog, type PromptCatalog, type ServiceContext } from './context.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './service-error.ts';

const DOCUMENT_ID = /^[0-9a-f]{64}$/;
/** Queue entries read per request: the queue is sorted as a whole, so it is read as a whole. */
const QUEUE_SCAN_LIMIT = 1_000;
/** Decisions per request (one DynamoDB transaction holds them with their audit entry). */
export const MAX_DECISIONS_PER_REQUEST = 90;

const ledgerOf = (ctx: ServiceContext) => ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger);
const storeOf = (ctx: ServiceContext): ReviewStore =>
  reviewStore(ctx.clients.dynamodb, ctx.tables.experiments);
const resultLocation = (ctx: ServiceContext, documentId: string) => ({
  bucket: ctx.bucket,
  key: `${BUCKET_PREFIXES.results}${documentId}.json`,
});

/** The result JSON as the review reads it; unknown keys are kept when it is written back. */
type ResultJson = Record<string, unknown>;

const readResult = async (ctx: ServiceContext, documentId: string): Promise<ResultJson> => {
  const json: unknown = await readJson(ctx.clients.s3, resultLocation(ctx, documentId)).catch(
    () => null,
  );
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new NotFoundError('RESULT_MISSING', 'the document has no result JSON to review', 'id');
  }
  return json as ResultJson;
};

/** Evidence, confidence and flags of a result; empty for a result written before grounding. */
const groundingOf = (result: ResultJson): Grounding => {
  const parsed = GroundingSchema.safeParse({
    evidence: result.evidence ?? {},
    confidence: result.confidence ?? {},
    review: result.review ?? { required: true, flags: [] },
  });
  return parsed.success
    ? parsed.data
    : { evidence: {}, confidence: {}, review: { required: true, flags: [] } };
};

const requireId = (documentId: string): void => {
  if (!DOCUMENT_ID.test(documentId)) {
    throw new InvalidInputError('INVALID_DOCUMENT_ID', 'a document id is 64 hex digits', 'id');
  }
};

const requireEntry = async (ctx: ServiceContext, documentId: string): Promise<LedgerEntry> => {
  requireId(documentId);
  const entry = await ledgerOf(ctx).get(documentId);
  if (entry === undefined || entry.bucket !== ctx.bucket) {
    throw new NotFoundError('UNKNOWN_DOCUMENT', 'no upload with this document id', 'id');
  }
  return entry;
};

const notInReview = (entry: LedgerEntry) =>
  new ConflictError(
    'NOT_IN_REVIEW',
    `the document is ${entry.status}; only NEEDS_REVIEW documents take decisions`,
    'id',
  );

const lowestOf = (confidence: Grounding['confidence']): number | null => {
  const values = Object.values(confidence);
  return values.length === 0 ? null : Math.min(...values);
};

const encodeCursor = (offset: number): string =>
  Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
const decodeCursor = (cursor: string): number => {
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf-8')) as { o: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // falls through to the refusal
  }
  throw new InvalidInputError(
    'INVALID_CURSOR',
    'the cursor is not one this API returned',
    'cursor',
  );
};

/** Most flags first, then lowest confidence (none last), then oldest upload. */
export const compareQueueItems = (a: ReviewQueueItem, b: ReviewQueueItem): number =>
  b.flagCount - a.flagCount ||
  (a.lowestConfidence ?? 2) - (b.lowestConfidence ?? 2) ||
  a.receivedAt.localeCompare(b.receivedAt) ||
  a.documentId.localeCompare(b.documentId);

export interface QueueQuery {
  readonly limit?: number;
  readonly cursor?: string;
}

/** The NEEDS_REVIEW documents of the context's bucket, a page at a time. */
export const listReviewQueue = async (
  ctx: ServiceContext,
  query: QueueQuery = {},
): Promise<ReviewQueuePage> => {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new InvalidInputError('INVALID_LIMIT', 'limit is an integer from 1 to 200', 'limit');
  }
  const offset = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
  const entries = (
    await ledgerOf(ctx).listByStatus('NEEDS_REVIEW', { limit: QUEUE_SCAN_LIMIT })
  ).filter((entry) => entry.bucket === ctx.bucket);
  const items = await Promise.all(
    entries.map(async (entry): Promise<ReviewQueueItem> => {
      const result = await readResult(ctx, entry.documentId).catch(() => null);
      const grounding = result === null ? null : groundingOf(result);
      return {
        documentId: entry.documentId,
        receivedAt: entry.receivedAt,
        completedAt: entry.completedAt,
        promptVersion: entry.promptVersion,
        flagCount: entry.reviewFlags ?? grounding?.review.flags.length ?? 0,
        lowestConfidence: grounding === null ? null : lowestOf(grounding.confidence),
      };
    }),
  );
  items.sort(compareQueueItems);
  const page = items.slice(offset, offset + limit);
  const nextOffset = offset + page.length;
  return { items: page, nextCursor: nextOffset < items.length ? encodeCursor(nextOffset) : null };
};

const reviewDocumentOf = (
  entry: LedgerEntry,
  result: ResultJson,
  trail: ReviewTrail,
): ReviewDocument => {
  const approved = trail.approval !== null && 'originalFields' in result;
  const original = approved ? result.originalFields : result.fields;
  const applied = applyDecisions(
    original,
    trail.decisions.map((d) => d.decision),
  );
  return {
    ...groundingOf(result),
    documentId: entry.documentId,
    status: entry.status,
    promptVersion: entry.promptVersion,
    fields: original,
    correctedFields: applied.ok ? applied.fields : original,
    decisions: trail.decisions,
    reviewedBy: entry.reviewedBy ?? trail.approval?.reviewer ?? null,
    reviewedAt: entry.reviewedAt ?? trail.approval?.at ?? null,
  };
};

/** One document as the review page shows it (NEEDS_REVIEW, or approved since). */
export const getReview = async (
  ctx: ServiceContext,
  documentId: string,
): Promise<ReviewDocument> => {
  const entry = await requireEntry(ctx, documentId);
  const trail = await storeOf(ctx).trail(documentId);
  if (entry.status !== 'NEEDS_REVIEW' && trail.approval === null) throw notInReview(entry);
  return reviewDocumentOf(entry, await readResult(ctx, documentId), trail);
};

/** The version's schema check of an extraction; the refusal names the JSON pointers only. */
const requireValid = (
  catalog: PromptCatalog,
  promptVersion: string | null,
  fields: unknown,
): unknown => {
  if (promptVersion === null || !catalog.versions().includes(promptVersion)) {
    throw new ConflictError(
      'UNKNOWN_PROMPT_VERSION',
      'the prompt version of this result is not bundled; its schema cannot be checked',
      'id',
    );
  }
  const checked = validateExtraction(catalog.get(promptVersion).schema, fields);
  if (!checked.ok) {
    throw new InvalidInputError(
      'CORRECTION_INVALID',
      `the corrected extraction does not validate against ${promptVersion}: ${checked.errors.join(', ')}`,
      'decisions',
    );
  }
  return checked.value;
};

const raceToConflict = (error: unknown): never => {
  if (error instanceof AlreadyApprovedError) {
    throw new ConflictError('ALREADY_APPROVED', error.message, 'id');
  }
  if (error instanceof ReviewRaceError) throw new ConflictError('REVIEW_CHANGED', error.message);
  throw error;
};

/** Records decisions on a NEEDS_REVIEW document; returns the document with them applied. */
export const recordDecisions = async (
  ctx: ServiceContext,
  documentId: string,
  request: DecisionsRequest,
  options: { readonly now?: Date; readonly catalog?: PromptCatalog } = {},
): Promise<ReviewDocument> => {
  if (request.decisions.length > MAX_DECISIONS_PER_REQUEST) {
    throw new InvalidInputError(
      'TOO_MANY_DECISIONS',
      `at most ${MAX_DECISIONS_PER_REQUEST} decisions per request`,
      'decisions',
    );
  }
  const entry = await requireEntry(ctx, documentId);
  if (entry.status !== 'NEEDS_REVIEW') throw notInReview(entry);
  const store = storeOf(ctx);
  const [result, trail] = await Promise.all([readResult(ctx, documentId), store.trail(documentId)]);
  if (trail.approval !== null) {
    throw new ConflictError('ALREADY_APPROVED', 'the document was approved', 'id');
  }
  const sofar = applyDecisions(
    result.fields,
    trail.decisions.map((d) => d.decision),
  );
  if (!sofar.ok) throw new ConflictError('REVIEW_INCONSISTENT', 'stored decisions no longer apply');
  const next = applyDecisions(sofar.fields, request.decisions);
  if (!next.ok) {
    throw new InvalidInputError(
      'UNKNOWN_FIELD_PATH',
      `decisions[${next.index}]: ${next.path} names no value of this extraction`,
      'decisions',
    );
  }
  requireValid(options.catalog ?? defaultCatalog(), entry.promptVersion, next.fields);
  const at = (options.now ?? new Date()).toISOString();
  const recorded: RecordedDecision[] = next.applied.map(({ decision, previous }) => ({
    decision,
    reviewer: request.reviewer,
    at,
    previous: decision.action === 'correct' ? previous : null,
  }));
  const corrected = request.decisions.filter((d) => d.action === 'correct').length;
  await store
    .appendDecisions(documentId, trail, recorded, {
      at,
      actor: request.reviewer,
      action: 'decide',
      reason: `${request.decisions.length - corrected} accepted, ${corrected} corrected: ${request.decisions.map((d) => d.path).join(', ')}`,
      before: 'NEEDS_REVIEW',
      after: 'NEEDS_REVIEW',
    })
    .catch(raceToConflict);
  return reviewDocumentOf(entry, result, {
    ...trail,
    decisions: [...trail.decisions, ...recorded],
  });
};

/**
 * Approves a NEEDS_REVIEW document. The approval item is written first (at
 * most one); the result JSON, row and ledger follow. A request that finds
 * an approval but the ledger still NEEDS_REVIEW (an earlier approval cut
 * short) finishes that approval's writes.
 */
export const approveReview = async (
  ctx: ServiceContext,
  documentId: string,
  request: ApproveRequest,
  options: { readonly now?: Date; readonly catalog?: PromptCatalog } = {},
): Promise<ReviewDocument> => {
  const entry = await requireEntry(ctx, documentId);
  if (entry.status !== 'NEEDS_REVIEW') {
    throw entry.status === 'SUCCEEDED' && entry.reviewedBy
      ? new ConflictError('ALREADY_APPROVED', 'the document was approved already', 'id')
      : notInReview(entry);
  }
  const store = storeOf(ctx);
  const [result, trail] = await Promise.all([readResult(ctx, documentId), store.trail(documentId)]);
  const original = 'originalFields' in result ? result.originalFields : result.fields;
  const applied = applyDecisions(
    original,
    trail.decisions.map((d) => d.decision),
  );
  if (!applied.ok)
    throw new ConflictError('REVIEW_INCONSISTENT', 'stored decisions no longer apply');
  const fields = requireValid(
    options.catalog ?? defaultCatalog(),
    entry.promptVersion,
    applied.fields,
  );

  let approval = trail.approval;
  if (approval === null) {
    approval = {
      reviewer: request.reviewer,
      at: (options.now ?? new Date()).toISOString(),
      decisions: trail.decisions.length,
    };
    await store
      .putApproval(documentId, trail, approval, {
        at: approval.at,
        actor: request.reviewer,
        action: 'approve',
        reason: `approved with ${trail.decisions.length} decisions applied`,
        before: 'NEEDS_REVIEW',
        after: 'SUCCEEDED',
      })
      .catch(raceToConflict);
  }

  const { reviewer: reviewedBy, at: reviewedAt } = approval;
  await writeJson(ctx.clients.s3, resultLocation(ctx, documentId), {
    ...result,
    status: 'SUCCEEDED',
    fields,
    originalFields: original,
    reviewedBy,
    reviewedAt,
  });
  await ctx.clients.dynamodb.send(
    new UpdateCommand({
      TableName: ctx.tables.results,
      Key: { documentId },
      UpdateExpression: 'SET #status = :succeeded, reviewedBy = :by, reviewedAt = :at',
      ConditionExpression: 'attribute_exists(documentId) AND #status IN (:review, :succeeded)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':succeeded': 'SUCCEEDED',
        ':review': 'NEEDS_REVIEW',
        ':by': reviewedBy,
        ':at': reviewedAt,
      },
    }),
  );
  const written = await ledgerOf(ctx).record(documentId, {
    kind: 'review_approved',
    at: reviewedAt,
    reviewedBy,
  });
  const after = await storeOf(ctx).trail(documentId);
  return reviewDocumentOf(written.entry ?? entry, { ...result, originalFields: original }, after);
};

/** The review trail's audit entries, oldest first. */
export const reviewAudit = async (ctx: ServiceContext, documentId: string) => {
  await requireEntry(ctx, documentId);
  return (await storeOf(ctx).trail(documentId)).audit;
};
