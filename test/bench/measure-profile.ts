/**
 * Measures the usage profile the cost model prices: runs synthetic documents
 * through a local stack in a temporary data folder, counts every AWS request
 * the pipeline sends (by service, operation, table and S3 prefix), reads task
 * durations from execution history, log lines and EMF bytes from the captured
 * logs, item sizes from the tables, and output tokens per prompt version from
 * the rule-based extractor (not a language model). Every document has its own
 * bytes, so the profile is the model-call (miss) path; `--hits n` identical
 * copies are measured after it as the reuse path and reported on stderr. Writes
 * `core/costing/measured-profile.ts`: `npm run bench:profile [-- --docs n] [--hits n] [--print]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { physicalName, TABLES } from '#contracts/resources.ts';
import type { UsageProfile } from '#core/costing/usage-profile.ts';
import { documentIdFor } from '#core/extraction/document-id.ts';
import { estimateTokens, renderPrompt } from '#core/prompts/render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';
import { lambdaContext } from '#local/lambda-invoke.ts';
import {
  importHandler,
  LOCAL_STAGE,
  type LocalStack,
  startLocalStack,
  TASK_FUNCTIONS,
} from '#local/stack.ts';
import type { LocalCapacity } from '#local/stack-capacity.ts';
import { subscriptionEvent } from '#test/helpers/logs-subscription.ts';
import { admissionSummary, executionHistory, measureReuseHits } from './profile-reuse-hits.ts';
import { type Counted, type CountedService, countRequests } from './request-counter.ts';

const argValue = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const DOCS = Number(argValue('--docs') ?? 40);
const PRINT_ONLY = process.argv.includes('--print');
const SEED = 'cost-profile';
/** Same prompt cache TTL as the dev stage, so alias reads are amortised as on AWS. */
const PROMPT_CACHE_TTL_SECONDS = 30;
/** Requests the Lambda event source makes, priced separately from the documents' own. */
const POLLING_OPERATIONS = new Set([
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'GetQueueAttributes',
]);

const push = (into: Record<string, number[]>, key: string, value: number): void => {
  const list = into[key] ?? [];
  list.push(value);
  into[key] = list;
};
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

const progress = (step: string): void => {
  process.stderr.write(`[profile] ${step}\n`);
};
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Capacity of the measured run: the prod stage's quota and admission, which
 * a one-document-at-a-time run never reaches, so admission runs (its slot
 * reservation is counted) and admits every document at once, as on AWS below
 * the quota. The dev quota paces 2.2.0's calls to about one per 6 s and its
 * stand-in throttles them, so its waits, readmissions and breaker cool-downs
 * would be priced as if every document met a saturated quota.
 */
const PROFILE_CAPACITY: LocalCapacity = { stage: 'prod' };
/** Identical-bytes copies of remembered documents, measured apart as the reuse (hit) path. */
const REUSE_HITS = Number(argValue('--hits') ?? 5);
/** Longest a single document may take before the run gives up on it. */
const DOCUMENT_DEADLINE_MS = 180_000;

/** Resolves when each execution has ended (its record written), from the stack's own events. */
const executionWaiter = (stack: LocalStack) => {
  const ended = new Set<string>();
  const waiting = new Map<string, () => void>();
  const unsubscribe = stack.onExecutionEnded((arn) => {
    ended.add(arn);
    waiting.get(arn)?.();
  });
  const waitFor = (arn: string, label: string): Promise<void> =>
    ended.has(arn)
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            waiting.delete(arn);
            reject(new Error(`${label} did not end within ${DOCUMENT_DEADLINE_MS / 1000} s`));
          }, DOCUMENT_DEADLINE_MS);
          waiting.set(arn, () => {
            clearTimeout(timer);
            waiting.delete(arn);
            resolve();
          });
        });
  return { waitFor, stop: unsubscribe };
};

interface Uploaded {
  readonly key: string;
  readonly documentId: string;
  readonly pdf: Uint8Array;
  readonly versionId?: string;
  readonly etag?: string;
  readonly arn: string;
}

const dir = await mkdtemp(join(tmpdir(), 'medextract-profile-'));
try {
  // 1. Documents, their text, and output tokens per version (in process, no stack).
  const documents = [];
  for (let i = 0; i < DOCS; i += 1) {
    const type = CORPUS_DOCUMENT_TYPES[i % CORPUS_DOCUMENT_TYPES.length] ?? 'office_note';
    documents.push(await generateDocument(SEED, i + 1, type));
  }
  const registry = bundledPrompts();
  const outputTokens: Record<string, number[]> = {};
  const charsPerPage: number[] = [];
  const bytesPerPage: number[] = [];
  for (const document of documents) {
    const { text, pageCount } = await inspectPdf(document.pdf);
    charsPerPage.push(text.length / pageCount);
    bytesPerPage.push(document.pdf.byteLength / pageCount);
    for (const version of registry.versions()) {
      const rendered = renderPrompt(registry.get(version), text);
      const extraction = extractFromPrompt({
        userText: rendered.user,
        inputSchema: rendered.inputSchema,
      });
      push(outputTokens, version, estimateTokens(JSON.stringify(extraction)));
    }
  }

  progress(`generated ${DOCS} documents`);
  // 2. The local stack, and a counter on every outgoing HTTP request.
  const stack = await startLocalStack({
    dataDir: dir,
    ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
    promptCacheTtlSeconds: PROMPT_CACHE_TTL_SECONDS,
    capacity: PROFILE_CAPACITY,
  });
  progress(`stack ready in ${stack.startupMs} ms`);
  const ports = new Map<string, CountedService>([
    [new URL(stack.endpoints.s3).port, 'S3'],
    [new URL(stack.endpoints.dynamodb).port, 'DynamoDB'],
    [new URL(stack.endpoints.stepfunctions).port, 'StepFunctions'],
    [new URL(stack.endpoints.bedrock).port, 'Bedrock'],
  ]);
  const executions = executionWaiter(stack);
  /** Uploads one document and resolves when its execution has ended. */
  const uploadAndWait = async (key: string, pdf: Uint8Array): Promise<Uploaded> => {
    const upload = { Bucket: stack.bucket, Key: key, Body: pdf, ContentType: 'application/pdf' };
    const put = await stack.clients.s3.send(new PutObjectCommand(upload));
    const version = {
      ...(put.VersionId ? { versionId: put.VersionId } : {}),
      ...(put.ETag ? { etag: put.ETag } : {}),
    };
    const documentId = documentIdFor({ bucket: stack.bucket, key, ...version });
    const arn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${documentId}`;
    // One document at a time, so task durations are not inflated by the others.
    await executions.waitFor(arn, `the execution of ${key}`);
    return { key, documentId, pdf, ...version, arn };
  };
  const counter = countRequests(ports);

  const started = Date.now();
  counter.start();
  const uploaded: Uploaded[] = [];
  try {
    for (const [index, document] of documents.entries()) {
      const key = `incoming/profile/${String(index + 1).padStart(4, '0')}.pdf`;
      uploaded.push(await uploadAndWait(key, document.pdf));
    }
    progress('uploaded');
    await stack.settle();
    progress('settled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stack.settle();
    progress('settled again');
  } finally {
    counter.stop();
  }
  const counted = counter.stop();
  const notificationsSent = stack.notificationsSent(); // all of this new stack's
  const elapsedMs = Date.now() - started;

  // 3. Outcomes and task durations from execution history.
  const durations: Record<string, number[]> = {};
  const taskFunction = new Map<string, string>(Object.entries(TASK_FUNCTIONS));
  const historyEvents: number[] = [];
  let succeeded = 0;
  for (const item of uploaded) {
    const execution = await stack.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: item.arn }),
    );
    if (execution.status === 'SUCCEEDED') succeeded += 1;
    const events = await executionHistory(stack.clients.sfn, item.arn);
    historyEvents.push(events.length);
    let state = '';
    let scheduledAt = 0;
    for (const event of events) {
      const time = event.timestamp?.getTime() ?? 0;
      if (event.stateEnteredEventDetails?.name) state = event.stateEnteredEventDetails.name;
      if (event.type === 'TaskScheduled') scheduledAt = time;
      if (event.type === 'TaskSucceeded') {
        const fn = taskFunction.get(state);
        if (fn) push(durations, fn, time - scheduledAt);
      }
    }
  }
  if (succeeded !== uploaded.length) {
    throw new Error(`only ${succeeded} of ${uploaded.length} documents succeeded`);
  }

  progress('history read');
  const admitLog = await readFile(join(dir, 'logs', 'admit-model-call.log'), 'utf-8');
  const admission = admissionSummary(admitLog);
  if (admission.decisions < DOCS || admission.deferred > 0 || admission.breakerOpened > 0) {
    throw new Error(
      `admission met the quota (${JSON.stringify(admission)}): the profile would price waits and readmissions`,
    );
  }
  // 4. Starter and aggregator, timed in process after the counted run. The
  // starter meets ExecutionAlreadyExists, which costs the same one round trip.
  const starter = await importHandler('starter');
  for (const item of uploaded.slice(0, 10)) {
    const body = JSON.stringify({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: new Date().toISOString(),
          eventName: 'ObjectCreated:Put',
          s3: {
            s3SchemaVersion: '1.0',
            bucket: { name: stack.bucket, arn: `arn:aws:s3:::${stack.bucket}` },
            object: {
              key: encodeURIComponent(item.key).replace(/%2F/g, '/'),
              size: 1,
              ...(item.etag ? { eTag: item.etag.replaceAll('"', '') } : {}),
              ...(item.versionId ? { versionId: item.versionId } : {}),
              sequencer: '00',
            },
          },
        },
      ],
    });
    const event = {
      Records: [
        {
          messageId: `profile-${item.key}`,
          receiptHandle: 'profile',
          body,
          attributes: {},
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:medextract-local-ingest',
          awsRegion: 'us-east-1',
        },
      ],
    };
    const t0 = performance.now();
    await starter(event, lambdaContext('starter'));
    push(durations, 'starter', performance.now() - t0);
  }
  const emfLines = (await readFile(join(dir, 'logs', 'record-result.log'), 'utf-8'))
    .split('\n')
    .filter((line) => line.includes('"_aws"'));
  const aggregator = await importHandler('aggregator');
  for (const [index, message] of emfLines.slice(0, 10).entries()) {
    const event = subscriptionEvent([
      { id: `${Date.now()}${index}`, timestamp: Date.now(), message },
    ]);
    const t0 = performance.now();
    await aggregator(event, lambdaContext('aggregator'));
    push(durations, 'aggregator', performance.now() - t0);
  }

  // 5. Logs per function, EMF metric combinations, item sizes.
  const logs: UsageProfile['logs'] = {};
  const emfMetrics = new Set<string>();
  for (const fn of FUNCTION_NAMES) {
    const text = await readFile(join(dir, 'logs', `${fn}.log`), 'utf-8').catch(() => '');
    const lines = text.split('\n').filter((line) => line.length > 0);
    const emf = lines.filter((line) => line.includes('"_aws"'));
    const byteLength = (xs: string[]) => xs.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
    logs[fn] = {
      linesPerDocument: round(lines.length / DOCS),
      bytesPerDocument: round(byteLength(lines) / DOCS, 1),
      emfLinesPerDocument: round(emf.length / DOCS),
      emfBytesPerDocument: round(byteLength(emf) / DOCS, 1),
    };
    for (const line of emf) {
      const record: {
        _aws?: {
          CloudWatchMetrics?: Array<{ Dimensions?: string[][]; Metrics?: { Name: string }[] }>;
        };
        [k: string]: unknown;
      } = JSON.parse(line);
      for (const directive of record._aws?.CloudWatchMetrics ?? []) {
        for (const dims of directive.Dimensions ?? []) {
          const values = dims.map((d) => `${d}=${String(record[d])}`).join(',');
          for (const metric of directive.Metrics ?? []) emfMetrics.add(`${metric.Name}|${values}`);
        }
      }
    }
  }

  const dynamodb: UsageProfile['dynamodb'] = {};
  // Keyed by table suffix, as the stage's cost settings look tables up.
  for (const { suffix } of TABLES) {
    const table = physicalName(LOCAL_STAGE, suffix);
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack.clients.dynamodb.send(
        new ScanCommand({ TableName: table, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const ops = counted.filter((c) => c.service === 'DynamoDB' && c.table === table);
    const units = (xs: Counted[]) => xs.reduce((sum, c) => sum + (c.units ?? 1), 0);
    const writes = units(ops.filter((c) => /Put|Update|Delete|Write/.test(c.operation)));
    const reads = units(ops.filter((c) => /Get|Query|Scan/.test(c.operation)));
    dynamodb[suffix] = {
      writesPerDocument: round(writes / DOCS),
      readsPerDocument: round(reads / DOCS),
      itemBytes: round(mean(items.map((item) => JSON.stringify(item).length)), 0),
      itemsPerDocument: round(items.length / DOCS),
    };
  }
  const unattributed = counted.filter(
    (c) => c.service === 'DynamoDB' && !Object.values(stack.tables).includes(c.table ?? ''),
  );

  const s3 = counted.filter((c) => c.service === 'S3');
  const bytesByPrefix: Record<string, number> = {};
  for (const c of s3.filter((x) => x.method === 'PUT')) {
    const prefix = c.prefix ?? '?';
    bytesByPrefix[prefix] = round((bytesByPrefix[prefix] ?? 0) + c.bytes / DOCS, 1);
  }
  // S3's event notifications reach the queue without a request of ours; SQS bills each.
  const sqsSends =
    notificationsSent +
    counted.filter((c) => c.service === 'SQS' && !POLLING_OPERATIONS.has(c.operation)).length;

  const functions: UsageProfile['functions'] = {};
  const SCHEDULED: ReadonlySet<string> = new Set(['drift', 'reconciler']);
  for (const fn of FUNCTION_NAMES) {
    const measured = durations[fn] ?? [];
    functions[fn] =
      measured.length > 0
        ? { invocationsPerDocument: 1, durationMs: round(median(measured), 2), source: 'measured' }
        : {
            invocationsPerDocument: 0,
            durationMs: functions['record-result']?.durationMs ?? 20,
            source: 'assumed',
            note: SCHEDULED.has(fn)
              ? 'runs on a schedule, not per document: its invocations are not priced per document (its table traffic during the run is counted with the table)'
              : 'not on the success path; priced like record-result, which writes the same row and EMF',
          };
  }
  functions.starter = {
    invocationsPerDocument: 1,
    durationMs: functions.starter?.durationMs ?? 0,
    source: 'measured',
    note: 'one record per invocation: an upper bound, as batches of up to the batch size share one',
  };
  const aggregatorInvocations = logs.aggregator ? 1 / 100 : 0;
  functions.aggregator = {
    ...(functions.aggregator ?? { durationMs: 0, source: 'measured' }),
    invocationsPerDocument: aggregatorInvocations,
    source: 'measured',
    note: 'duration measured per delivery of one EMF event; CloudWatch Logs batches deliveries, priced as one per 100 documents',
  };
  const recordResult = functions['record-result'];
  if (functions['record-failure']?.source === 'assumed' && recordResult) {
    functions['record-failure'] = {
      ...functions['record-failure'],
      durationMs: recordResult.durationMs,
    };
  }

  const profile: UsageProfile = {
    measuredOn: new Date().toISOString().slice(0, 10),
    command: `npm run bench:profile -- --docs ${DOCS}`,
    documents: DOCS,
    meanPages: round(mean(documents.map((d) => d.pages))),
    pdfBytesPerPage: round(mean(bytesPerPage), 0),
    textCharsPerPage: round(mean(charsPerPage), 0),
    outputTokensByVersion: Object.fromEntries(
      Object.entries(outputTokens).map(([v, xs]) => [v, round(mean(xs), 0)]),
    ),
    functions,
    logs,
    s3: {
      putRequestsPerDocument: round(
        s3.filter((c) => c.operation === 'PUT' || c.operation === 'LIST' || c.operation === 'POST')
          .length / DOCS,
      ),
      getRequestsPerDocument: round(
        s3.filter((c) => c.operation === 'GET' || c.operation === 'HEAD').length / DOCS,
      ),
      bytesPerDocumentByPrefix: bytesByPrefix,
    },
    sqs: { sendRequestsPerDocument: round(sqsSends / DOCS) },
    dynamodb,
    historyEventsPerDocument: round(mean(historyEvents), 1),
    emfMetricsPerVersion: emfMetrics.size,
  };
  // 6. The reuse (hit) path, after every figure above was taken from the logs and tables.
  progress(`reuse: ${REUSE_HITS} identical copies`);
  const reuseHit =
    REUSE_HITS > 0
      ? await measureReuseHits(
          {
            sfn: stack.clients.sfn,
            dynamodb: stack.clients.dynamodb,
            reuseTable: stack.tables.reuse,
            upload: uploadAndWait,
            count: () => {
              const hits = countRequests(ports);
              hits.start();
              return () => hits.stop();
            },
          },
          uploaded,
          REUSE_HITS,
        )
      : null;
  executions.stop();
  await stack.stop();

  const summary = {
    elapsedMs,
    requestsByServiceAndOperation: Object.fromEntries(
      [...new Set(counted.map((c) => `${c.service} ${c.operation}`))].map((k) => [
        k,
        round(counted.filter((c) => `${c.service} ${c.operation}` === k).length / DOCS),
      ]),
    ),
    unattributedDynamoRequests: unattributed.length,
    admission,
    // The profile prices every document as a miss (distinct bytes, hit rate 0);
    // a hit's own traffic, measured on identical copies, for docs/cost.md.
    reuseHit,
  };
  process.stderr.write(`${JSON.stringify(summary, null, 2)}\n`);
  const text = `${[
    '/**',
    ' * The usage profile measured on the local stack (synthetic documents, the',
    ' * rule-based extractor standing in for Bedrock). Generated by',
    ` * \`${profile.command}\`; do not edit by hand, re-run it.`,
    ' */',
    "import type { UsageProfile } from './usage-profile.ts';",
    '',
    `export const MEASURED_PROFILE: UsageProfile = ${JSON.stringify(profile, null, 2)};`,
  ].join('\n')}\n`;
  if (PRINT_ONLY) {
    process.stdout.write(text);
  } else {
    const out = fileURLToPath(new URL('../../core/costing/measured-profile.ts', import.meta.url));
    await writeFile(out, text);
    // House formatting, so the generated file passes `npm run lint` as written.
    execFileSync(
      fileURLToPath(new URL('../../node_modules/.bin/biome', import.meta.url)),
      ['format', '--write', out],
      { stdio: 'ignore' },
    );
    process.stdout.write(`wrote ${out}\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
