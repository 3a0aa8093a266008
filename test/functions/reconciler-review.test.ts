/**
 * Reconciler and NEEDS_REVIEW: an execution that ended with a result sent
 * to review, whose outcome never reached the ledger, is recorded
 * NEEDS_REVIEW with its flag count (not SUCCEEDED), and emits no record
 * (its record step already did).
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentOutcome } from '#adapters/result-record.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { reconcile } from '#functions/reconciler/reconciler.ts';
import { memoryLedger, receivedEntry } from '#test/helpers/memory-ledger.ts';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
afterEach(() => {
  s3.reset();
  sfn.reset();
});

const BUCKET = 'medextract-test-documents';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const EARLIER = '2026-12-01T09:00:00.000Z';
const idOf = (key: string) => documentIdFor({ bucket: BUCKET, key, etag: 'e1' });

describe('reconcile with review', () => {
  it('records NEEDS_REVIEW for a finished execution whose result was sent to review', async () => {
    const ledger = memoryLedger();
    const review = idOf('incoming/unsure.pdf');
    const clean = idOf('incoming/sure.pdf');
    for (const [id, key] of [
      [review, 'incoming/unsure.pdf'],
      [clean, 'incoming/sure.pdf'],
    ] as const) {
      ledger.entries.set(
        id,
        receivedEntry(id, { bucket: BUCKET, key, versionId: null, etag: 'e1' }, EARLIER),
      );
    }
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const output = (status: string, reviewRequired: boolean) =>
      JSON.stringify({
        variant: { promptVersion: '2.1.0' },
        score: { grounding: { reviewRequired, flagCount: reviewRequired ? 4 : 0 } },
        result: { status },
      });
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => ({
      status: 'SUCCEEDED',
      startDate: new Date(EARLIER),
      output: input.executionArn.endsWith(review)
        ? output('NEEDS_REVIEW', true)
        : output('SUCCEEDED', false),
    }));
    const emitted: DocumentOutcome[] = [];

    const summary = await reconcile(
      {
        emitRecord: (outcome: DocumentOutcome) => {
          emitted.push(outcome);
        },
        s3: new S3Client({ region: 'us-east-1' }),
        sfn: new SFNClient({ region: 'us-east-1' }),
        ledger,
        bucket: BUCKET,
        stateMachineArn:
          'arn:aws:states:us-east-1:123456789012:stateMachine:medextract-test-extract',
        versioned: false,
        maxObjects: 1000,
      },
      { graceSeconds: 60, executionTimeoutSeconds: 900 },
      NOW,
    );

    expect(summary.recorded).toBe(2);
    expect(ledger.entries.get(review)).toMatchObject({
      status: 'NEEDS_REVIEW',
      reviewFlags: 4,
      promptVersion: '2.1.0',
    });
    expect(ledger.entries.get(clean)).toMatchObject({ status: 'SUCCEEDED' });
    expect(emitted).toEqual([]);
  });
});
