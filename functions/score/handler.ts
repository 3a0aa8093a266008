/**
 * Score task: field completeness and the all-required-present flag from the
 * validated output, cost in integer micro-dollars from token usage, and, for
 * prompt versions that ask for evidence, the grounding of every value in the
 * document: written to `grounding/<documentId>.json`, summarised in state by
 * its URI and counts.
 */
import { GetObjectCommand } from '#adapters/aws-sdk/client-s3.cjs';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { readJson, writeJson } from '#adapters/s3-json.ts';
import { DocumentGeometrySchema, GEOMETRY_FILE } from '#contracts/geometry.ts';
import { evidenceKeyFor, ModelEvidenceSchema } from '#contracts/model-evidence.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { parseS3Uri, toS3Uri } from '#contracts/s3-uri.ts';
import { type ScoreInput, ScoreInputSchema, type ScoreOutput } from '#contracts/task-schemas.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { asksForEvidence, type PromptVersion } from '#core/prompts/types.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { groundDocument, groundedShare } from './grounding.ts';
import { scoreDocument } from './score.ts';

const observability = createObservability('score');
const { logger } = observability;

/** A JSON object that may not exist (a document loaded before geometry was written). */
const readOptionalJson = async (bucket: string, key: string): Promise<unknown> => {
  try {
    const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString('utf-8')) ?? 'null');
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
};

const ground = async (
  input: ScoreInput,
  version: PromptVersion,
  fields: unknown,
): Promise<ScoreOutput['grounding']> => {
  if (!asksForEvidence(version.metadata)) return null;
  const { bucket, key } = parseS3Uri(input.outputUri);
  const evidence = ModelEvidenceSchema.safeParse(
    await readOptionalJson(bucket, evidenceKeyFor(key)),
  );
  const geometry = DocumentGeometrySchema.safeParse(
    await readOptionalJson(bucket, `${BUCKET_PREFIXES.work}${input.documentId}/${GEOMETRY_FILE}`),
  );
  if (!evidence.success || !geometry.success) {
    logger.warn('No grounding: the quotes or the page geometry are missing', {
      evidence: evidence.success,
      geometry: geometry.success,
    });
    return null;
  }
  const outcome = groundDocument({
    version,
    fields,
    evidence: evidence.data,
    geometry: geometry.data,
    missingRequired: scoreCompleteness(version.metadata.fields, fields).missing,
  });
  const location = { bucket, key: `${BUCKET_PREFIXES.grounding}${input.documentId}.json` };
  await writeJson(s3Client(), location, outcome.grounding);
  const summary = {
    uri: toS3Uri(location),
    groundedShare: groundedShare(outcome),
    reviewRequired: outcome.grounding.review.required,
    flagCount: outcome.grounding.review.flags.length,
  };
  logger.info('Document grounded', {
    values: outcome.valueCount,
    grounded: outcome.groundedCount,
    groundedByValueSearch: outcome.valueSearchCount,
    malformedClaims: evidence.data.malformedClaims,
    reviewRequired: summary.reviewRequired,
    flagCount: summary.flagCount,
  });
  return summary;
};

export const handler = instrument(observability, async (event: unknown): Promise<ScoreOutput> => {
  const input = ScoreInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId, promptVersion: input.promptVersion });
  const fields = await readJson(s3Client(), input.outputUri);
  const version = bundledPrompts().get(input.promptVersion);
  const score = scoreDocument({ ...input, fields, version });
  const scored: ScoreOutput = { ...score, grounding: await ground(input, version, fields) };
  logger.info('Document scored', { ...score, grounded: scored.grounding !== null });
  return scored;
});
