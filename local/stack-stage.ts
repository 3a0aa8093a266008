/**
 * The names that follow a local stack's stage: its tables and the variables
 * its handlers read them from, and its state machine. `npm start` runs the
 * `local` stage on a DynamoDB Local of its own; a stack started on a shared
 * DynamoDB Local (the test run's one) has a stage of its own there, so no
 * two stacks see each other's items.
 */
import {
  EXPERIMENTS_TABLE,
  LEDGER_TABLE,
  METRICS_TABLE,
  physicalName,
  RESULTS_TABLE,
  type TableNames,
  tableNamesFor,
} from '#contracts/resources.ts';

/** A DynamoDB Local started elsewhere, and the stage whose tables a stack keeps on it. */
export interface SharedDynamoDb {
  /** `http://127.0.0.1:<port>` of the running DynamoDB Local. */
  readonly endpoint: string;
  /** Lower-case letters, digits and hyphens; distinct for every stack on that endpoint. */
  readonly stage: string;
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

/** A stage's table names and state machine name; throws on a name AWS would refuse. */
export const stageNames = (stage: string) => {
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(`LOCAL_STAGE_INVALID: a stage is 1-40 lower-case letters, digits or hyphens`);
  }
  return { stage, tables: tableNamesFor(stage), machineName: physicalName(stage, 'extract') };
};

/** The table variables every handler reads, as the CDK app sets them (reuse: reuse-setting.ts). */
export const tableEnvironment = (tables: TableNames): Record<string, string> => ({
  [RESULTS_TABLE.envVar]: tables.results,
  [EXPERIMENTS_TABLE.envVar]: tables.experiments,
  [METRICS_TABLE.envVar]: tables.metrics,
  [LEDGER_TABLE.envVar]: tables.ledger,
});
