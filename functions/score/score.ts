/** Scoring of one extraction: completeness from the version's field weights, cost from tokens (prompt-cache reads and writes at their own prices). */

import type { ScoreOutput } from '#contracts/task-schemas.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { costMicroUsd } from '#core/extraction/cost.ts';
import type { PromptVersion } from '#core/prompts/types.ts';

export interface ScoreRequest {
  readonly version: PromptVersion;
  readonly fields: unknown;
  readonly modelId: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
}

export const scoreDocument = (request: ScoreRequest): ScoreOutput => {
  const completeness = scoreCompleteness(request.version.metadata.fields, request.fields);
  return {
    completeness: completeness.completeness,
    allRequiredPresent: completeness.allRequiredPresent,
    requiredPresent: completeness.requiredPresent,
    requiredTotal: completeness.requiredTotal,
    costMicroUsd: costMicroUsd({
      modelId: request.modelId,
      inputTokens: request.inputTokens,
      outputTokens: request.outputTokens,
      cacheReadInputTokens: request.cacheReadInputTokens ?? 0,
      cacheWriteInputTokens: request.cacheWriteInputTokens ?? 0,
    }),
    grounding: null,
  };
};
