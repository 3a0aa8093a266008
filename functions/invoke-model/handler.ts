/**
 * InvokeModel task: render the prompt version, call Bedrock Converse with the
 * version's schema as a forced tool, validate and normalise the tool input,
 * and store the fields under the work prefix. The state gets a reference,
 * token counts and latency, never the fields themselves.
 */
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { renderPrompt } from '#adapters/prompts/registry.ts';
import { writeJson } from '#adapters/s3-json.ts';
import { ModelOutputInvalidError } from '#contracts/errors.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { parseS3Uri, toS3Uri } from '#contracts/s3-uri.ts';
import { InvokeModelInputSchema, type InvokeModelOutput } from '#contracts/task-schemas.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { bedrockClient } from '#functions/shared/clients/bedrock.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { buildConverseRequest, readAnswer, toModelError } from './converse.ts';

const config = { bucket: requireEnv('DOCUMENTS_BUCKET') };
const observability = createObservability('invoke-model');
const { logger } = observability;

const readText = async (uri: string): Promise<string> => {
  const { bucket, key } = parseS3Uri(uri);
  const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf-8')) ?? '';
};

const invokeModel = async (event: unknown): Promise<InvokeModelOutput> => {
  const input = InvokeModelInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId, promptVersion: input.promptVersion });
  const version = bundledPrompts().get(input.promptVersion);
  const prompt = renderPrompt(version, await readText(input.textUri));

  const started = performance.now();
  const response = await bedrockClient()
    .send(new ConverseCommand(buildConverseRequest(prompt)))
    .catch((error: unknown) => {
      throw toModelError(error);
    });
  const modelLatencyMs = Math.round(performance.now() - started);

  const answer = readAnswer(response, prompt.toolName);
  const validated = validateExtraction(version.schema, answer.toolInput);
  if (!validated.ok) {
    // Paths and keywords only: values may be patient data.
    logger.warn('Model output failed schema validation', { errors: validated.errors.slice(0, 20) });
    throw new ModelOutputInvalidError(`Output failed the ${input.promptVersion} schema`);
  }

  const location = {
    bucket: config.bucket,
    key: `${BUCKET_PREFIXES.work}${input.documentId}/extraction-${input.promptVersion}.json`,
  };
  await writeJson(s3Client(), location, validated.value);
  const output: InvokeModelOutput = {
    outputUri: toS3Uri(location),
    modelId: prompt.modelId,
    servedBy: answer.servedBy ?? prompt.modelId,
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    usageEstimated: answer.usageEstimated,
    modelLatencyMs,
  };
  logger.info('Model output validated', {
    servedBy: output.servedBy,
    inputTokens: output.inputTokens,
    outputTokens: output.outputTokens,
    modelLatencyMs,
  });
  return output;
};

export const handler = instrument(observability, invokeModel);
