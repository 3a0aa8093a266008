/**
 * A private stack's tables on a DynamoDB Local the user keeps running,
 * named by MEDEXTRACT_DYNAMODB_ENDPOINT, instead of a JVM the command starts
 * for itself: each command gets a stage of its own there (`eph-` and eight
 * random hex digits), so no two commands see each other's tables, and every
 * table of that stage is deleted when the command ends.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { physicalName, TABLES } from '#contracts/resources.ts';
import type { SharedDynamoDb } from '#local/stack-stage.ts';
import { UsageError } from './output.ts';

/** The variable that names a running DynamoDB Local for private stacks. */
export const DYNAMODB_ENDPOINT_ENV = 'MEDEXTRACT_DYNAMODB_ENDPOINT';

/** Loopback only: the tables of a private stack hold ledger entries, which name object keys. */
const LOOPBACK_ENDPOINT = /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\/?$/;

/** Every table a stack creates for `stage`, as `ensureTables` names them. */
export const stageTableNames = (stage: string): string[] =>
  TABLES.map((table) => physicalName(stage, table.suffix));

/**
 * The running DynamoDB Local the environment names and a fresh stage for
 * this command on it, or null when the variable is unset (the command then
 * starts a JVM of its own). A value that is not a loopback `http://` URL
 * with a port is refused.
 */
export const runningDynamoDb = (env: NodeJS.ProcessEnv = process.env): SharedDynamoDb | null => {
  const raw = env[DYNAMODB_ENDPOINT_ENV];
  if (raw === undefined || raw === '') return null;
  const port = Number(LOOPBACK_ENDPOINT.exec(raw)?.[1] ?? Number.NaN);
  if (!(port >= 1 && port <= 65_535)) {
    throw new UsageError(
      `${DYNAMODB_ENDPOINT_ENV} must be http://127.0.0.1:<port>, a DynamoDB Local on this machine`,
    );
  }
  return { endpoint: raw.replace(/\/$/, ''), stage: `eph-${randomBytes(4).toString('hex')}` };
};

const localClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    // Loopback: a refused connection is an answer; retrying it only delays the message.
    maxAttempts: 1,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Refuses (exit 2) before anything starts when nothing answers at the endpoint. */
export const checkReachable = async (endpoint: string): Promise<void> => {
  const client = localClient(endpoint);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `${DYNAMODB_ENDPOINT_ENV}: no DynamoDB answers at ${endpoint} (${detail})`,
    );
  } finally {
    client.destroy();
  }
};

/** Deletes every table of `stage` at `endpoint`; a table that is not there is no error. */
export const deleteStageTables = async (endpoint: string, stage: string): Promise<void> => {
  const client = localClient(endpoint);
  try {
    for (const name of stageTableNames(stage)) {
      try {
        await client.send(new DeleteTableCommand({ TableName: name }));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
      }
    }
  } finally {
    client.destroy();
  }
};
