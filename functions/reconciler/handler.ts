/**
 * Reconciler: on a schedule (EventBridge Scheduler on AWS; at start and
 * periodically in the local runtime) makes sure every upload under
 * `incoming/` reaches a ledger outcome, and publishes a metric per kind of
 * repair it had to make (an alarm watches their sum).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { LEDGER_TABLE } from '#contracts/resources.ts';
import { s3Client } from '#functions/shared/clients/s3.ts';
import { sfnClient } from '#functions/shared/clients/sfn.ts';
import { emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { intEnv, requireEnv, stringEnv } from '#functions/shared/env.ts';
import { ledger } from '#functions/shared/ledger.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { type ReconcileSummary, reconcile } from './reconciler.ts';

const config = {
  bucket: requireEnv('DOCUMENTS_BUCKET'),
  stateMachineArn: requireEnv('STATE_MACHINE_ARN'),
  ledgerTable: requireEnv(LEDGER_TABLE.envVar),
  versioned: stringEnv('DOCUMENTS_VERSIONED', 'true') === 'true',
  maxObjects: intEnv('RECONCILE_MAX_OBJECTS', 100_000),
  settings: {
    graceSeconds: intEnv('RECONCILE_GRACE_SECONDS', 900),
    executionTimeoutSeconds: intEnv('EXECUTION_TIMEOUT_SECONDS', 900),
  },
};
const observability = createObservability('reconciler');
const { logger, metrics } = observability;

/** Metric names, one per kind of repair, and their sum. */
export const RECONCILER_METRICS = {
  unrecorded: 'ReconcileUnrecorded',
  started: 'ReconcileStarted',
  restarted: 'ReconcileRestarted',
  recorded: 'ReconcileRecorded',
  repairs: 'ReconcileRepairs',
} as const;

const run = async (): Promise<ReconcileSummary> => {
  const summary = await reconcile(
    {
      s3: s3Client(),
      sfn: sfnClient(),
      ledger: ledger(),
      bucket: config.bucket,
      stateMachineArn: config.stateMachineArn,
      versioned: config.versioned,
      maxObjects: config.maxObjects,
      emitRecord: (outcome) => emitDocumentMetrics(metrics, outcome),
    },
    config.settings,
  );
  const repairs = summary.unrecorded + summary.started + summary.restarted + summary.recorded;
  metrics.addMetric(RECONCILER_METRICS.unrecorded, MetricUnit.Count, summary.unrecorded);
  metrics.addMetric(RECONCILER_METRICS.started, MetricUnit.Count, summary.started);
  metrics.addMetric(RECONCILER_METRICS.restarted, MetricUnit.Count, summary.restarted);
  metrics.addMetric(RECONCILER_METRICS.recorded, MetricUnit.Count, summary.recorded);
  metrics.addMetric(RECONCILER_METRICS.repairs, MetricUnit.Count, repairs);
  metrics.publishStoredMetrics();
  (repairs > 0 ? logger.warn : logger.info).call(logger, 'Reconciliation pass', { ...summary });
  return summary;
};

export const handler = instrument(observability, run);
