/**
 * Drift alerts use case: reads a stack's hourly roll-ups (each prompt
 * version, and every document) over a baseline and a monitored window and
 * runs the drift analyser on them, the same analysis the hourly drift
 * function runs on a deployed stage.
 */
import { type QuerySender, readPartition } from '#adapters/rollup-reader.ts';
import { allDocumentsKey, promptVersionKey } from '#contracts/metrics-items.ts';
import {
  addHours,
  analyseDrift,
  DEFAULT_DRIFT_SETTINGS,
  type DriftReport,
  type DriftSettings,
  isHourLabel,
  lastCompleteHour,
  type RollupStream,
} from '#core/drift/index.ts';
import { defaultCatalog, type PromptCatalog, type ServiceContext } from './context.ts';
import { InvalidInputError } from './service-error.ts';
/** The one client call this use case makes (a DynamoDBDocumentClient on a stack). */
export type RollupQuerySender = QuerySender;

export interface AlertsQuery {
  /** The hour to evaluate (`2026-11-27T15`); default: the last complete hour. */
  readonly evaluatedHour?: string;
  readonly baselineHours?: number;
  readonly monitorHours?: number;
  readonly minBaselineDocuments?: number;
  readonly now?: number;
}

const wholeAtLeast = (name: string, value: number, least: number): number => {
  if (!Number.isInteger(value) || value < least) {
    throw new InvalidInputError(
      'INVALID_WINDOW',
      `${name} must be a whole number of at least ${least}`,
      name,
    );
  }
  return value;
};

/** The analyser's settings for a query: the deployed defaults unless the query narrows them. */
export const alertSettings = (query: AlertsQuery): DriftSettings => ({
  ...DEFAULT_DRIFT_SETTINGS,
  baselineHours: wholeAtLeast(
    'baseline-hours',
    query.baselineHours ?? DEFAULT_DRIFT_SETTINGS.baselineHours,
    1,
  ),
  monitorHours: wholeAtLeast(
    'monitor-hours',
    query.monitorHours ?? DEFAULT_DRIFT_SETTINGS.monitorHours,
    1,
  ),
  minBaselineDocuments: wholeAtLeast(
    'min-baseline-documents',
    query.minBaselineDocuments ?? DEFAULT_DRIFT_SETTINGS.minBaselineDocuments,
    1,
  ),
});

/** Runs the drift analyser over the context's metrics table for one hour. */
export const driftAlerts = async (
  ctx: {
    readonly tables: Pick<ServiceContext['tables'], 'metrics'>;
    readonly clients: { readonly dynamodb: RollupQuerySender };
  },
  query: AlertsQuery = {},
  catalog: Pick<PromptCatalog, 'versions'> = defaultCatalog(),
): Promise<DriftReport> => {
  const evaluatedHour = query.evaluatedHour ?? lastCompleteHour(query.now ?? Date.now());
  if (!isHourLabel(evaluatedHour)) {
    throw new InvalidInputError(
      'INVALID_HOUR',
      'the hour must look like 2026-11-27T15 (UTC)',
      'hour',
    );
  }
  const settings = alertSettings(query);
  const fromHour = addHours(evaluatedHour, -(settings.baselineHours + settings.monitorHours - 1));
  const client = ctx.clients.dynamodb;
  const table = ctx.tables.metrics;
  const streams: RollupStream[] = [];
  for (const version of catalog.versions()) {
    const { pk } = promptVersionKey(version, fromHour);
    streams.push({
      promptVersion: version,
      hours: await readPartition(client, table, pk, fromHour, evaluatedHour),
    });
  }
  streams.push({
    promptVersion: null,
    hours: await readPartition(
      client,
      table,
      allDocumentsKey(fromHour).pk,
      fromHour,
      evaluatedHour,
    ),
  });
  return analyseDrift(streams, evaluatedHour, settings);
};
