/**
 * InvokeModel task: render the prompt version, call Bedrock Converse with the
 * version's schema as a forced tool, validate and normalise the tool input,
 * and store the fields under the work prefix, with the quotes (versions that
 * ask for evidence), the paths the normaliser changed and the stop reason
 * beside them for the grounding step. Documents with scanned pages
 * go as text and page images, to versions that declare image input only.
 * The state gets a reference, token counts and latency, never the fields.
 * Admission before the call is the admit-model-call function's.
 */
import { ConverseCommand } from '#adapters/aws-sdk/client-bedrock-runtime.cjs';
import { GetObjectCommand } from '#adapters/aws-sdk/client-s3.cjs';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { renderPrompt } from '#adapters/prompts/registry.ts';
import { writeJson } from '#adapters/s3-json.ts';
import { ModelOutputInvalidError } from '#contracts/errors.ts';
import { ClaimSchema, evidenceKeyFor, type ModelEvidence } from '#contracts/model-evidence.ts';
import { PageManifestSchema } from '#contracts/page-manifest.ts';
import { BUCKET_PREFIXES } from '#contracts/resources.ts';
import { parseS3Uri, toS3Uri } from '#contracts/s3-uri.ts';
import { InvokeModelInputSchema, type InvokeModelOutput } from '#contracts/task-schemas.ts';
import { normalisedPaths, splitEvidence } from '#core/evidence/claims.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { EVIDENCE_PROPERTY } from '#core/prompts/render.ts';
import { asksForEvidence, type PromptVersion, type RenderedPrompt } from '#core/prompts/types.ts';
import { bedrockClient } from '#functions/shared/clients/bedrock.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { buildConverseRequest, readAnswer, toModelError } from './converse.ts';
import {
  buildPageContent,
  documentSlot,
  type PageContent,
  requireImageInput,
  requireReadableScan,
} from './page-content.ts';

const config = { bucket: requireEnv('DOCUMENTS_BUCKET') };
const observability = createObservability('invoke-model');
const { logger } = observability;

const readText = async (uri: string): Promise<string> => {
  const { bucket, key } = parseS3Uri(uri);
  const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf-8')) ?? '';
};

const readBytes = async (bucket: string, key: string): Promise<Uint8Array> => {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
};

/** Text pages as text, image pages as image blocks, in page order. */
const pageContent = async (
  version: PromptVersion,
  pagesUri: string,
): Promise<{ prompt: RenderedPrompt; pages: PageContent }> => {
  requireImageInput(version);
  const { bucket, key } = parseS3Uri(pagesUri);
  const manifest = PageManifestSchema.parse(JSON.parse(await readText(pagesUri)));
  const images = new Map<string, Uint8Array>();
  for (const page of manifest.pages) {
    if (page.kind === 'image') images.set(page.key, await readBytes(bucket, page.key));
  }
  logger.debug('Page manifest read', { manifestKey: key, pages: manifest.pages.length });
  const prompt = renderPrompt(version, documentSlot());
  return { prompt, pages: buildPageContent(prompt.user, manifest, images) };
};
const invokeModel = async (event: unknown): Promise<InvokeModelOutput> => {
  const input = InvokeModelInputSchema.parse(event);
  logger.appendKeys({ documentId: input.documentId, promptVersion: input.promptVersion });
  const version = bundledPrompts().get(input.promptVersion);
  const scanned = input.pagesUri ? await pageContent(version, input.pagesUri) : null;
  const prompt = scanned?.prompt ?? renderPrompt(version, await readText(input.textUri));
  const request = buildConverseRequest(prompt);
  const message = request.messages?.[0];
  if (scanned && message) message.content = scanned.pages.content;

  const started = performance.now();
  const response = await bedrockClient()
    .send(new ConverseCommand(request))
    .catch((error: unknown) => {
      throw toModelError(error);
    });
  const modelLatencyMs = Math.round(performance.now() - started);

  const answer = readAnswer(response, prompt.toolName);
  const asked = asksForEvidence(version.metadata);
  // Quotes are split off before validation: the fields keep the version's schema.
  const split = asked
    ? splitEvidence(answer.toolInput, EVIDENCE_PROPERTY)
    : { fields: answer.toolInput, evidence: [] };
  const validated = validateExtraction(version.schema, split.fields);
  if (!validated.ok) {
    // Paths and keywords only: values may be patient data.
    logger.warn('Model output failed schema validation', { errors: validated.errors.slice(0, 20) });
    throw new ModelOutputInvalidError(`Output failed the ${input.promptVersion} schema`);
  }
  if (scanned) {
    const { requiredPresent } = scoreCompleteness(version.metadata.fields, validated.value);
    logger.info('Scanned document answered', {
      imageCount: scanned.pages.imageCount,
      imageTokens: scanned.pages.imageTokens,
      requiredPresent,
    });
    requireReadableScan(requiredPresent);
  }

  const location = {
    bucket: config.bucket,
    key: `${BUCKET_PREFIXES.work}${input.documentId}/extraction-${input.promptVersion}.json`,
  };
  await writeJson(s3Client(), location, validated.value);
  const claims = split.evidence.map((entry) => ClaimSchema.safeParse(entry));
  const evidence: ModelEvidence = {
    version: 1,
    asked,
    claims: claims.flatMap((claim) => (claim.success ? [claim.data] : [])),
    malformedClaims: claims.filter((claim) => !claim.success).length,
    normalisedPaths: normalisedPaths(split.fields, validated.value),
    stopReason: response.stopReason ?? null,
  };
  // Its one reader is Score's grounding, which runs only for versions that ask for evidence.
  if (asked) {
    await writeJson(s3Client(), { ...location, key: evidenceKeyFor(location.key) }, evidence);
  }
  const output: InvokeModelOutput = {
    outputUri: toS3Uri(location),
    modelId: prompt.modelId,
    servedBy: answer.servedBy ?? prompt.modelId,
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    cacheReadInputTokens: answer.cacheReadInputTokens,
    cacheWriteInputTokens: answer.cacheWriteInputTokens,
    usageEstimated: answer.usageEstimated,
    modelLatencyMs,
  };
  logger.info('Model output validated', {
    servedBy: output.servedBy,
    inputTokens: output.inputTokens,
    outputTokens: output.outputTokens,
    cacheReadInputTokens: output.cacheReadInputTokens,
    cacheWriteInputTokens: output.cacheWriteInputTokens,
    modelLatencyMs,
    claims: evidence.claims.length,
    malformedClaims: evidence.malformedClaims,
  });
  return output;
};

export const handler = instrument(observability, invokeModel);
