/**
 * Environment for importing a handler in a unit test: handlers read their
 * configuration at load, so variables are set before the dynamic import.
 */
export const HANDLER_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_NAMESPACE: 'MedExtract/test',
  AWS_LAMBDA_FUNCTION_NAME: 'medextract-test',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:medextract-test-extract',
  DOCUMENTS_BUCKET: 'medextract-test-documents',
  RESULTS_TABLE_NAME: 'medextract-test-results',
  EXPERIMENTS_TABLE_NAME: 'medextract-test-experiments',
  METRICS_TABLE_NAME: 'medextract-test-metrics',
  LEDGER_TABLE_NAME: 'medextract-test-ledger',
  REUSE_TABLE_NAME: 'medextract-test-extraction-reuse',
  DEFAULT_PROMPT_VERSION: '2.0.0',
};

export const setHandlerEnv = (overrides: Record<string, string> = {}): void => {
  Object.assign(process.env, HANDLER_ENV, overrides);
};

/** Captures stdout and stderr lines written while `run` executes (EMF, logs). */
export const captureStdout = async <T>(
  run: () => Promise<T>,
): Promise<{ result: T; lines: string[] }> => {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  const capture = (chunk: string | Uint8Array): boolean => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    return true;
  };
  for (const stream of streams) stream.write = capture as typeof stream.write;
  try {
    return { result: await run(), lines };
  } finally {
    streams.forEach((stream, i) => {
      const original = originals[i];
      if (original) stream.write = original;
    });
  }
};
