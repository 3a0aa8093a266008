/**
 * Starter: SQS batch of S3 notifications -> one Step Functions execution per
 * document. Failures are reported per message, so one bad message never
 * fails its neighbours; it is retried and then dead-lettered by the queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sfnClient } from '#functions/shared/clients/sfn.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { parseMessage, startExtraction } from './starter.ts';

const config = { stateMachineArn: requireEnv('STATE_MACHINE_ARN') };
const observability = createObservability('starter');
const { logger } = observability;
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const parsed = parseMessage(record.body);
  if (parsed.kind === 'test-event') {
    logger.info('S3 test event acknowledged', { messageId: record.messageId });
    return;
  }
  if (parsed.skipped > 0) {
    logger.warn('Notification records outside incoming/*.pdf skipped', { skipped: parsed.skipped });
  }
  for (const input of parsed.inputs) {
    const outcome = await startExtraction(sfnClient(), config.stateMachineArn, input);
    logger.info('Extraction requested', { documentId: input.documentId, outcome });
  }
};

export const handler = instrument(
  observability,
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context }),
);
