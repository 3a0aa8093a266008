/**
 * A typed Lambda context for calling a handler in a test, so the logger and
 * the tracer see what the Lambda runtime gives them.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface TestContextOptions {
  /** Defaults to a fresh UUID per call, as Lambda gives one per invocation. */
  readonly awsRequestId?: string;
  readonly timeoutMs?: number;
}

export const testContext = (functionName: string, options: TestContextOptions = {}): Context => {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `medextract-test-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:medextract-test-${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/medextract-test-${functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
