/**
 * Reviewed documents as a labelled dataset: every upload a reviewer approved
 * (ledger SUCCEEDED with `reviewedBy`), with the PDF version the ledger
 * recorded and, as its truth, the corrected `fields` of its result JSON.
 * The caller writes them as `<documentId>.pdf` + `<documentId>.truth.json`,
 * the layout `medextract eval --dataset` reads; ids, not keys, name the
 * files (a key may name a patient).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ledgerRepository } from '#adapters/ledger.ts';
import { readJson } from '#adapters/s3-json.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import type { ServiceContext } from './context.ts';

export interface ReviewedDocument {
  readonly documentId: string;
  readonly pdf: Uint8Array;
  /** The approved (corrected) extraction. */
  readonly truth: Record<string, unknown>;
  readonly promptVersion: string | null;
  readonly reviewedBy: string;
  readonly reviewedAt: string | null;
}

export interface ReviewExportSummary {
  /** Approved documents found in the ledger. */
  readonly approved: number;
  /** Of those, skipped because the PDF or the result JSON is gone (counts only). */
  readonly missing: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const readPdf = async (
  ctx: ServiceContext,
  entry: { readonly bucket: string; readonly key: string; readonly versionId: string | null },
): Promise<Uint8Array | undefined> => {
  const got = await ctx.clients.s3.send(
    new GetObjectCommand({
      Bucket: entry.bucket,
      Key: entry.key,
      ...(entry.versionId ? { VersionId: entry.versionId } : {}),
    }),
  );
  return got.Body?.transformToByteArray();
};

/**
 * Hands each approved document of the context's bucket to `write`, oldest
 * approval first; returns how many there were and how many could not be read.
 */
export const exportReviewedDocuments = async (
  ctx: ServiceContext,
  write: (document: ReviewedDocument) => Promise<void>,
): Promise<ReviewExportSummary> => {
  const entries = (
    await ledgerRepository(ctx.clients.dynamodb, ctx.tables.ledger).listByStatus('SUCCEEDED', {
      limit: 10_000,
    })
  ).filter((entry) => entry.bucket === ctx.bucket && entry.reviewedBy);
  let missing = 0;
  for (const entry of entries) {
    const result: unknown = await readJson(ctx.clients.s3, {
      bucket: ctx.bucket,
      key: `${BUCKET_PREFIXES.results}${entry.documentId}.json`,
    }).catch(() => null);
    const object = await readPdf(ctx, entry).catch(() => undefined);
    if (!isRecord(result) || !isRecord(result.fields) || object === undefined) {
      missing += 1;
      continue;
    }
    await write({
      documentId: entry.documentId,
      pdf: object,
      truth: result.fields,
      promptVersion: entry.promptVersion,
      reviewedBy: entry.reviewedBy ?? '',
      reviewedAt: entry.reviewedAt ?? null,
    });
  }
  return { approved: entries.length, missing };
};
