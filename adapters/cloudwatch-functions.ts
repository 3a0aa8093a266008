/**
 * Per-function figures of a deployed stage from CloudWatch: Lambda's own
 * metrics (GetMetricData: invocations, errors, throttles, duration
 * percentiles and trend, peak concurrent executions) and the functions'
 * REPORT log lines (Logs Insights: billed duration, memory size, max memory
 * used and its p99, cold starts, init percentiles and each init duration for
 * the cold-start histogram). Answers the same shape as the local runtime.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { FunctionFigures } from '#contracts/invocation-reports.ts';
import { initHistogram } from '#core/functions/init-histogram.ts';

/** One deployed function: its short name, physical name, log group and configured size. */
export interface DeployedFunction {
  readonly name: string;
  readonly physicalName: string;
  readonly logGroupName: string;
  readonly memorySizeMb: number;
}

export interface CloudWatchFunctionsOptions {
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly functions: readonly DeployedFunction[];
  /** Duration trend period, seconds (a multiple of 60); 300 by default. */
  readonly periodSeconds?: number;
  /** Wait between GetQueryResults polls, ms; 1000 by default. */
  readonly pollMs?: number;
  /** Polls before a query counts as timed out; 30 by default. */
  readonly maxPolls?: number;
}

export interface FiguresWindow {
  readonly from: Date;
  readonly to: Date;
}

/** The figures, plus whether the init rows hit the Logs Insights row limit. */
export interface CloudWatchFigures {
  readonly functions: FunctionFigures[];
  readonly initRowsTruncated: boolean;
}

/** Logs Insights reads at most 50 log groups per query and returns at most 10,000 rows. */
const MAX_LOG_GROUPS = 50;
const MAX_ROWS = 10_000;
/** GetMetricData takes at most 500 queries per call. */
const MAX_METRIC_QUERIES = 500;
/** Logs Insights reports memory in bytes of 1000 x 1000 per MB. */
const BYTES_PER_MB = 1_000_000;

export const REPORT_STATS_QUERY = [
  'filter @type = "REPORT"',
  '| stats count(*) as invocations, sum(@billedDuration) as billedMs, max(@memorySize) as memorySize, max(@maxMemoryUsed) as maxMemoryUsed, pct(@maxMemoryUsed, 99) as maxMemoryUsedP99, count(@initDuration) as coldStarts, pct(@initDuration, 50) as initP50, pct(@initDuration, 95) as initP95, pct(@initDuration, 99) as initP99 by @log',
].join('\n');

export const INIT_ROWS_QUERY = [
  'filter @type = "REPORT" and ispresent(@initDuration)',
  '| fields @log, @initDuration',
  '| sort @timestamp desc',
  `| limit ${MAX_ROWS}`,
].join('\n');

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const round2 = (value: number) => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `123456789012:/aws/lambda/name` -> `/aws/lambda/name`. */
const logGroupOf = (log: string): string => log.slice(log.indexOf(':') + 1);

export const cloudWatchFunctionFigures = (options: CloudWatchFunctionsOptions) => {
  const period = options.periodSeconds ?? 300;
  const pollMs = options.pollMs ?? 1000;
  const maxPolls = options.maxPolls ?? 30;

  const metricValues = async (
    queries: MetricDataQuery[],
    window: FiguresWindow,
  ): Promise<Map<string, { timestamps: Date[]; values: number[] }>> => {
    const out = new Map<string, { timestamps: Date[]; values: number[] }>();
    for (const part of chunk(queries, MAX_METRIC_QUERIES)) {
      let nextToken: string | undefined;
      do {
        const page = await options.cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: part,
            StartTime: window.from,
            EndTime: window.to,
            ScanBy: 'TimestampAscending',
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const result of page.MetricDataResults ?? []) {
          if (!result.Id) continue;
          const seen = out.get(result.Id) ?? { timestamps: [], values: [] };
          seen.timestamps.push(...(result.Timestamps ?? []));
          seen.values.push(...(result.Values ?? []));
          out.set(result.Id, seen);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return out;
  };

  const runQuery = async (
    queryString: string,
    logGroupNames: string[],
    window: FiguresWindow,
  ): Promise<ResultField[][]> => {
    const started = await options.logs.send(
      new StartQueryCommand({
        logGroupNames,
        startTime: Math.floor(window.from.getTime() / 1000),
        endTime: Math.ceil(window.to.getTime() / 1000),
        queryString,
        limit: MAX_ROWS,
      }),
    );
    if (!started.queryId) throw new Error('LOGS_QUERY_NOT_STARTED: StartQuery returned no id');
    for (let poll = 0; poll < maxPolls; poll += 1) {
      const answer = await options.logs.send(
        new GetQueryResultsCommand({ queryId: started.queryId }),
      );
      if (answer.status === 'Complete') return answer.results ?? [];
      if (answer.status !== 'Running' && answer.status !== 'Scheduled') {
        throw new Error(
          `LOGS_QUERY_${String(answer.status).toUpperCase()}: Logs Insights query ended ${answer.status}`,
        );
      }
      await sleep(pollMs);
    }
    throw new Error(`LOGS_QUERY_TIMEOUT: no result after ${maxPolls} polls`);
  };

  const rowsOf = async (queryString: string, window: FiguresWindow) => {
    const groups = options.functions.map((fn) => fn.logGroupName);
    const parts = await Promise.all(
      chunk(groups, MAX_LOG_GROUPS).map((names) => runQuery(queryString, names, window)),
    );
    return parts.flat().map((row) => {
      const fields = new Map<string, string>();
      for (const cell of row)
        if (cell.field && cell.value !== undefined) fields.set(cell.field, cell.value);
      return fields;
    });
  };

  return {
    async read(window: FiguresWindow): Promise<CloudWatchFigures> {
      const windowSeconds = Math.max(
        60,
        Math.ceil((window.to.getTime() - window.from.getTime()) / 1000 / 60) * 60,
      );
      const queries: MetricDataQuery[] = options.functions.flatMap((fn, i) => {
        const stat = (id: string, metricName: string, statName: string, seconds: number) => ({
          Id: `f${i}_${id}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: metricName,
              Dimensions: [{ Name: 'FunctionName', Value: fn.physicalName }],
            },
            Period: seconds,
            Stat: statName,
          },
          ReturnData: true,
        });
        return [
          stat('inv', 'Invocations', 'Sum', windowSeconds),
          stat('err', 'Errors', 'Sum', windowSeconds),
          stat('thr', 'Throttles', 'Sum', windowSeconds),
          stat('conc', 'ConcurrentExecutions', 'Maximum', windowSeconds),
          stat('p50', 'Duration', 'p50', windowSeconds),
          stat('p95', 'Duration', 'p95', windowSeconds),
          stat('p99', 'Duration', 'p99', windowSeconds),
          stat('sinv', 'Invocations', 'Sum', period),
          stat('sp50', 'Duration', 'p50', period),
          stat('sp95', 'Duration', 'p95', period),
        ];
      });
      const [metrics, statsRows, initRows] = await Promise.all([
        metricValues(queries, window),
        rowsOf(REPORT_STATS_QUERY, window),
        rowsOf(INIT_ROWS_QUERY, window),
      ]);
      const statsByGroup = new Map(
        statsRows.map((row) => [logGroupOf(row.get('@log') ?? ''), row]),
      );
      const initsByGroup = new Map<string, number[]>();
      for (const row of initRows) {
        const group = logGroupOf(row.get('@log') ?? '');
        const value = Number(row.get('@initDuration'));
        if (Number.isFinite(value))
          initsByGroup.set(group, [...(initsByGroup.get(group) ?? []), value]);
      }
      const total = (id: string) =>
        (metrics.get(id)?.values ?? []).reduce((sum, value) => sum + value, 0);
      const single = (id: string) => metrics.get(id)?.values[0];

      const functions = options.functions.map((fn, i): FunctionFigures => {
        const stats = statsByGroup.get(fn.logGroupName);
        const num = (field: string): number | undefined => {
          const raw = stats?.get(field);
          const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
          return Number.isFinite(value) ? value : undefined;
        };
        const p50 = single(`f${i}_p50`);
        const p95 = single(`f${i}_p95`);
        const p99 = single(`f${i}_p99`);
        const initP50 = num('initP50');
        const initP95 = num('initP95');
        const initP99 = num('initP99');
        const seriesInv = metrics.get(`f${i}_sinv`);
        const sp50 = metrics.get(`f${i}_sp50`);
        const sp95 = metrics.get(`f${i}_sp95`);
        const at = (series: typeof sp50, when: Date) =>
          series?.values[series.timestamps.findIndex((t) => t.getTime() === when.getTime())];
        const maxMemoryUsed = num('maxMemoryUsed');
        const maxMemoryUsedP99 = num('maxMemoryUsedP99');
        return {
          functionName: fn.name,
          invocations: Math.round(total(`f${i}_inv`)),
          errors: Math.round(total(`f${i}_err`)),
          coldStarts: Math.round(num('coldStarts') ?? 0),
          durationMs:
            p50 === undefined || p95 === undefined || p99 === undefined
              ? null
              : { p50: round2(p50), p95: round2(p95), p99: round2(p99) },
          billedDurationMsTotal: Math.round(num('billedMs') ?? 0),
          initDurationMs:
            initP50 === undefined || initP95 === undefined || initP99 === undefined
              ? null
              : { p50: round2(initP50), p95: round2(initP95), p99: round2(initP99) },
          memorySizeMb: Math.round(
            (num('memorySize') ?? fn.memorySizeMb * BYTES_PER_MB) / BYTES_PER_MB,
          ),
          maxMemoryUsedMb: Math.round((maxMemoryUsed ?? 0) / BYTES_PER_MB),
          maxMemoryUsedP99Mb:
            maxMemoryUsedP99 === undefined ? null : round2(maxMemoryUsedP99 / BYTES_PER_MB),
          initHistogram: initHistogram(initsByGroup.get(fn.logGroupName) ?? []),
          throttles: Math.round(total(`f${i}_thr`)),
          peakConcurrentExecutions:
            single(`f${i}_conc`) === undefined ? null : Math.round(single(`f${i}_conc`) ?? 0),
          series: (seriesInv?.timestamps ?? []).map((when, k) => ({
            minute: when.toISOString(),
            invocations: Math.round(seriesInv?.values[k] ?? 0),
            p50: round2(at(sp50, when) ?? 0),
            p95: round2(at(sp95, when) ?? 0),
          })),
        };
      });
      return { functions, initRowsTruncated: initRows.length >= MAX_ROWS };
    },
  };
};

export type CloudWatchFunctionFigures = ReturnType<typeof cloudWatchFunctionFigures>;
