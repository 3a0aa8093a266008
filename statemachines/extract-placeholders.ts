/**
 * The `${...}` placeholders of `extract.asl.json`, defined once. The CDK app
 * and the local runtime both build a `Record<ExtractPlaceholder, string>` from
 * this list, so a placeholder without a value is a compile error; a test checks
 * that this list equals the tokens in the file. The execution deadline is a
 * number, which a text placeholder cannot be in valid JSON: both set it with
 * {@link withExecutionTimeout}.
 */
export const EXTRACT_PLACEHOLDERS = [
  'LoadDocumentFunctionArn',
  'SelectVariantFunctionArn',
  'AdmitModelCallFunctionArn',
  'InvokeModelFunctionArn',
  'ScoreFunctionArn',
  'RecordResultFunctionArn',
  'RecordFailureFunctionArn',
  'ExtractionDlqUrl',
] as const;

export type ExtractPlaceholder = (typeof EXTRACT_PLACEHOLDERS)[number];

/** Path of the definition, relative to the repository root. */
export const EXTRACT_ASL_PATH = 'statemachines/extract.asl.json';

/** Replace every `${Name}` with its value; an unknown token is an error. */
export const substitutePlaceholders = (
  definition: string,
  values: Readonly<Record<ExtractPlaceholder, string>>,
): string =>
  definition.replace(/\$\{([A-Za-z0-9]+)\}/g, (_token, name: string) => {
    const value = (values as Readonly<Record<string, string>>)[name];
    if (value === undefined) throw new Error(`No value for placeholder \${${name}}`);
    return value;
  });

/**
 * The definition text with its top-level `TimeoutSeconds`: the execution
 * deadline (work time plus the stage's maximum admission wait, from
 * `executionTimeoutSeconds` in infra/model-capacity.ts). Task states keep
 * their own timeouts, which bound the work.
 */
export const withExecutionTimeout = (definition: string, timeoutSeconds: number): string => {
  if (!(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0)) {
    throw new Error(
      'TIMEOUT_INVALID: the execution deadline must be a positive whole second count',
    );
  }
  const { StartAt, ...rest } = JSON.parse(definition) as Record<string, unknown>;
  const { Comment, ...others } = rest;
  return JSON.stringify({ Comment, StartAt, TimeoutSeconds: timeoutSeconds, ...others }, null, 2);
};
