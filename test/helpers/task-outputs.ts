/**
 * What each of the extract state machine's tasks answers for one ordinary
 * document, typed by the task contracts: the stubs of the state-machine
 * tests return these, so a contract change is made in one place.
 */
import type {
  InvokeModelOutput,
  LoadDocumentOutput,
  ScoreOutput,
  SelectVariantOutput,
} from '#contracts/task-schemas.ts';

export const loadedDocument = (): LoadDocumentOutput => ({
  textUri: 's3://b/work/x/text.txt',
  pageCount: 2,
  charCount: 1000,
  byteSize: 2048,
  pagesUri: null,
  imagePageCount: 0,
  geometryUri: null,
  contentSha256: null,
});

export const selectedVariant = (promptVersion: string): SelectVariantOutput => ({
  promptVersion,
  experimentId: null,
  arm: null,
  resolvedBy: 'alias',
  reuse: null,
});

/** AdmitModelCall's answer when a slot is free now; `payload` is the state's input (its readmission count). */
export const admittedNow = (payload?: unknown) => ({
  admitted: true,
  notBefore: new Date(0).toISOString(),
  modelId: 'm',
  readmissions: (payload as { readmissions?: number } | undefined)?.readmissions ?? 0,
  breakerOpen: false,
});

export const modelAnswer = (
  modelId: string,
  outputUri = 's3://b/work/x/extraction.json',
): InvokeModelOutput => ({
  outputUri,
  modelId,
  servedBy: modelId,
  inputTokens: 100,
  outputTokens: 50,
  cacheReadInputTokens: 0,
  cacheWriteInputTokens: 0,
  usageEstimated: false,
  modelLatencyMs: 12,
});

export const scored = (): ScoreOutput => ({
  completeness: 0.9,
  allRequiredPresent: true,
  requiredPresent: 8,
  requiredTotal: 8,
  costMicroUsd: 350,
  grounding: null,
});

export const recorded = () => ({ resultUri: 's3://b/results/x.json', status: 'SUCCEEDED' });
