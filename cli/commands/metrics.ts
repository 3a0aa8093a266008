/**
 * `medextract metrics show`: parses the flags, calls the metrics use case and
 * prints the readout: per prompt version (and over all documents),
 * volume, success, completeness, cost, tokens and latency percentiles since a
 * point in time, read from the hourly roll-ups the aggregator writes.
 */
import type { Command } from 'commander';
import { formatUsd } from '#core/extraction/cost.ts';
import { metricsSince, requireKnownVersion } from '#services/metrics.ts';
import { InvalidInputError } from '#services/service-error.ts';
import { parseSinceText } from '#services/time-window.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';

/**
 * `--since`: the metrics use cases' reading (an ISO time, or a duration back
 * from `now` such as `90m`, `24h` or `7d`); a bad value is a usage error here.
 */
export const parseSince = (text: string, now: Date = new Date()): Date => {
  try {
    return parseSinceText(text, now);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new UsageError(
      `--since must be an ISO time or a duration like 24h, 90m, 7d; got '${text}'`,
    );
  }
};

const fixed = (x: number | null, digits: number): string | null =>
  x === null ? null : x.toFixed(digits);

interface ShowFlags extends TargetFlags {
  readonly version?: string;
  readonly since: string;
}

export const registerMetrics = (program: Command): void => {
  const metrics = program
    .command('metrics')
    .description('pipeline metrics from the hourly roll-ups');

  withTargetOptions(
    metrics
      .command('show')
      .description('per prompt version: documents, success, completeness, cost, tokens, latency')
      .option('--version <version>', 'only this prompt version')
      .option('--since <when>', 'ISO time or duration back from now (24h, 90m, 7d)', '24h'),
  ).action(async (flags: ShowFlags) => {
    const since = parseSince(flags.since);
    // Checked before a stack is opened, so a wrong version fails fast.
    if (flags.version) requireKnownVersion(flags.version);
    await withTarget(flags, async (target) => {
      const report = await metricsSince(target, {
        since,
        ...(flags.version ? { version: flags.version } : {}),
      });
      const { versions: rows, all } = report;
      if (flags.json) {
        printJson(report);
        return;
      }
      process.stdout.write(`Since ${report.since.slice(0, -1)} UTC (hourly roll-ups)\n`);
      printTable(
        [
          'prompt version',
          'documents',
          'success',
          'review',
          'completeness',
          'all required',
          'cost/doc',
          'tokens in/out',
          'p50 ms',
          'p95 ms',
          'p99 ms',
        ],
        [...rows, all].map((m) => [
          m.version,
          m.documents,
          m.successRate === null ? null : `${(m.successRate * 100).toFixed(1)}%`,
          m.reviewRate === null ? null : `${(m.reviewRate * 100).toFixed(1)}%`,
          fixed(m.completenessMean, 3),
          m.allRequiredPresentRate === null
            ? null
            : `${(m.allRequiredPresentRate * 100).toFixed(1)}%`,
          m.costPerDocumentMicroUsd === null ? null : formatUsd(m.costPerDocumentMicroUsd),
          m.inputTokensMean === null
            ? null
            : `${fixed(m.inputTokensMean, 0)} / ${fixed(m.outputTokensMean, 0) ?? '-'}`,
          fixed(m.latencyMs?.p50 ?? null, 0),
          fixed(m.latencyMs?.p95 ?? null, 0),
          fixed(m.latencyMs?.p99 ?? null, 0),
        ]),
      );
      if (all.cacheHits > 0) {
        process.stdout.write(
          `Identical uploads that reused an earlier extraction (no model call): ${all.cacheHits}\n`,
        );
      }
      const failures = Object.entries(all.failedByReason);
      if (failures.length > 0) {
        process.stdout.write(
          `Failures by reason: ${failures.map(([r, n]) => `${r} ${n}`).join(', ')}\n`,
        );
      }
    });
  });
};
