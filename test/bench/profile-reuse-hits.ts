/**
 * What `npm run bench:profile` measures beside the usage profile: the reuse
 * (hit) path of ADR 40, timed and counted apart on identical-bytes copies of
 * documents the profiled run remembered, and the admission check that the
 * profiled run met no quota; plus the execution-history reader both use.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TASK_FUNCTIONS } from '#local/stack.ts';
import type { Counted } from './request-counter.ts';

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Every history event of one execution. */
export const executionHistory = async (
  sfn: SFNClient,
  executionArn: string,
): Promise<HistoryEvent[]> => {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
};

/** States an execution entered, in order. */
const statesEntered = (events: readonly HistoryEvent[]): string[] =>
  events.flatMap((e) =>
    e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [],
  );

/**
 * Admission as the profiled run met it, from admit-model-call's log: a
 * deferred call, a readmission or an opened breaker means the quota was
 * reached, and the run would price waits and retries as every document's.
 */
export const admissionSummary = (logText: string) => {
  const records = logText
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const decisions = records.filter((r) => r.message === 'Model call admission');
  const waits = decisions.map((r) => Number(r.waitMs ?? 0));
  return {
    decisions: decisions.length,
    deferred: decisions.filter((r) => r.admitted !== true).length,
    breakerOpened: records.filter((r) => r.message === 'Model circuit breaker opened').length,
    maxWaitMs: round(Math.max(0, ...waits), 1),
  };
};

/** What a stack offers the hit measurement (the profiled run's own stack). */
export interface HitRun {
  readonly sfn: SFNClient;
  readonly dynamodb: { send(command: ScanCommand): Promise<{ Items?: unknown[] }> };
  readonly reuseTable: string;
  /** Uploads bytes under a key and resolves with its execution once it has ended. */
  upload(key: string, pdf: Uint8Array): Promise<{ readonly arn: string }>;
  /** Counts requests until the returned function is called. */
  count(): () => Counted[];
}

/**
 * Uploads `count` identical copies of remembered documents under new keys,
 * one at a time, and reports per hit: the states entered, the requests by
 * service and operation (DynamoDB by table), and the task durations.
 */
export const measureReuseHits = async (
  run: HitRun,
  documents: ReadonlyArray<{ readonly documentId: string; readonly pdf: Uint8Array }>,
  count: number,
) => {
  const scanned = await run.dynamodb.send(new ScanCommand({ TableName: run.reuseTable }));
  const remembered = new Set(
    (scanned.Items ?? []).map((item) => String((item as { documentId?: unknown }).documentId)),
  );
  const sources = documents.filter((d) => remembered.has(d.documentId)).slice(0, count);
  if (sources.length < count) {
    throw new Error(`only ${sources.length} remembered documents to copy, ${count} wanted`);
  }
  const stop = run.count();
  const arns: string[] = [];
  for (const [index, source] of sources.entries()) {
    const key = `incoming/profile-copies/${String(index + 1).padStart(4, '0')}.pdf`;
    arns.push((await run.upload(key, source.pdf)).arn);
  }
  const counted = stop();

  const stateLists: string[][] = [];
  const historyEvents: number[] = [];
  const taskFunction = new Map<string, string>(Object.entries(TASK_FUNCTIONS));
  const functions = new Set<string>();
  for (const arn of arns) {
    const events = await executionHistory(run.sfn, arn);
    historyEvents.push(events.length);
    const states = statesEntered(events);
    stateLists.push(states);
    for (const state of states) {
      const fn = taskFunction.get(state);
      if (fn) functions.add(fn);
    }
  }
  const reused = stateLists.filter((s) => s.includes('ReuseEarlierExtraction')).length;
  if (reused !== sources.length) {
    throw new Error(`${sources.length - reused} of ${sources.length} copies called the model`);
  }
  const perHit = (n: number) => round(n / sources.length);
  const requests: Record<string, number> = {};
  for (const c of counted) {
    const label =
      c.service === 'DynamoDB'
        ? `DynamoDB ${c.operation} ${c.table?.replace(/^medextract-local-/, '') ?? '?'}`
        : c.service === 'S3'
          ? `S3 ${c.operation} ${c.prefix ?? '?'}`
          : `${c.service} ${c.operation}`;
    requests[label] = (requests[label] ?? 0) + (c.units ?? 1);
  }
  return {
    hits: sources.length,
    statesEntered: stateLists[0] ?? [],
    transitionsPerHit: perHit(stateLists.reduce((s, x) => s + x.length, 0)),
    historyEventsPerHit: perHit(historyEvents.reduce((a, b) => a + b, 0)),
    functionsInvoked: [...functions].sort(),
    /** DynamoDB entries are request units (a transaction item counts two). */
    requestsPerHit: Object.fromEntries(
      Object.entries(requests)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, perHit(v)]),
    ),
  };
};
