/**
 * The `${...}` placeholders of `extract.asl.json`, defined once. The CDK app
 * and the local runtime both build a `Record<ExtractPlaceholder, string>` from
 * this list, so a placeholder without a value is a compile error; a test checks
 * that this list equals the tokens in the file.
 */
export const EXTRACT_PLACEHOLDERS = [
  'LoadDocumentFunctionArn',
  'SelectVariantFunctionArn',
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
