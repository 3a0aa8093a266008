/**
 * The CloudWatch source of the Functions page against a local HTTP server
 * that speaks the services' own wire protocols: CloudWatch's awsJson1_0
 * GetMetricData (with a NextToken page) and CloudWatch Logs' awsJson1_1
 * StartQuery / GetQueryResults (Running before Complete), through the real
 * SDK clients, signing and serialisation included; a failed query ends in a
 * reason code.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cloudWatchFunctionFigures,
  INIT_ROWS_QUERY,
  REPORT_STATS_QUERY,
} from '#adapters/cloudwatch-functions.ts';
import { cloudWatchFunctionsAnswer } from '#services/functions-report.ts';

const FROM = new Date('2026-12-01T10:00:00Z');
const TO = new Date('2026-12-01T13:00:00Z');
const epoch = (iso: string) => Date.parse(iso) / 1000;

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

interface Call {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string;
  readonly contentType: string;
}

const calls: Call[] = [];
const polls = new Map<string, number>();
let server: Server;
let endpoint = '';
let failQueries = false;

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

const logs = (target: string, body: Record<string, unknown>) => {
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

beforeAll(async () => {
  server = createServer((req, res) => {
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
            ? logs(String(operation), body)
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
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const reader = () => {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  return cloudWatchFunctionFigures({
    cloudwatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    functions: [
      {
        name: 'score',
        physicalName: 'medextract-dev-score',
        logGroupName: '/aws/lambda/medextract-dev-score',
        memorySizeMb: 512,
      },
      {
        name: 'drift',
        physicalName: 'medextract-dev-drift',
        logGroupName: '/aws/lambda/medextract-dev-drift',
        memorySizeMb: 256,
      },
    ],
    pollMs: 5,
  });
};

describe('cloudWatchFunctionFigures', () => {
  it("reads metrics and REPORT-line figures into the local runtime's shape", async () => {
    // Prepare
    calls.length = 0;
    polls.clear();
    failQueries = false;

    // Act
    const { functions, initRowsTruncated } = await reader().read({ from: FROM, to: TO });

    // Assess
    const [score, drift] = functions;
    expect(score).toEqual({
      functionName: 'score',
      invocations: 1200,
      errors: 3,
      coldStarts: 4,
      durationMs: { p50: 41.26, p95: 180, p99: 420.5 },
      billedDurationMsTotal: 96000,
      initDurationMs: { p50: 310.4, p95: 655.1, p99: 655.1 },
      memorySizeMb: 512,
      maxMemoryUsedMb: 151,
      maxMemoryUsedP99Mb: 148.5,
      initHistogram: expect.any(Array),
      throttles: 2,
      peakConcurrentExecutions: 7,
      series: [
        { minute: '2026-12-01T10:00:00.000Z', invocations: 700, p50: 40, p95: 170 },
        { minute: '2026-12-01T10:05:00.000Z', invocations: 500, p50: 43, p95: 190 },
      ],
    });
    const nonEmpty = score?.initHistogram.filter((b) => b.count > 0);
    expect(nonEmpty).toEqual([
      { fromMs: 100, toMs: 200, count: 1 },
      { fromMs: 300, toMs: 500, count: 2 },
      { fromMs: 500, toMs: 750, count: 1 },
    ]);
    expect(drift).toMatchObject({
      invocations: 0,
      durationMs: null,
      initDurationMs: null,
      memorySizeMb: 256,
      maxMemoryUsedP99Mb: null,
      peakConcurrentExecutions: null,
      series: [],
    });
    expect(initRowsTruncated).toBe(false);
    // The wire: two GetMetricData pages, signed JSON 1.0; two Logs Insights queries, polled.
    const metricCalls = calls.filter((c) => c.target.endsWith('GetMetricData'));
    expect(metricCalls).toHaveLength(2);
    expect(metricCalls[0]?.contentType).toBe('application/x-amz-json-1.0');
    expect(metricCalls[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/monitoring\/aws4_request/,
    );
    expect(metricCalls[0]?.body).toMatchObject({
      StartTime: epoch('2026-12-01T10:00:00Z'),
      EndTime: epoch('2026-12-01T13:00:00Z'),
    });
    const starts = calls.filter((c) => c.target === 'Logs_20140328.StartQuery');
    expect(starts.map((c) => c.body)).toEqual([
      expect.objectContaining({
        logGroupNames: ['/aws/lambda/medextract-dev-score', '/aws/lambda/medextract-dev-drift'],
        startTime: epoch('2026-12-01T10:00:00Z'),
        endTime: epoch('2026-12-01T13:00:00Z'),
      }),
      expect.objectContaining({ queryString: INIT_ROWS_QUERY }),
    ]);
    expect(starts[0]?.contentType).toBe('application/x-amz-json-1.1');
    expect(calls.filter((c) => c.target === 'Logs_20140328.GetQueryResults')).toHaveLength(4);
  });

  it('answers the Functions page with recommendations priced over the window', async () => {
    // Prepare
    calls.length = 0;
    polls.clear();
    failQueries = false;

    // Act
    const answer = await cloudWatchFunctionsAnswer(reader(), 3, TO);

    // Assess: 148.5 MB x 1.3 = 193.05 MB -> 256 MB of 512; 96 billed s in 3 h.
    expect(answer.source).toBe('cloudwatch');
    expect(answer.window).toEqual({
      from: FROM.toISOString(),
      to: TO.toISOString(),
      seconds: 10800,
    });
    expect(answer.recommendations).toHaveLength(1);
    expect(answer.recommendations[0]).toMatchObject({
      functionName: 'score',
      action: 'lower',
      currentMemoryMb: 512,
      suggestedMemoryMb: 256,
      invocationsPerMonth: 292_000,
      // 96 s x 0.5 GB x 243.33 = 11,680 GB-s x 13.3334 = 155,734 µ$ + 292,000 x 0.2 µ$.
      monthlyCostMicroUsd: 214_134,
      monthlySavingMicroUsd: 77_867,
    });
  });

  it('ends a failed Logs Insights query with a reason code', async () => {
    // Prepare
    polls.clear();
    failQueries = true;

    // Act
    const reading = reader().read({ from: FROM, to: TO });

    // Assess
    await expect(reading).rejects.toThrow(/^LOGS_QUERY_FAILED:/);
  });
});
