/**
 * Replays the aggregator failure queue: each failed batch's original log
 * subscription event is sent to the aggregator again (synchronously); a
 * message is deleted only when the aggregator counted it this time. Safe to
 * repeat: the aggregator writes a marker per log event in the same
 * transaction as the counts, so an event counted before is skipped.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { physicalName } from '#contracts/resources.ts';
import { parseAggregatorFailure } from './aggregator-failure-record.ts';
import type { ServiceContext } from './context.ts';
import { queueUrl } from './dlq.ts';
import { drain, type RedriveOptions, type RedriveResult } from './dlq-redrive.ts';
import { NotFoundError } from './service-error.ts';

export const redriveAggregator = (
  ctx: ServiceContext,
  options: RedriveOptions,
): Promise<RedriveResult[]> => {
  const url = queueUrl(ctx, 'aggregator');
  const lambda = ctx.clients.lambda;
  if (!lambda) {
    throw new NotFoundError('NO_LAMBDA_CLIENT', 'replaying the aggregator needs a deployed stage');
  }
  const functionName = physicalName(ctx.stage, 'aggregator');
  return drain(ctx, url, options, async (message): Promise<RedriveResult> => {
    const base = { messageId: message.MessageId ?? '', documentId: null, executionArn: null };
    const record = parseAggregatorFailure(message.Body ?? '');
    if (!record) {
      return {
        ...base,
        outcome: 'skipped',
        detail: 'not a Lambda failure record; left in the queue',
      };
    }
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(record.requestPayload)),
      }),
    );
    if (response.FunctionError) {
      return {
        ...base,
        outcome: 'skipped',
        detail: `the aggregator failed again (${response.FunctionError}); left in the queue`,
      };
    }
    await ctx.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle ?? '' }),
    );
    return { ...base, outcome: 'redriven', detail: null };
  });
};
