/**
 * Score task: field completeness and the all-required-present flag from the
 * validated output, and cost in integer micro-dollars from token usage.
 */
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { readJson } from '#adapters/s3-json.ts';
import { ScoreInputSchema, type ScoreOutput } from '#contracts/task-schemas.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { scoreDocument } from './score.ts';

const observability = createObservability('score');
const { logger } = observability;

export const handler = instrument(observability, async (event: unknown): Promise<ScoreOutput> => {
  const input = ScoreInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId, promptVersion: input.promptVersion });
  const fields = await readJson(s3Client(), input.outputUri);
  const score = scoreDocument({
    ...input,
    fields,
    version: bundledPrompts().get(input.promptVersion),
  });
  logger.info('Document scored', { ...score });
  return score;
});
