/**
 * Runs a Lambda handler in process the way the Step Functions `lambda:invoke`
 * integration sees it: the evaluated `Payload` in, the result wrapped as
 * `{ Payload, StatusCode }` out. A thrown error escapes with its name intact,
 * which is what Retry/Catch match on; the runner shapes the Cause.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A JSON value, as Lambda payloads are. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A Lambda-like context for in-process invocations. */
export const lambdaContext = (functionName: string, timeoutMs = 60_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** A type alias (not an interface) so it is assignable to JSON object types. */
export type LambdaInvokeResult = { readonly Payload: JsonValue; readonly StatusCode: 200 };

/** Wraps a handler as a `lambda:invoke` task override. */
export const asLambdaInvokeTask =
  (
    functionName: string,
    handler: LambdaHandler,
    wrap: <T>(run: () => Promise<T>) => Promise<T> = (run) => run(),
    /** The function's timeout: what the handler's `getRemainingTimeInMillis` counts down from. */
    timeoutMs?: number,
  ) =>
  async (parameters: unknown): Promise<LambdaInvokeResult> => {
    const payload =
      parameters && typeof parameters === 'object' && 'Payload' in parameters
        ? parameters.Payload
        : parameters;
    const result = await wrap(() => handler(payload, lambdaContext(functionName, timeoutMs)));
    // Lambda serialises the result: drop undefined and class instances as JSON would.
    return { Payload: JSON.parse(JSON.stringify(result ?? null)), StatusCode: 200 };
  };
