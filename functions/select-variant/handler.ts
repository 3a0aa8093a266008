/**
 * SelectVariant task: reads the production alias and the running-experiment
 * pointer (one BatchGet, cached for a short TTL) and returns the exact prompt
 * version for this document, with the earlier extraction of the same bytes
 * under that version when one may be reused.
 */
import { BatchGetCommand } from '#adapters/aws-sdk/lib-dynamodb.cjs';
import {
  AliasItemSchema,
  aliasKey,
  PROMPT_FAMILY,
  RunningItemSchema,
  runningKey,
} from '#contracts/experiments-items.ts';
import { SelectVariantInputSchema, type SelectVariantOutput } from '#contracts/task-schemas.ts';
import { dynamoDocumentClient } from '#functions/shared/clients/dynamodb.ts';
import { intEnv, requireEnv, stringEnv } from '#functions/shared/env.ts';
import { readReuseSettings } from '#functions/shared/extraction-reuse.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { earlierExtraction } from './earlier-extraction.ts';
import { cached, type SelectionContext, selectVariant } from './select-variant.ts';

const config = {
  table: requireEnv('EXPERIMENTS_TABLE_NAME'),
  cacheTtlMs: intEnv('PROMPT_CACHE_TTL_SECONDS', 30) * 1000,
  defaultVersion: stringEnv('DEFAULT_PROMPT_VERSION', '2.2.0'),
  reuse: readReuseSettings(),
};
const observability = createObservability('select-variant');
const { logger } = observability;

const readPointers = async (): Promise<SelectionContext> => {
  const alias = aliasKey(PROMPT_FAMILY);
  const running = runningKey(PROMPT_FAMILY);
  const response = await dynamoDocumentClient().send(
    new BatchGetCommand({
      RequestItems: { [config.table]: { Keys: [alias, running], ConsistentRead: true } },
    }),
  );
  if (Object.keys(response.UnprocessedKeys ?? {}).length > 0) {
    throw new Error('Experiment pointers not read (unprocessed keys); the state machine retries');
  }
  const items = response.Responses?.[config.table] ?? [];
  const find = (key: { pk: string }) => items.find((item) => item.pk === key.pk);
  const aliasItem = find(alias);
  const runningItem = find(running);
  return {
    alias: aliasItem ? AliasItemSchema.parse(aliasItem) : null,
    running: runningItem ? RunningItemSchema.parse(runningItem) : null,
    defaultVersion: config.defaultVersion,
  };
};

const pointers = cached(readPointers, config.cacheTtlMs);

export const handler = instrument(
  observability,
  async (event: unknown): Promise<SelectVariantOutput> => {
    const { documentId, contentSha256 } = SelectVariantInputSchema.parse(event);
    const selection = selectVariant(documentId, await pointers());
    const reuse = await earlierExtraction(dynamoDocumentClient(), config.reuse, {
      documentId,
      contentSha256,
      promptVersion: selection.promptVersion,
    });
    logger.info('Prompt version selected', {
      documentId,
      ...selection,
      ...(reuse ? { reusedFrom: reuse.reusedFrom } : {}),
    });
    return { ...selection, reuse };
  },
);
