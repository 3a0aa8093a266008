/**
 * Analysis of an experiment from its hourly roll-ups: sums each arm's
 * `EXP#<id>#<arm>` items since the experiment started, turns the sums into the
 * per-arm aggregates the statistics module expects, and runs the analysis.
 * Reads roll-ups only; never a per-document row.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FAILURE_REASONS, type FailureReason } from '#contracts/errors.ts';
import {
  addItem,
  emptyRollup,
  experimentArmKey,
  hourOf,
  promptVersionKey,
  type Rollup,
} from '#contracts/metrics-items.ts';
import { ARMS, type Arm } from '#contracts/task-schemas.ts';
import { analyzeExperiment } from '#core/experiments/analysis/analyze.ts';
import type {
  AnalysisInput,
  ArmAggregates,
  ExperimentAnalysis,
} from '#core/experiments/analysis/schemas.ts';
import type { Experiment } from '#core/experiments/lifecycle.ts';

/** The experiment has not started, so there is no window to analyse. */
export class ExperimentNotStartedError extends Error {
  override readonly name = 'ExperimentNotStartedError';
}

export interface RollupSource {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the metrics table. */
  readonly table: string;
}

/** Sums every hourly roll-up item of one partition from `sinceHour` (inclusive) on. */
export const readRollup = async (
  source: RollupSource,
  pk: string,
  sinceHour: string,
): Promise<Rollup> => {
  let rollup = emptyRollup();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await source.client.send(
      new QueryCommand({
        TableName: source.table,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: { ':pk': pk, ':since': `H#${sinceHour}` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) rollup = addItem(rollup, item);
    start = page.LastEvaluatedKey;
  } while (start);
  return rollup;
};

/** One experiment arm's roll-up since `sinceHour`. */
export const readArmRollup = (
  source: RollupSource,
  experimentId: string,
  arm: Arm,
  sinceHour: string,
): Promise<Rollup> => readRollup(source, experimentArmKey(experimentId, arm, '').pk, sinceHour);

/** One prompt version's roll-up since `sinceHour`. */
export const readVersionRollup = (
  source: RollupSource,
  version: string,
  sinceHour: string,
): Promise<Rollup> => readRollup(source, promptVersionKey(version, '').pk, sinceHour);

const KNOWN_REASONS: ReadonlySet<string> = new Set(FAILURE_REASONS);
const isFailureReason = (reason: string): reason is FailureReason => KNOWN_REASONS.has(reason);

/**
 * A roll-up as the statistics module's per-arm aggregates. A failure reason
 * this build does not know (written by a newer pipeline) is counted as
 * INTERNAL_ERROR rather than dropped, so failures still add up.
 */
export const armAggregates = (label: string, rollup: Rollup): ArmAggregates => {
  const failedByReason: Partial<Record<FailureReason, number>> = {};
  for (const [reason, count] of Object.entries(rollup.failedByReason)) {
    const known: FailureReason = isFailureReason(reason) ? reason : 'INTERNAL_ERROR';
    failedByReason[known] = (failedByReason[known] ?? 0) + count;
  }
  return {
    arm: label,
    documents: rollup.documents,
    succeeded: rollup.succeeded,
    needsReview: rollup.needsReview,
    failedByReason,
    allRequiredPresent: rollup.allRequiredPresent,
    completeness: { ...rollup.completeness },
    costMicroUsd: { ...rollup.cost },
    inputTokens: { ...rollup.inputTokens },
    outputTokens: { ...rollup.outputTokens },
    latencyHistogram: { ...rollup.latencyHistogram },
  };
};

/** The hour (UTC, `YYYY-MM-DDTHH`) an experiment's window starts. */
export const experimentStartHour = (experiment: Experiment): string => {
  if (!experiment.startedAt) {
    throw new ExperimentNotStartedError(
      `experiment ${experiment.id} has not started (status ${experiment.status}); nothing to analyse`,
    );
  }
  return hourOf(Date.parse(experiment.startedAt));
};

/** Both arms' roll-ups over the experiment's window. */
export type ArmRollups = Readonly<Record<Arm, Rollup>>;

/** Reads both arms' roll-ups since the experiment's start hour. */
export const readExperimentRollups = async (
  source: RollupSource,
  experiment: Experiment,
): Promise<ArmRollups> => {
  const since = experimentStartHour(experiment);
  const [control, treatment] = await Promise.all(
    ARMS.map((arm) => readArmRollup(source, experiment.id, arm, since)),
  );
  return { control: control ?? emptyRollup(), treatment: treatment ?? emptyRollup() };
};

/** The statistics module's input for an experiment and its arms' roll-ups (pure). */
export const analysisInputFor = (experiment: Experiment, rollups: ArmRollups): AnalysisInput => ({
  control: armAggregates(`control ${experiment.control}`, rollups.control),
  treatment: armAggregates(`treatment ${experiment.treatment}`, rollups.treatment),
  weights: { ...experiment.allocation.weights },
  criteria: experiment.successCriteria,
  sequential: experiment.sequential,
  expectedTotalDocuments: experiment.expectedTotalDocuments,
});

/** What {@link analyzeFromRollups} returns: the readout and the numbers it was computed from. */
export interface RollupAnalysis {
  readonly rollups: ArmRollups;
  readonly input: AnalysisInput;
  readonly analysis: ExperimentAnalysis;
}

/** Reads the experiment's roll-ups and analyses them. */
export const analyzeFromRollups = async (
  source: RollupSource,
  experiment: Experiment,
): Promise<RollupAnalysis> => {
  const rollups = await readExperimentRollups(source, experiment);
  const input = analysisInputFor(experiment, rollups);
  return { rollups, input, analysis: analyzeExperiment(input) };
};
