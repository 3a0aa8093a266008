/**
 * What each fixture in `events/` is for when `medextract invoke` runs it:
 * the function it is an event of, and what it needs on the stack beyond the
 * event itself. The task fixtures name a synthetic document by its id; on
 * a local stack `cli/invoke-setup.ts` puts it and the earlier steps' outputs
 * in place first, so they run as is. On a deployed stage nothing is put in
 * place and the note is printed instead.
 */
import type { FunctionName } from '#contracts/functions.ts';
import type { EventName } from '#events/index.ts';

export interface FixtureUse {
  /** The function whose event it is; null for an input that is no handler's event. */
  readonly fn: FunctionName | null;
  /** What the handler needs beyond the event; null when it runs on any running stack. */
  readonly needs: string | null;
  /** True when a local invoke puts what it needs in place before running it. */
  readonly prepared: boolean;
}

const LOCALLY = 'locally `medextract invoke` puts it in place first';

export const FIXTURE_USES: Readonly<Record<EventName, FixtureUse>> = {
  'sqs/s3-object-created': { fn: 'starter', needs: null, prepared: false },
  'sqs/s3-test-event': { fn: 'starter', needs: null, prepared: false },
  's3/object-created': {
    fn: null,
    needs:
      'an S3 notification as it arrives in the ingest queue: the starter takes it wrapped in SQS (sqs/s3-object-created)',
    prepared: false,
  },
  's3/test-event': {
    fn: null,
    needs: "S3's test notification: the starter takes it wrapped in SQS (sqs/s3-test-event)",
    prepared: false,
  },
  'tasks/execution-input': {
    fn: null,
    needs:
      "the state machine's input, not a handler event: start an execution with it (aws stepfunctions start-execution --input file://events/tasks/execution-input.json)",
    prepared: false,
  },
  'tasks/load-document': {
    fn: 'load-document',
    needs: `a ledger entry for the event's documentId naming a PDF the stack holds (events/documents/aps-0001.pdf); ${LOCALLY}, without it the step ends UnknownDocument or OBJECT_GONE`,
    prepared: true,
  },
  'tasks/select-variant': { fn: 'select-variant', needs: null, prepared: false },
  'tasks/admit-model-call': { fn: 'admit-model-call', needs: null, prepared: false },
  'apigateway/http-api-prompt-versions': {
    fn: null,
    needs:
      'an API Gateway event for the HTTP API, whose Lambda entry is not a pipeline function: the API runs in `npm start` on 127.0.0.1:8000',
    prepared: false,
  },
  'apigateway/http-api-compare-invalid': {
    fn: null,
    needs:
      'an API Gateway event for the HTTP API, whose Lambda entry is not a pipeline function: the API runs in `npm start` on 127.0.0.1:8000',
    prepared: false,
  },
  'tasks/invoke-model': {
    fn: 'invoke-model',
    needs: `the document text at the event's textUri, which load-document writes; ${LOCALLY} by running load-document on the fixture document, without it the step fails NoSuchKey`,
    prepared: true,
  },
  'tasks/score': {
    fn: 'score',
    needs: `the extraction at the event's outputUri, which invoke-model writes; ${LOCALLY} by running load-document and invoke-model, without it the step fails NoSuchKey`,
    prepared: true,
  },
  'tasks/record-result': {
    fn: 'record-result',
    needs: `the document's ledger entry and the extraction at the state's model.outputUri; ${LOCALLY} by running load-document and invoke-model, without them the step fails UnknownDocument or NoSuchKey`,
    prepared: true,
  },
  'tasks/record-failure': {
    fn: 'record-failure',
    needs: `the ledger entry of the event's document (an upload that is not a PDF), which gets the FAILED outcome; ${LOCALLY} and runs load-document on it, which refuses it NOT_PDF; without it only the result row is written`,
    prepared: true,
  },
  'logs/emf-subscription': { fn: 'aggregator', needs: null, prepared: false },
  'drift/scheduled': { fn: 'drift', needs: null, prepared: false },
  'reconciler/scheduled': { fn: 'reconciler', needs: null, prepared: false },
};

const helpLine = (use: FixtureUse): string => {
  if (use.fn === null) return 'not a handler event';
  if (use.prepared) return 'puts what it needs in place, then runs';
  return use.needs === null ? 'runs on any running stack' : 'see its note when it fails';
};

/** One line per fixture for `--help`: name, function, and whether it runs as is. */
export const fixtureHelp = (): string =>
  Object.entries(FIXTURE_USES)
    .map(
      ([name, use]) =>
        `  ${name.padEnd(36)} ${(use.fn ?? '(no function)').padEnd(15)} ${helpLine(use)}`,
    )
    .join('\n');
