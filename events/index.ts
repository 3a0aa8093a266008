/**
 * Typed access to the fixture events: one file per function input and per
 * source event. Unit tests and `medextract invoke` load them from here, so
 * every fixture is parsed by the same schema its handler uses. The
 * synthetic document the task fixtures follow is in `documents/`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';

export const EVENT_NAMES = [
  's3/object-created',
  's3/test-event',
  'sqs/s3-object-created',
  'sqs/s3-test-event',
  'tasks/execution-input',
  'tasks/load-document',
  'tasks/select-variant',
  'tasks/admit-model-call',
  'tasks/invoke-model',
  'tasks/score',
  'tasks/record-result',
  'tasks/record-failure',
  'logs/emf-subscription',
  'apigateway/http-api-prompt-versions',
  'apigateway/http-api-compare-invalid',
  'drift/scheduled',
  'reconciler/scheduled',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const eventPath = (name: EventName): string =>
  fileURLToPath(new URL(`./${name}.json`, import.meta.url));

/** A synthetic document under `events/documents/` (generated once by `local/corpus/`). */
export const documentFixturePath = (name: 'aps-0001.pdf'): string =>
  fileURLToPath(new URL(`./documents/${name}`, import.meta.url));

/** A fresh copy of the fixture on every call, so tests cannot leak into each other. */
export const loadEvent = (name: EventName): unknown =>
  JSON.parse(readFileSync(eventPath(name), 'utf-8'));

const SqsEventSchema = z.object({
  Records: z.array(
    z.object({
      messageId: z.string(),
      receiptHandle: z.string(),
      body: z.string(),
      attributes: z.object({
        ApproximateReceiveCount: z.string(),
        SentTimestamp: z.string(),
        SenderId: z.string(),
        ApproximateFirstReceiveTimestamp: z.string(),
      }),
      messageAttributes: z.record(
        z.string(),
        z.object({
          stringValue: z.string().optional(),
          binaryValue: z.string().optional(),
          stringListValues: z.array(z.string()),
          binaryListValues: z.array(z.string()),
          dataType: z.string(),
        }),
      ),
      md5OfBody: z.string(),
      eventSource: z.literal('aws:sqs'),
      eventSourceARN: z.string(),
      awsRegion: z.string(),
    }),
  ),
});

/** An SQS fixture, checked against the Lambda SQS event shape. */
export const loadSqsEvent = (name: 'sqs/s3-object-created' | 'sqs/s3-test-event'): SQSEvent => {
  return SqsEventSchema.parse(loadEvent(name));
};
