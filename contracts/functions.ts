/**
 * The pipeline's Lambda functions, by name: the CDK app, the local runtime and
 * the CLI's `invoke` all read this one list.
 */

/** Every Lambda function in the pipeline; `functions/<name>/handler.ts` is its entry. */
export const FUNCTION_NAMES = [
  'starter',
  'load-document',
  'select-variant',
  'admit-model-call',
  'invoke-model',
  'score',
  'record-result',
  'record-failure',
  'aggregator',
  'drift',
  'reconciler',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
