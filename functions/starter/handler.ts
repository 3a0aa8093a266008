/**
 * Starter: SQS batch of S3 notifications -> a ledger entry for every object
 * created under `incoming/` and one Step Functions execution per document.
 * Failures are reported per message, so one bad message never fails its
 * neighbours; it is retried and then dead-lettered by the queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sfnClient } from '#functions/shared/clients/sfn.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { ledger } from '#functions/shared/ledger.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { admitUpload, parseMessage } from './starter.ts';

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
    logger.warn('Notification records that are not object creations skipped', {
      skipped: parsed.skipped,
    });
  }
  const deps = { ledger: ledger(), sfn: sfnClient(), stateMachineArn: config.stateMachineArn };
  for (const upload of parsed.uploads) {
    const outcome = await admitUpload(deps, upload);
    logger.info('Upload admitted', {
      documentId: upload.documentId,
      outcome,
      ...(upload.classification.kind === 'ignored' ? { reason: upload.classification.reason } : {}),
    });
  }
};

export const handler = instrument(
  observability,
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context }),
);
