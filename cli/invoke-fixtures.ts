/**
 * What each fixture in `events/` is for when `medextract invoke` runs it:
 * the function it is an event of, and what it needs on the stack beyond the
 * event itself. Fixtures that name a document refer to one fixed synthetic
 * document (`aps 0001+final.pdf` at a fixed object version) that a fresh
 * stack does not hold, so those steps answer as they would for a missing
 * object; the note says so instead of leaving a bare NoSuchKey.
 */
import type { FunctionName } from '#contracts/functions.ts';
import type { EventName } from '#events/index.ts';

export interface FixtureUse {
  /** The function whose event it is; null for an input that is no handler's event. */
  readonly fn: FunctionName | null;
  /** What the handler needs beyond the event; null when it runs on any running stack. */
  readonly needs: string | null;
}

const FIXED_DOCUMENT =
  'the fixture names a fixed synthetic document that a fresh stack does not hold';

export const FIXTURE_USES: Readonly<Record<EventName, FixtureUse>> = {
  'sqs/s3-object-created': { fn: 'starter', needs: null },
  'sqs/s3-test-event': { fn: 'starter', needs: null },
  's3/object-created': {
    fn: null,
    needs:
      'an S3 notification as it arrives in the ingest queue: the starter takes it wrapped in SQS (sqs/s3-object-created)',
  },
  's3/test-event': {
    fn: null,
    needs: "S3's test notification: the starter takes it wrapped in SQS (sqs/s3-test-event)",
  },
  'tasks/execution-input': {
    fn: null,
    needs:
      "the state machine's input, not a handler event: start an execution with it (aws stepfunctions start-execution --input file://events/tasks/execution-input.json)",
  },
  'tasks/load-document': {
    fn: 'load-document',
    needs: `a ledger entry for the event's documentId (the starter writes it) and the PDF it names; ${FIXED_DOCUMENT}, so it fails UnknownDocument. Run \`medextract process\` on a PDF and invoke with an event naming that document to see it succeed`,
  },
  'tasks/select-variant': { fn: 'select-variant', needs: null },
  'apigateway/http-api-prompt-versions': {
    fn: null,
    needs:
      'an API Gateway event for the HTTP API, whose Lambda entry is not a pipeline function: the API runs in `npm start` on 127.0.0.1:8000',
  },
  'apigateway/http-api-compare-invalid': {
    fn: null,
    needs:
      'an API Gateway event for the HTTP API, whose Lambda entry is not a pipeline function: the API runs in `npm start` on 127.0.0.1:8000',
  },
  'tasks/invoke-model': {
    fn: 'invoke-model',
    needs: `the document text at the event's textUri, which load-document writes; ${FIXED_DOCUMENT}, so it fails NoSuchKey`,
  },
  'tasks/score': {
    fn: 'score',
    needs: `the extraction at the event's outputUri, which invoke-model writes; ${FIXED_DOCUMENT}, so it fails NoSuchKey`,
  },
  'tasks/record-result': {
    fn: 'record-result',
    needs: `the score and extraction the earlier steps write for the event's document; ${FIXED_DOCUMENT}, so it fails NoSuchKey`,
  },
  'tasks/record-failure': { fn: 'record-failure', needs: null },
  'logs/emf-subscription': { fn: 'aggregator', needs: null },
  'drift/scheduled': { fn: 'drift', needs: null },
  'reconciler/scheduled': { fn: 'reconciler', needs: null },
};

/** One line per fixture for `--help`: name, function, and whether it runs as is. */
export const fixtureHelp = (): string =>
  Object.entries(FIXTURE_USES)
    .map(
      ([name, use]) =>
        `  ${name.padEnd(24)} ${(use.fn ?? '(no function)').padEnd(15)} ${use.needs === null ? 'runs on any running stack' : 'see its note when it fails'}`,
    )
    .join('\n');
