/**
 * Score task: field completeness and the all-required-present flag from the
 * validated output, and cost in integer micro-dollars from token usage.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { parseS3Uri } from '#contracts/s3-uri.ts';
import { ScoreInputSchema, type ScoreOutput } from '#contracts/task-schemas.ts';
import { s3Client } from '#functions/shared/clients.ts';
import { createObservability } from '#functions/shared/powertools.ts';
import { scoreDocument } from './score.ts';

const { logger } = createObservability('score');

export const handler = async (event: unknown): Promise<ScoreOutput> => {
  const input = ScoreInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId, promptVersion: input.promptVersion });
  const { bucket, key } = parseS3Uri(input.outputUri);
  const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const fields: unknown = JSON.parse((await object.Body?.transformToString('utf-8')) ?? 'null');
  const score = scoreDocument({
    ...input,
    fields,
    version: bundledPrompts().get(input.promptVersion),
  });
  logger.info('Document scored', { ...score });
  return score;
};
