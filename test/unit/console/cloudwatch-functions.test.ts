/**
 * The CloudWatch source of the Functions page against a local HTTP server
 * that speaks the services' own wire protocols: CloudWatch's awsJson1_0
 * GetMetricData (with a NextToken page) and CloudWatch Logs' awsJson1_1
 * StartQuery / GetQueryResults (Running before Complete), through the real
 * SDK clients, signing and serialisation included; a failed query ends in a
 * reason code.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudWatchFunctionFigures, INIT_ROWS_QUERY } from '#adapters/cloudwatch-functions.ts';
import { cloudWatchFunctionsAnswer } from '#services/functions-report.ts';
import {
  type CloudWatchServer,
  epoch,
  startCloudWatchServer,
} from '#test/helpers/cloudwatch-protocol-server.ts';

const FROM = new Date('2026-12-01T10:00:00Z');
const TO = new Date('2026-12-01T13:00:00Z');

let cw: CloudWatchServer;
beforeAll(async () => {
  cw = await startCloudWatchServer();
});
afterAll(() => cw.close());

const reader = () => {
  const config = {
    endpoint: cw.endpoint,
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
    cw.calls.length = 0;
    cw.polls.clear();
    cw.failQueries = false;

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
    const metricCalls = cw.calls.filter((c) => c.target.endsWith('GetMetricData'));
    expect(metricCalls).toHaveLength(2);
    expect(metricCalls[0]?.contentType).toBe('application/x-amz-json-1.0');
    expect(metricCalls[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/monitoring\/aws4_request/,
    );
    expect(metricCalls[0]?.body).toMatchObject({
      StartTime: epoch('2026-12-01T10:00:00Z'),
      EndTime: epoch('2026-12-01T13:00:00Z'),
    });
    const starts = cw.calls.filter((c) => c.target === 'Logs_20140328.StartQuery');
    expect(starts.map((c) => c.body)).toEqual([
      expect.objectContaining({
        logGroupNames: ['/aws/lambda/medextract-dev-score', '/aws/lambda/medextract-dev-drift'],
        startTime: epoch('2026-12-01T10:00:00Z'),
        endTime: epoch('2026-12-01T13:00:00Z'),
      }),
      expect.objectContaining({ queryString: INIT_ROWS_QUERY }),
    ]);
    expect(starts[0]?.contentType).toBe('application/x-amz-json-1.1');
    expect(cw.calls.filter((c) => c.target === 'Logs_20140328.GetQueryResults')).toHaveLength(4);
  });

  it('answers the Functions page with recommendations priced over the window', async () => {
    // Prepare
    cw.calls.length = 0;
    cw.polls.clear();
    cw.failQueries = false;

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
    cw.polls.clear();
    cw.failQueries = true;

    // Act
    const reading = reader().read({ from: FROM, to: TO });

    // Assess
    await expect(reading).rejects.toThrow(/^LOGS_QUERY_FAILED:/);
  });
});
