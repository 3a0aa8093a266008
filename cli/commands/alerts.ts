/**
 * `medextract alerts`: runs the drift analyser (the same one the hourly drift
 * function runs on a deployed stage) over a stack's roll-ups and lists its
 * findings: prompt version, signal, baseline and current value, when the
 * change began. Exit 0 whether or not there are findings.
 */
import type { Command } from 'commander';
import type { ChartResult } from '#core/drift/index.ts';
import { type AlertsQuery, driftAlerts } from '#services/alerts.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';

interface AlertsFlags extends TargetFlags {
  readonly hour?: string;
  readonly baselineHours?: string;
  readonly monitorHours?: string;
  readonly minBaselineDocuments?: string;
  readonly all?: boolean;
}

const whole = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${flag} must be a whole number of at least 1, got '${text}'`);
  }
  return value;
};

const value = (chart: ChartResult, x: number | null): string | null => {
  if (x === null) return null;
  return chart.signal.endsWith('TokensPerDocument') ? x.toFixed(0) : x.toFixed(3);
};

const chartRow = (chart: ChartResult) => [
  chart.promptVersion ?? 'all documents',
  chart.signal,
  chart.direction,
  chart.status,
  chart.baselineDocuments,
  chart.monitorDocuments,
  value(chart, chart.baseline),
  value(chart, chart.current),
  chart.statistic.toFixed(2),
  chart.changeStartedAt,
];

export const registerAlerts = (program: Command): void => {
  withTargetOptions(
    program
      .command('alerts')
      .description('drift findings: the drift analyser over the hourly roll-ups')
      .option(
        '--hour <hour>',
        'UTC hour to evaluate, e.g. 2026-11-27T15 (default: the last complete hour)',
      )
      .option(
        '--baseline-hours <n>',
        'hours before the monitored window that define normal (default 168)',
      )
      .option('--monitor-hours <n>', 'hours the sequential test runs over (default 24)')
      .option(
        '--min-baseline-documents <n>',
        'skip a chart whose baseline has fewer documents (default 100)',
      )
      .option('--all', 'list every chart, not only findings'),
  ).action(async (flags: AlertsFlags) => {
    const baselineHours = whole('--baseline-hours', flags.baselineHours);
    const monitorHours = whole('--monitor-hours', flags.monitorHours);
    const minBaselineDocuments = whole('--min-baseline-documents', flags.minBaselineDocuments);
    const query: AlertsQuery = {
      ...(flags.hour ? { evaluatedHour: flags.hour } : {}),
      ...(baselineHours ? { baselineHours } : {}),
      ...(monitorHours ? { monitorHours } : {}),
      ...(minBaselineDocuments ? { minBaselineDocuments } : {}),
    };
    await withTarget(flags, async (target) => {
      const report = await driftAlerts(target, query);
      if (flags.json) {
        printJson(report);
        return;
      }
      const evaluated = report.charts.filter((c) => c.status === 'evaluated').length;
      process.stdout.write(
        `Drift at ${report.evaluatedHour}:00Z: baseline ${report.baselineHours[0]}..${report.baselineHours[1]}, ` +
          `monitored ${report.monitorHours[0]}..${report.monitorHours[1]}; ` +
          `${evaluated} of ${report.charts.length} charts evaluated (the rest lack baseline documents), ` +
          `threshold ${report.threshold.toFixed(2)}\n`,
      );
      const rows = flags.all ? report.charts : report.findings;
      if (rows.length === 0) {
        process.stdout.write('No drift findings.\n');
        return;
      }
      printTable(
        [
          'prompt version',
          'signal',
          'watching for',
          'status',
          'baseline docs',
          'monitored docs',
          'baseline',
          'current',
          'statistic',
          'change began',
        ],
        rows.map(chartRow),
      );
      if (flags.all) process.stdout.write(`${report.findings.length} finding(s).\n`);
    });
  });
};
