/**
 * A stage's settings as the cost model reads them: memory per function, log
 * retention, table billing and indexes, bucket lifecycle, ingest batching and
 * the serving prompt version, taken from the same config the CDK app deploys.
 */

import { physicalName, TABLES } from '#contracts/resources.ts';
import type { StageCostSettings } from '#core/costing/assemble.ts';
import { configFor, type Stage } from './config.ts';

/** Every function is built for Graviton (`architecture` in constructs/pipeline-function.ts). */
export const LAMBDA_ARCHITECTURE = 'arm64';

export const costSettingsFor = (stage: Stage): StageCostSettings => {
  const config = configFor(stage);
  const billing = config.tables.billing;
  return {
    stage,
    architecture: LAMBDA_ARCHITECTURE,
    memoryMb: Object.fromEntries(
      Object.entries(config.functions).map(([name, settings]) => [name, settings.memoryMb]),
    ),
    // RetentionDays values are the number of days.
    logRetentionDays: config.logRetention,
    billing:
      billing.mode === 'on-demand'
        ? { mode: 'on-demand' }
        : {
            mode: 'provisioned',
            minRead: billing.read.min,
            minWrite: billing.write.min,
            targetUtilizationPercent: billing.targetUtilizationPercent,
          },
    tables: TABLES.map((table) => ({
      name: physicalName(stage, table.suffix),
      profileKey: table.suffix,
      indexCount: table.globalSecondaryIndexes.length,
    })),
    // Every table is built with point-in-time recovery (constructs/storage.ts).
    pointInTimeRecovery: true,
    incomingToInfrequentAccessDays: config.documents.incomingToInfrequentAccessDays,
    workExpirationDays: config.documents.workExpirationDays,
    ingestBatchSize: config.ingest.batchSize,
    servingVersion: config.prompts.defaultVersion,
  };
};
