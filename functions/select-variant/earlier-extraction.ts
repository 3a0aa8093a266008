/**
 * After the prompt version is chosen: the earlier SUCCEEDED extraction of
 * the same bytes under that version, which the workflow then uses instead of
 * calling the model; null when the stage opted out, the document has no
 * content hash, or nothing reusable is remembered.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findReusableExtraction } from '#adapters/extraction-reuse.ts';
import type { Reuse } from '#core/reuse/identical-documents.ts';
import type { ReuseSettings } from '#functions/shared/extraction-reuse.ts';

export interface EarlierExtractionQuery {
  readonly documentId: string;
  readonly contentSha256: string | null;
  readonly promptVersion: string;
}

export const earlierExtraction = async (
  client: DynamoDBDocumentClient,
  settings: ReuseSettings,
  query: EarlierExtractionQuery,
  now: Date = new Date(),
): Promise<Reuse | null> => {
  if (!settings.enabled || query.contentSha256 === null) return null;
  return findReusableExtraction(client, settings.table, {
    documentId: query.documentId,
    contentSha256: query.contentSha256,
    promptVersion: query.promptVersion,
    now,
  });
};
