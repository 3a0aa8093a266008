/**
 * Reconciler on interrupted attempts: a FAILED execution whose failure never
 * reached the ledger runs again as the next attempt; a rerun that was itself
 * cut short before its first task wrote the ledger is looked at through its
 * own execution, the count of interruptions in a row travels in the rerun's
 * input, and the bound ends it INTERRUPTED_REPEATEDLY. A repeated
 * notification never starts attempt 0 of an entry a task already marked.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentOutcome } from '#adapters/result-record.ts';
import type { LedgerEntry } from '#core/ledger/lifecycle.ts';
import { reconcile } from '#functions/reconciler/reconciler.ts';
import { admitUpload } from '#functions/shared/admission.ts';
import { memoryLedger, receivedEntry } from '#test/helpers/memory-ledger.ts';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
afterEach(() => {
  s3.reset();
  sfn.reset();
});

const BUCKET = 'medextract-test-documents';
const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:medextract-test-extract';
const EXECUTION = ARN.replace(':stateMachine:', ':execution:');
const NOW = new Date('2026-12-01T10:00:00.000Z');
const EARLIER = '2026-12-01T09:00:00.000Z';
const settings = { graceSeconds: 60, executionTimeoutSeconds: 900 };
const ID = 'c'.repeat(64);

const processingEntry = (): LedgerEntry => ({
  ...receivedEntry(
    ID,
    { bucket: BUCKET, key: 'incoming/a.pdf', versionId: null, etag: 'e1' },
    EARLIER,
  ),
  status: 'PROCESSING',
  processingAt: EARLIER,
  executionArn: `${EXECUTION}:${ID}`,
  revision: 2,
});

const deps = (ledger: ReturnType<typeof memoryLedger>, emitted: DocumentOutcome[] = []) => ({
  emitRecord: (outcome: DocumentOutcome) => {
    emitted.push(outcome);
  },
  s3: new S3Client({ region: 'us-east-1' }),
  sfn: new SFNClient({ region: 'us-east-1' }),
  ledger,
  bucket: BUCKET,
  stateMachineArn: ARN,
  versioned: false,
  maxObjects: 1000,
});

/** Executions by name suffix ('' for attempt 0, '-r1', ...): status and the count in their input. */
const executions = (byName: Record<string, { status: string; interrupted?: number }>) => {
  sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
    const suffix = input.executionArn.slice(`${EXECUTION}:${ID}`.length);
    const found = byName[suffix];
    if (found === undefined) throw new Error(`unexpected describe of ${suffix}`);
    return {
      status: found.status,
      // A running one started just now: within its deadline.
      startDate: found.status === 'RUNNING' ? new Date(NOW.getTime() - 30_000) : new Date(EARLIER),
      input: JSON.stringify({
        documentId: ID,
        receivedAt: EARLIER,
        attempt: suffix === '' ? 0 : Number(suffix.slice(2)),
        ...(found.interrupted ? { interruptedAttempts: found.interrupted } : {}),
      }),
    };
  });
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
    if (byName[input.name.slice(ID.length)] !== undefined) {
      throw new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
    }
    return { executionArn: `${EXECUTION}:${input.name}`, startDate: NOW };
  });
};

const startedInputs = () =>
  sfn.commandCalls(StartExecutionCommand).map((call) => ({
    name: call.args[0].input.name,
    input: JSON.parse(call.args[0].input.input ?? '{}'),
  }));

describe('reconcile: interrupted attempts', () => {
  it('runs a FAILED execution whose failure never reached the ledger again as the next attempt', async () => {
    // Prepare
    const ledger = memoryLedger();
    ledger.entries.set(ID, processingEntry());
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    executions({ '': { status: 'FAILED' } });
    const emitted: DocumentOutcome[] = [];
    // Act
    const summary = await reconcile(deps(ledger, emitted), settings, NOW);
    // Assess
    expect(summary).toMatchObject({ restarted: 1, recorded: 0 });
    expect(startedInputs()).toEqual([
      {
        name: `${ID}-r1`,
        input: { documentId: ID, receivedAt: EARLIER, attempt: 1, interruptedAttempts: 1 },
      },
    ]);
    expect(ledger.entries.get(ID)?.status).toBe('PROCESSING');
    expect(emitted).toEqual([]);
  });

  it('follows a rerun that was cut short before it wrote the ledger, counting interruptions in a row', async () => {
    // Prepare: attempt 0 ABORTED, its rerun -r1 ABORTED too, before any task of it ran.
    const ledger = memoryLedger();
    ledger.entries.set(ID, processingEntry());
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    executions({ '': { status: 'ABORTED' }, '-r1': { status: 'ABORTED', interrupted: 1 } });
    // Act
    const summary = await reconcile(deps(ledger), settings, NOW);
    // Assess
    expect(summary.restarted).toBe(1);
    expect(startedInputs().map((s) => [s.name, s.input.interruptedAttempts])).toEqual([
      [`${ID}-r1`, 1],
      [`${ID}-r2`, 2],
    ]);
  });

  it('waits on a rerun that is still running, and starts nothing more', async () => {
    const ledger = memoryLedger();
    ledger.entries.set(ID, processingEntry());
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    executions({ '': { status: 'FAILED' }, '-r1': { status: 'RUNNING', interrupted: 1 } });
    const summary = await reconcile(deps(ledger), settings, NOW);
    expect(summary).toMatchObject({ waiting: 1, restarted: 0 });
    expect(startedInputs().map((s) => s.name)).toEqual([`${ID}-r1`]);
  });

  it('records FAILED INTERRUPTED_REPEATEDLY once interruptions in a row pass the bound, with its roll-up record', async () => {
    // Prepare
    const ledger = memoryLedger();
    ledger.entries.set(ID, processingEntry());
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    executions({
      '': { status: 'ABORTED' },
      '-r1': { status: 'FAILED', interrupted: 1 },
      '-r2': { status: 'ABORTED', interrupted: 2 },
    });
    const emitted: DocumentOutcome[] = [];
    // Act
    const summary = await reconcile(
      deps(ledger, emitted),
      { ...settings, maxInterruptedAttempts: 2 },
      NOW,
    );
    // Assess
    expect(summary.recorded).toBe(1);
    expect(ledger.entries.get(ID)).toMatchObject({
      status: 'FAILED',
      reason: 'INTERRUPTED_REPEATEDLY',
      attempt: 2,
    });
    expect(emitted).toEqual([
      expect.objectContaining({ documentId: ID, attempt: 2, reason: 'INTERRUPTED_REPEATEDLY' }),
    ]);
  });

  it('leaves alone an entry whose failure was recorded after the pass listed it', async () => {
    // Prepare: listed while PROCESSING; RecordFailure wrote NOT_PDF before the execution ended.
    const ledger = memoryLedger();
    const listedWhileRunning = processingEntry();
    ledger.entries.set(ID, {
      ...listedWhileRunning,
      status: 'FAILED',
      reason: 'NOT_PDF',
      statusAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      revision: 3,
    });
    const stale = {
      ...ledger,
      listByStatus: async (status: string) => (status === 'PROCESSING' ? [listedWhileRunning] : []),
    };
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    executions({ '': { status: 'FAILED' } });
    // Act
    const summary = await reconcile(deps(stale), settings, NOW);
    // Assess
    expect(summary).toMatchObject({ restarted: 0, recorded: 0, waiting: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(ledger.entries.get(ID)).toMatchObject({ status: 'FAILED', reason: 'NOT_PDF' });
  });

  it('never starts attempt 0 again for an entry a task already marked PROCESSING', async () => {
    const ledger = memoryLedger();
    ledger.entries.set(ID, processingEntry());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: NOW });
    const outcome = await admitUpload(
      { ledger, sfn: new SFNClient({ region: 'us-east-1' }), stateMachineArn: ARN },
      {
        documentId: ID,
        object: {
          bucket: BUCKET,
          key: 'incoming/a.pdf',
          versionId: null,
          etag: 'e1',
          size: 10,
          sequencer: null,
        },
        receivedAt: EARLIER,
        classification: { kind: 'document' },
      },
    );
    expect(outcome).toBe('duplicate');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
