/**
 * A local HTTP server that speaks CloudWatch's awsJson1_0 GetMetricData
 * (two pages, joined by a NextToken) and CloudWatch Logs' awsJson1_1
 * StartQuery / GetQueryResults (Running, then Complete), answering fixed
 * synthetic figures for `medextract-dev-score` over a 3-hour window, and
 * recording every call with its target, body, signature and content type.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INIT_ROWS_QUERY, REPORT_STATS_QUERY } from '#adapters/cloudwatch-functions.ts';

export const epoch = (iso: string) => Date.parse(iso) / 1000;

/** Each metric's datapoints by `<FunctionName>/<MetricName>/<Stat>/<Period>`. */
const DATAPOINTS: Record<string, Array<[string, number]>> = {
  'medextract-dev-score/Invocations/Sum/10800': [['2026-12-01T10:00:00Z', 1200]],
  'medextract-dev-score/Errors/Sum/10800': [['2026-12-01T10:00:00Z', 3]],
  'medextract-dev-score/Throttles/Sum/10800': [['2026-12-01T10:00:00Z', 2]],
  'medextract-dev-score/ConcurrentExecutions/Maximum/10800': [['2026-12-01T10:00:00Z', 7]],
  'medextract-dev-score/Duration/p50/10800': [['2026-12-01T10:00:00Z', 41.256]],
  'medextract-dev-score/Duration/p95/10800': [['2026-12-01T10:00:00Z', 180]],
  'medextract-dev-score/Duration/p99/10800': [['2026-12-01T10:00:00Z', 420.5]],
  'medextract-dev-score/Invocations/Sum/300': [
    ['2026-12-01T10:00:00Z', 700],
    ['2026-12-01T10:05:00Z', 500],
  ],
  'medextract-dev-score/Duration/p50/300': [
    ['2026-12-01T10:00:00Z', 40],
    ['2026-12-01T10:05:00Z', 43],
  ],
  'medextract-dev-score/Duration/p95/300': [
    ['2026-12-01T10:00:00Z', 170],
    ['2026-12-01T10:05:00Z', 190],
  ],
};

export interface Call {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string;
  readonly contentType: string;
}

const read = async (req: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const part of req) text += String(part);
  return text;
};

type MetricQuery = {
  Id: string;
  MetricStat: {
    Metric: { MetricName: string; Dimensions: Array<{ Value: string }> };
    Period: number;
    Stat: string;
  };
};

const getMetricData = (body: Record<string, unknown>) => {
  const queries = body.MetricDataQueries as MetricQuery[];
  // Two pages: the first half of the queries, then the rest behind a NextToken.
  const half = Math.ceil(queries.length / 2);
  const part = body.NextToken === 'page-2' ? queries.slice(half) : queries.slice(0, half);
  return {
    MetricDataResults: part.map((q) => {
      const key = `${q.MetricStat.Metric.Dimensions[0]?.Value}/${q.MetricStat.Metric.MetricName}/${q.MetricStat.Stat}/${q.MetricStat.Period}`;
      const points = DATAPOINTS[key] ?? [];
      return {
        Id: q.Id,
        Label: q.MetricStat.Metric.MetricName,
        StatusCode: 'Complete',
        Timestamps: points.map(([t]) => epoch(t)),
        Values: points.map(([, v]) => v),
      };
    }),
    ...(body.NextToken === 'page-2' ? {} : { NextToken: 'page-2' }),
    Messages: [],
  };
};

const cell = (field: string, value: string) => ({ field, value });
const STATS_ROWS = [
  [
    cell('@log', '123456789012:/aws/lambda/medextract-dev-score'),
    cell('invocations', '1200'),
    cell('billedMs', '96000'),
    cell('memorySize', '512000000'),
    cell('maxMemoryUsed', '151000000'),
    cell('maxMemoryUsedP99', '148500000'),
    cell('coldStarts', '4'),
    cell('initP50', '310.4'),
    cell('initP95', '655.1'),
    cell('initP99', '655.1'),
  ],
];
const INIT_ROWS = [120.5, 310.4, 330, 655.1].map((ms) => [
  cell('@log', '123456789012:/aws/lambda/medextract-dev-score'),
  cell('@initDuration', String(ms)),
  cell('@ptr', 'opaque'),
]);

const logs = (
  state: { polls: Map<string, number>; failQueries: boolean },
  target: string,
  body: Record<string, unknown>,
) => {
  const { polls, failQueries } = state;
  if (target === 'StartQuery') {
    const query = String(body.queryString);
    return {
      queryId:
        query === REPORT_STATS_QUERY ? 'q-stats' : query === INIT_ROWS_QUERY ? 'q-inits' : 'q-?',
    };
  }
  const id = String(body.queryId);
  const seen = (polls.get(id) ?? 0) + 1;
  polls.set(id, seen);
  if (failQueries) return { status: 'Failed', results: [] };
  if (seen === 1) return { status: 'Running', results: [] };
  return {
    status: 'Complete',
    results: id === 'q-stats' ? STATS_ROWS : id === 'q-inits' ? INIT_ROWS : [],
    statistics: { recordsMatched: 1200, recordsScanned: 2400, bytesScanned: 480000 },
  };
};

export interface CloudWatchServer {
  readonly endpoint: string;
  readonly calls: Call[];
  readonly polls: Map<string, number>;
  /** When true, every Logs Insights query ends `Failed`. */
  failQueries: boolean;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export const startCloudWatchServer = async (): Promise<CloudWatchServer> => {
  const calls: Call[] = [];
  const state = { polls: new Map<string, number>(), failQueries: false };
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      const [service, operation] = String(req.headers['x-amz-target']).split('.');
      const body = JSON.parse(text) as Record<string, unknown>;
      calls.push({
        target: `${service}.${operation}`,
        body,
        authorization: String(req.headers.authorization),
        contentType: String(req.headers['content-type']),
      });
      const answer =
        service === 'GraniteServiceVersion20100801' && operation === 'GetMetricData'
          ? getMetricData(body)
          : service === 'Logs_20140328'
            ? logs(state, String(operation), body)
            : undefined;
      if (!answer) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'unknown' }));
        return;
      }
      res.writeHead(200, {
        'content-type': `application/x-amz-json-${service === 'Logs_20140328' ? '1.1' : '1.0'}`,
        'x-amzn-requestid': 'local',
      });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    polls: state.polls,
    get failQueries() {
      return state.failQueries;
    },
    set failQueries(value: boolean) {
      state.failQueries = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
