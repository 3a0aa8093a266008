/**
 * Aggregator: CloudWatch Logs subscription events carrying EMF records ->
 * DynamoDB roll-ups per (prompt version, hour) and (experiment, arm, hour).
 * Idempotent per log event; non-EMF lines ignored; malformed EMF counted and
 * logged, never a crash.
 */
import { METRICS_TABLE } from '#contracts/resources.ts';
import { dynamoDocumentClient } from '#functions/shared/clients/dynamodb.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { decodeSubscription, parseLogEvents } from './emf.ts';
import { writeRecords } from './rollup-writer.ts';

const config = { table: requireEnv(METRICS_TABLE.envVar) };
const observability = createObservability('aggregator');
const { logger } = observability;

export interface AggregatorResult {
  readonly counted: number;
  readonly duplicates: number;
  readonly ignored: number;
  readonly malformed: number;
}

const aggregate = async (event: unknown): Promise<AggregatorResult> => {
  const data = decodeSubscription(event);
  const batch = parseLogEvents(data);
  if (batch.malformed > 0) {
    logger.warn('Malformed EMF records skipped', {
      malformed: batch.malformed,
      logGroup: data.logGroup,
    });
  }
  const { counted, replaced, duplicates } = await writeRecords(
    dynamoDocumentClient(),
    config.table,
    batch.records,
  );
  const result = { counted, duplicates, ignored: batch.ignored, malformed: batch.malformed };
  logger.info('Roll-ups updated', { ...result, replaced });
  return result;
};

export const handler = instrument(observability, aggregate);
