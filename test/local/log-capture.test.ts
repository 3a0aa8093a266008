/**
 * Log capture: stdout attributed per function, log files, and EMF from
 * Powertools Metrics delivered in the CloudWatch Logs subscription shape.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createEventIdGenerator,
  decodeLogsSubscriptionEvent,
  installLogCapture,
  isEmfLine,
  type LogCapture,
  type LogsSubscriptionEvent,
} from '#local/log-capture.ts';
import { descriptorsOpenOn } from '#test/helpers/open-descriptors.ts';

describe('log capture', () => {
  let dataDir: string;
  let capture: LogCapture;
  let delivered: LogsSubscriptionEvent[];
  const originalWrite = process.stdout.write;

  beforeEach(() => {
    // Powertools prints EMF only outside dev mode (POWERTOOLS_DEV=true silences it).
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    dataDir = mkdtempSync(join(tmpdir(), 'medextract-logs-'));
    capture = installLogCapture({ dataDir, flushIntervalMs: 20 });
    delivered = [];
    capture.onEmf((event) => {
      delivered.push(event);
    });
  });

  afterEach(async () => {
    await capture.restore();
    vi.unstubAllEnvs();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers Powertools EMF as a gzip+base64 subscription event that decodes to the same EMF', async () => {
    // Prepare
    const metrics = new Metrics({ namespace: 'MedExtractTest', serviceName: 'starter' });
    metrics.setTimestamp(Date.now() - 1_000);
    metrics.addDimension('PromptVersion', 'v1.0.0');
    metrics.addMetric('Documents', MetricUnit.Count, 1);
    metrics.addMetric('LatencyMs', MetricUnit.Milliseconds, 42);
    const expected = metrics.serializeMetrics();

    // Act
    await capture.runAsFunction('starter', async () => {
      metrics.publishStoredMetrics();
      process.stdout.write('plain log line\n');
    });
    await capture.flush();

    // Assess
    expect(delivered).toHaveLength(1);
    const data = delivered[0]?.awslogs.data ?? '';
    const raw: unknown = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
    expect(raw).toMatchObject({
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup: '/aws/lambda/starter',
      subscriptionFilters: ['emf-to-aggregator'],
    });
    const payload = decodeLogsSubscriptionEvent({ awslogs: { data } });
    expect(payload.logStream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(payload.logEvents).toHaveLength(1);
    const [event] = payload.logEvents;
    expect(JSON.parse(event?.message ?? '{}')).toEqual(expected);
    expect(event?.id).toMatch(/^\d{56}$/);
    expect(event?.timestamp).toBeGreaterThan(0);
  });

  it('writes every captured line to the function log file and nothing outside runAsFunction', async () => {
    // Act
    await capture.runAsFunction('score', () => {
      process.stdout.write('first ');
      process.stdout.write(Buffer.from('line\nsecond line\n'));
      process.stdout.write('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"X":1}\npartial');
    });
    process.stdout.write('outside any function\n');
    await capture.flush();

    // Assess
    const file = readFileSync(join(dataDir, 'logs', 'score.log'), 'utf8');
    expect(file).toBe(
      'first line\nsecond line\n{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"X":1}\npartial\n',
    );
    expect(delivered).toHaveLength(1);
  });

  it('appends to the log file a capture before it left, and leaves no file open', async () => {
    // Prepare: a first capture writes and is restored, as a stopped stack is.
    await capture.runAsFunction('record-result', () => {
      process.stdout.write('from the first run\n');
    });
    await capture.restore();
    const logFile = join(dataDir, 'logs', 'record-result.log');
    const afterFirst = descriptorsOpenOn(logFile);
    capture = installLogCapture({ dataDir, flushIntervalMs: 20 });

    // Act
    await capture.runAsFunction('record-result', () => {
      process.stdout.write('from the second run\n');
    });
    await capture.flush();

    // Assess
    expect(readFileSync(logFile, 'utf8')).toBe('from the first run\nfrom the second run\n');
    expect(afterFirst).toEqual([]);
  });

  it('keeps functions apart: one subscription event per log group, ids unique', async () => {
    // Act
    await Promise.all([
      capture.runAsFunction('alpha', async () => {
        await new Promise((r) => setTimeout(r, 5));
        process.stdout.write('{"_aws":{"CloudWatchMetrics":[]},"A":1}\n');
      }),
      capture.runAsFunction('beta', async () => {
        process.stdout.write('{"_aws":{"CloudWatchMetrics":[]},"B":1}\n');
        process.stdout.write('{"_aws":{"CloudWatchMetrics":[]},"B":2}\n');
      }),
    ]);
    await capture.flush();

    // Assess
    const payloads = delivered
      .map(decodeLogsSubscriptionEvent)
      .sort((a, b) => a.logGroup.localeCompare(b.logGroup));
    expect(payloads.map((p) => [p.logGroup, p.logEvents.length])).toEqual([
      ['/aws/lambda/alpha', 1],
      ['/aws/lambda/beta', 2],
    ]);
    const ids = payloads.flatMap((p) => p.logEvents.map((e) => e.id));
    expect(new Set(ids).size).toBe(3);
  });

  it('delivers on the timer without an explicit flush, honouring a function filter', async () => {
    // Prepare
    const filtered: LogsSubscriptionEvent[] = [];
    capture.onEmf(
      (event) => {
        filtered.push(event);
      },
      { functionNames: ['other'] },
    );

    // Act
    await capture.runAsFunction('timed', () => {
      process.stdout.write('{"_aws":{"CloudWatchMetrics":[]},"T":1}\n');
    });
    await vi.waitFor(() => expect(delivered).toHaveLength(1), { timeout: 5_000 });

    // Assess
    expect(decodeLogsSubscriptionEvent(delivered[0] ?? { awslogs: { data: '' } }).logGroup).toBe(
      '/aws/lambda/timed',
    );
    expect(filtered).toHaveLength(0);
  });

  it('restores process.stdout.write and refuses a second installation meanwhile', async () => {
    // Act
    const second = () => installLogCapture();

    // Assess
    expect(second).toThrow(/LOG_CAPTURE_INSTALLED/);
    expect(process.stdout.write).not.toBe(originalWrite);
    await capture.restore();
    expect(process.stdout.write).toBe(originalWrite);
    capture = installLogCapture({ dataDir });
  });
});

describe('EMF detection and ids', () => {
  it('recognises EMF lines only', () => {
    expect(isEmfLine('{"_aws":{"CloudWatchMetrics":[{"Namespace":"N"}]},"M":1}')).toBe(true);
    expect(isEmfLine('{"_aws":{}}')).toBe(false);
    expect(isEmfLine('{"level":"INFO","message":"hi"}')).toBe(false);
    expect(isEmfLine('{not json')).toBe(false);
  });

  it('generates increasing 56-digit ids', () => {
    const next = createEventIdGenerator();
    const a = next(1_700_000_000_000);
    const b = next(1_700_000_000_000);
    expect(a).toMatch(/^\d{56}$/);
    expect(b > a).toBe(true);
  });
});
