/**
 * Drift: run hourly by EventBridge Scheduler, reads the roll-ups of the
 * baseline and monitored windows, runs the drift analyser and emits its
 * findings as EMF metrics (the drift alarm watches them). Stateless: every
 * run recomputes from the roll-ups, so a missed run loses nothing.
 */
import * as z from 'zod/mini';
import { readStreams } from '#adapters/rollup-reader.ts';
import { METRICS_TABLE } from '#contracts/resources.ts';
import {
  addHours,
  analyseDrift,
  DEFAULT_DRIFT_SETTINGS,
  type DriftReport,
  isHourLabel,
  lastCompleteHour,
} from '#core/drift/index.ts';
import { dynamoDocumentClient } from '#functions/shared/clients/dynamodb.ts';
import { intEnv, requireEnv } from '#functions/shared/env.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { emitDriftMetrics, signalDimension } from './findings-metrics.ts';

const SEMVER = /^\d+\.\d+\.\d+$/;

const config = (() => {
  const versions = requireEnv('DRIFT_PROMPT_VERSIONS').split(',');
  for (const version of versions) {
    if (!SEMVER.test(version)) throw new Error('DRIFT_PROMPT_VERSIONS must list x.y.z versions');
  }
  return {
    table: requireEnv(METRICS_TABLE.envVar),
    promptVersions: versions,
    settings: {
      ...DEFAULT_DRIFT_SETTINGS,
      baselineHours: intEnv('DRIFT_BASELINE_HOURS', DEFAULT_DRIFT_SETTINGS.baselineHours),
      monitorHours: intEnv('DRIFT_MONITOR_HOURS', DEFAULT_DRIFT_SETTINGS.monitorHours),
      falseAlarmHoursPerYear: intEnv(
        'DRIFT_FALSE_ALARM_HOURS_PER_YEAR',
        DEFAULT_DRIFT_SETTINGS.falseAlarmHoursPerYear,
      ),
    },
  };
})();
const observability = createObservability('drift');
const { logger, metrics } = observability;

/** The scheduler's input; `evaluatedHour` re-runs a past hour (backfill, investigation). */
const EventSchema = z.object({
  evaluatedHour: z.optional(
    z.string().check(z.refine(isHourLabel, 'evaluatedHour must be an hour label YYYY-MM-DDTHH')),
  ),
});

export const handler = instrument(observability, async (event: unknown): Promise<DriftReport> => {
  const input = EventSchema.parse(event ?? {});
  const evaluatedHour = input.evaluatedHour ?? lastCompleteHour(Date.now());
  const { baselineHours, monitorHours } = config.settings;
  const fromHour = addHours(evaluatedHour, -(baselineHours + monitorHours - 1));
  const streams = await readStreams(
    dynamoDocumentClient(),
    config.table,
    config.promptVersions,
    fromHour,
    evaluatedHour,
  );
  const report = analyseDrift(streams, evaluatedHour, config.settings);
  emitDriftMetrics(metrics, report);
  logger.info('Drift analysed', {
    evaluatedHour,
    threshold: report.threshold,
    charts: report.charts.length,
    findings: report.findings.map((finding) => ({
      promptVersion: finding.promptVersion ?? 'all documents',
      signal: signalDimension(finding),
      statistic: finding.statistic,
      baseline: finding.baseline,
      current: finding.current,
      changeStartedAt: finding.changeStartedAt,
    })),
  });
  return report;
});
