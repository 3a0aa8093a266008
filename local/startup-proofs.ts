/**
 * Start-up checks whose answer a warm data folder already holds: a marker per
 * question (the state machine definition passed the ASL schema check; every
 * table exists with its TTL set; the default alias was created), keyed by a hash of what was checked, so a
 * changed definition or table set is checked again. The ASL answer depends on
 * no data, only on the definition and the validator, so it is also kept once
 * per checkout (`node_modules/.cache/medextract/`, keyed by the definition and
 * the Step Functions runtime's version): a stack without a data folder, or on
 * a fresh one, skips a check this checkout already passed (ADR 46).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { TABLES } from '#contracts/resources.ts';
import { createTableInput, ensureTables } from './dynamodb.ts';

const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);

/**
 * Answers about DynamoDB's data live in its own folder, so wiping the tables
 * wipes them too; the definition's answer depends on no data.
 */
const markerPath = (dataDir: string, kind: 'asl' | 'tables' | 'once', value: unknown): string =>
  kind === 'asl'
    ? join(dataDir, 'startup', `${kind}-${hashOf(value)}.ok`)
    : join(dataDir, 'dynamodb', 'medextract-startup', `${kind}-${hashOf(value)}.ok`);

/** The checkout's cache of definitions the runtime's validator accepted (not patient data: the ASL only). */
const CHECKOUT_CACHE = fileURLToPath(
  new URL('../node_modules/.cache/medextract/', import.meta.url),
);

/** The Step Functions runtime (and its ASL validator) whose verdict a cached marker records. */
const runtimeVersion = (() => {
  let cached: string | undefined;
  return (): string => {
    if (cached === undefined) {
      const manifest = new URL(
        '../node_modules/aws-local-stepfunctions/package.json',
        import.meta.url,
      );
      try {
        cached = String(
          (JSON.parse(readFileSync(manifest, 'utf-8')) as { version?: unknown }).version,
        );
      } catch {
        cached = 'unknown';
      }
    }
    return cached;
  };
})();

const checkoutMarker = (definitionText: string): string =>
  join(CHECKOUT_CACHE, `asl-${hashOf([runtimeVersion(), definitionText])}.ok`);

/**
 * The definition as the ASL check sees it: the queue URL carries a per-start
 * port and every resource name the stage, and the check's answer depends on
 * neither (a stage is a valid name part before it gets here).
 */
export const aslProofText = (runText: string, dlqUrl: string, stage: string): string =>
  runText
    .replaceAll(dlqUrl, 'ExtractionDlqUrl')
    .replaceAll(`medextract-${stage}-`, 'medextract-local-');

const writeMarker = (path: string): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${new Date().toISOString()}\n`);
};

/** Proofs kept in `dataDir` (none without one: every check runs). */
export interface StartupProofs {
  /** True when this definition text passed the ASL schema check in an earlier start. */
  aslValidated(definitionText: string): boolean;
  /** Records that the definition passed (call after the runtime accepted it). */
  rememberAslValidated(definitionText: string): void;
  /**
   * Creates missing tables and sets TTL (`ensureTables`), unless an earlier
   * start did so for the same table definitions and every table is still
   * listed (one ListTables request instead of two per table).
   */
  ensureTables(client: DynamoDBClient, stage: string): Promise<void>;
  /**
   * Runs a write that only ever creates (a conditional put of a default)
   * unless an earlier start ran it for the same `key`; records it when it succeeds.
   */
  once(key: unknown, run: () => Promise<void>): Promise<void>;
}

export const startupProofs = (dataDir: string | undefined): StartupProofs => ({
  aslValidated: (text) =>
    (dataDir !== undefined && existsSync(markerPath(dataDir, 'asl', text))) ||
    existsSync(checkoutMarker(text)),
  rememberAslValidated: (text) => {
    if (dataDir) writeMarker(markerPath(dataDir, 'asl', text));
    try {
      writeMarker(checkoutMarker(text));
    } catch {
      // A read-only checkout only checks again at the next start.
    }
  },
  ensureTables: async (client, stage) => {
    const inputs = TABLES.map((table) => createTableInput(stage, table));
    const marker = dataDir ? markerPath(dataDir, 'tables', inputs) : undefined;
    if (marker && existsSync(marker)) {
      const listed = await client.send(new ListTablesCommand({}));
      const names = new Set(listed.TableNames ?? []);
      if (inputs.every((input) => names.has(input.TableName))) return;
    }
    await ensureTables(client, stage);
    if (marker) writeMarker(marker);
  },
  once: async (key, run) => {
    const marker = dataDir ? markerPath(dataDir, 'once', key) : undefined;
    if (marker && existsSync(marker)) return;
    await run();
    if (marker) writeMarker(marker);
  },
});
