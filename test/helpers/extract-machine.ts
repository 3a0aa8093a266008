/**
 * Runs `statemachines/extract.asl.json` with aws-local-stepfunctions, every
 * Task overridden by an in-process function, retry waits compressed, and the
 * event log collected for assertions. The definition is validated once per
 * process: every run uses the same text, and asl-validator compiles its JSON
 * schemas afresh on each `new StateMachine` (about a second of CPU), while a
 * machine's `run` keeps nothing between executions.
 */
import '#local/polyfills.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  EXTRACT_ASL_PATH,
  EXTRACT_PLACEHOLDERS,
  type ExtractPlaceholder,
  substitutePlaceholders,
} from '#statemachines/extract-placeholders.ts';

export const ASL_TEXT = readFileSync(
  fileURLToPath(new URL(`../../${EXTRACT_ASL_PATH}`, import.meta.url)),
  'utf-8',
);

export const LOCAL_VALUES: Record<ExtractPlaceholder, string> = Object.fromEntries(
  EXTRACT_PLACEHOLDERS.map((name) => [
    name,
    name.endsWith('Url')
      ? 'https://sqs.us-east-1.amazonaws.com/000000000000/extraction-dlq'
      : `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  ]),
) as Record<ExtractPlaceholder, string>;

export const definition = (): StateMachineDefinition =>
  JSON.parse(substitutePlaceholders(ASL_TEXT, LOCAL_VALUES));

let machine: StateMachine | undefined;
const extractMachine = (): StateMachine => {
  machine ??= new StateMachine(definition(), { validationOptions: { checkArn: false } });
  return machine;
};

export type TaskOverride = NonNullable<
  NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']
>[string];

/** What Lambda puts in a task failure's Cause: `{"errorType","errorMessage","trace"}`. */
class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage, trace: [] }));
    this.name = errorType;
  }
}

/** A task handler whose failures reach the state machine as Lambda reports them. */
export const lambdaShaped =
  <I, O>(override: (input: I) => Promise<O> | O): ((input: I) => Promise<O>) =>
  async (input) => {
    try {
      return await override(input);
    } catch (error) {
      if (error instanceof Error) throw new LambdaFunctionError(error.name, error.message);
      throw new LambdaFunctionError('Error', String(error));
    }
  };

export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output: unknown;
  readonly error: { name: string; cause: string } | null;
  readonly events: Array<Record<string, unknown>>;
}

export const runExtract = async (
  input: unknown,
  tasks: Record<string, TaskOverride>,
  name = 'test-execution',
  /** Milliseconds a Wait state waits instead of its definition's time, by state name. */
  waitTimeOverrides: Readonly<Record<string, number>> = {},
): Promise<RunResult> => {
  const zeroWaits = Object.fromEntries(Object.keys(tasks).map((state) => [state, 0]));
  // Execution input is JSON on AWS; a round trip makes it so here too.
  const json = JSON.parse(JSON.stringify(input));
  const execution = extractMachine().run(json, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        Object.entries(tasks).map(([state, override]) => [state, lambdaShaped(override)]),
      ),
      retryIntervalOverrides: zeroWaits,
      waitTimeOverrides: { ...waitTimeOverrides },
    },
    context: {
      Execution: {
        Id: `arn:aws:states:us-east-1:000000000000:execution:extract:${name}`,
        Name: name,
        Input: json,
        StartTime: new Date().toISOString(),
      },
    },
  });
  const events: Array<Record<string, unknown>> = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs)
      events.push(event as unknown as Record<string, unknown>);
  })();
  try {
    const output = await execution.result;
    await collect;
    return { status: 'SUCCEEDED', output, error: null, events };
  } catch (error) {
    await collect;
    // The library wraps the Fail state's error: Error -> name, Cause -> message.
    const failure = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const err = failure instanceof Error ? failure : new Error(String(failure));
    return {
      status: 'FAILED',
      output: null,
      error: { name: err.name, cause: err.message },
      events,
    };
  }
};
