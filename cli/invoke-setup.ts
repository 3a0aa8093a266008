/**
 * Puts on a local stack what a task fixture needs before `medextract invoke`
 * runs it: the fixture's synthetic document in the bucket, its RECEIVED
 * ledger entry, and the outputs of the steps before it, made by running
 * those steps' own handlers on that document. Idempotent: what is already
 * there is kept. Documents go under `fixtures/`, not `incoming/`, so putting
 * them starts no intake of their own.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { LedgerRepository } from '#adapters/ledger.ts';
import type { FunctionName } from '#contracts/functions.ts';
import { parseS3Uri } from '#contracts/s3-uri.ts';
import { documentFixturePath, type EventName, loadEvent } from '#events/index.ts';

/** A synthetic document a fixture names by its document id. */
export interface FixtureDocument {
  readonly documentId: string;
  /** Where the local stack keeps it (the ledger holds the key; events never do). */
  readonly key: string;
  readonly contentType: string;
  readonly bytes: () => Uint8Array;
}

const LoadDocumentEventSchema = z.object({
  documentId: z.string(),
  executionId: z.string(),
  attempt: z.number(),
});
const InvokeModelEventSchema = z.object({ documentId: z.string(), textUri: z.string() });
const ScoreEventSchema = z.object({ documentId: z.string(), outputUri: z.string() });
const RecordEventSchema = z.object({
  execution: z.object({ id: z.string() }),
  state: z.object({
    documentId: z.string(),
    attempt: z.number(),
    model: z.object({ outputUri: z.string() }).optional(),
  }),
});

const loadDocumentEvent = () => LoadDocumentEventSchema.parse(loadEvent('tasks/load-document'));
const failureEvent = () => RecordEventSchema.parse(loadEvent('tasks/record-failure'));

/** The attending physician statement the pipeline fixtures follow from load to record. */
export const APS_DOCUMENT: FixtureDocument = {
  documentId: loadDocumentEvent().documentId,
  key: 'fixtures/aps 0001+final.pdf',
  contentType: 'application/pdf',
  bytes: () => readFileSync(documentFixturePath('aps-0001.pdf')),
};

/** The upload the record-failure fixture fails: a text file named `.pdf`. */
export const NOT_PDF_DOCUMENT: FixtureDocument = {
  documentId: failureEvent().state.documentId,
  key: 'fixtures/referral letter.pdf',
  contentType: 'application/pdf',
  bytes: () =>
    new TextEncoder().encode('Referral letter: a synthetic test upload that is not a PDF.\n'),
};

/** Task fixtures whose local run this module prepares. */
export const PREPARED_FIXTURES = [
  'tasks/load-document',
  'tasks/invoke-model',
  'tasks/score',
  'tasks/record-result',
  'tasks/record-failure',
] as const satisfies readonly EventName[];
export type PreparedFixture = (typeof PREPARED_FIXTURES)[number];

export const isPreparedFixture = (name: EventName): name is PreparedFixture =>
  PREPARED_FIXTURES.some((candidate) => candidate === name);

export interface SetupDependencies {
  readonly s3: S3Client;
  readonly ledger: LedgerRepository;
  /** The stack's documents bucket. */
  readonly bucket: string;
  /** Runs a pipeline handler in this process, as the state machine's task would. */
  readonly run: (fn: FunctionName, event: unknown) => Promise<unknown>;
  readonly now?: () => Date;
}

/** What the stack does not hold the way the fixture expects; nothing is changed. */
export class FixtureSetupError extends Error {
  override readonly name = 'FixtureSetupError';
}

/** S3's ETag of a single-part upload: the hex MD5 of the bytes. */
const etagOf = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

const exists = async (s3: S3Client, uri: string): Promise<boolean> => {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) {
      return false;
    }
    throw error;
  }
};

/** The document in the bucket and its RECEIVED ledger entry; returns what it did. */
export const seedDocument = async (
  document: FixtureDocument,
  deps: SetupDependencies,
): Promise<string[]> => {
  const bytes = document.bytes();
  const etag = etagOf(bytes);
  const entry = await deps.ledger.get(document.documentId);
  if (
    entry &&
    (entry.bucket !== deps.bucket || entry.key !== document.key || entry.etag !== etag)
  ) {
    throw new FixtureSetupError(
      'the ledger holds another object for the fixture document id; start from a fresh data folder (delete .data/)',
    );
  }
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: document.key,
      Body: bytes,
      ContentType: document.contentType,
    }),
  );
  const done = ['put the fixture document in the bucket'];
  if (entry === undefined) {
    const at = (deps.now ?? (() => new Date()))().toISOString();
    await deps.ledger.record(document.documentId, {
      kind: 'received',
      at,
      documentId: document.documentId,
      object: {
        bucket: deps.bucket,
        key: document.key,
        // The local bucket keeps no versions: the object is named by its ETag, as intake does.
        versionId: null,
        etag,
        size: bytes.byteLength,
        sequencer: null,
      },
    });
    done.push('recorded it RECEIVED in the ledger');
  }
  return done;
};

const requireInBucket = (uri: string, bucket: string): void => {
  if (parseS3Uri(uri).bucket !== bucket) {
    throw new FixtureSetupError(
      `the fixture names bucket ${parseS3Uri(uri).bucket}, the stack's is ${bucket}`,
    );
  }
};

/** The document's text where the invoke-model fixture reads it, by running load-document. */
const ensureText = async (textUri: string, deps: SetupDependencies): Promise<string[]> => {
  requireInBucket(textUri, deps.bucket);
  if (await exists(deps.s3, textUri)) return [];
  const output = z
    .object({ textUri: z.string() })
    .parse(await deps.run('load-document', loadDocumentEvent()));
  if (output.textUri !== textUri) {
    throw new FixtureSetupError('load-document wrote the text elsewhere than the fixture reads it');
  }
  return ['ran load-document for the text'];
};

/** The extraction where the score and record-result fixtures read it, by running invoke-model. */
const ensureExtraction = async (outputUri: string, deps: SetupDependencies): Promise<string[]> => {
  requireInBucket(outputUri, deps.bucket);
  if (await exists(deps.s3, outputUri)) return [];
  const invoke = InvokeModelEventSchema.parse(loadEvent('tasks/invoke-model'));
  const done = await ensureText(invoke.textUri, deps);
  const output = z
    .object({ outputUri: z.string() })
    .parse(await deps.run('invoke-model', loadEvent('tasks/invoke-model')));
  if (output.outputUri !== outputUri) {
    throw new FixtureSetupError(
      'invoke-model wrote the extraction elsewhere than the fixture reads it',
    );
  }
  return [...done, 'ran invoke-model for the extraction'];
};

/**
 * Runs load-document on the not-PDF upload while its entry is RECEIVED, so the
 * ledger goes the way a real execution takes it and the fixture's error is
 * the one the step raises.
 */
const ensureFailed = async (deps: SetupDependencies): Promise<string[]> => {
  const entry = await deps.ledger.get(NOT_PDF_DOCUMENT.documentId);
  if (entry?.status !== 'RECEIVED') return [];
  const { execution, state } = failureEvent();
  const error = await deps
    .run('load-document', {
      documentId: state.documentId,
      executionId: execution.id,
      attempt: state.attempt,
    })
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  if (!(error instanceof Error) || error.name !== 'BadDocument' || error.message !== 'NOT_PDF') {
    throw new FixtureSetupError('load-document did not refuse the not-PDF upload as NOT_PDF');
  }
  return ['ran load-document, which refused it NOT_PDF'];
};

/** Puts in place what `fixture` needs on a local stack; returns what it did, in order. */
export const prepareFixture = async (
  fixture: PreparedFixture,
  deps: SetupDependencies,
): Promise<string[]> => {
  switch (fixture) {
    case 'tasks/load-document':
      return seedDocument(APS_DOCUMENT, deps);
    case 'tasks/invoke-model': {
      const { textUri } = InvokeModelEventSchema.parse(loadEvent(fixture));
      requireInBucket(textUri, deps.bucket);
      return [...(await seedDocument(APS_DOCUMENT, deps)), ...(await ensureText(textUri, deps))];
    }
    case 'tasks/score': {
      const { outputUri } = ScoreEventSchema.parse(loadEvent(fixture));
      requireInBucket(outputUri, deps.bucket);
      return [
        ...(await seedDocument(APS_DOCUMENT, deps)),
        ...(await ensureExtraction(outputUri, deps)),
      ];
    }
    case 'tasks/record-result': {
      const outputUri = RecordEventSchema.parse(loadEvent(fixture)).state.model?.outputUri;
      if (outputUri === undefined) throw new FixtureSetupError('the fixture names no extraction');
      requireInBucket(outputUri, deps.bucket);
      return [
        ...(await seedDocument(APS_DOCUMENT, deps)),
        ...(await ensureExtraction(outputUri, deps)),
      ];
    }
    case 'tasks/record-failure':
      return [...(await seedDocument(NOT_PDF_DOCUMENT, deps)), ...(await ensureFailed(deps))];
  }
};
