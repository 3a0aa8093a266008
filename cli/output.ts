/** Shared output for `medextract` commands: tables for people, `--json` for programs. */
import Table from 'cli-table3';

/** A usage or configuration problem: exit code 2 with the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Options every command that talks to a stack accepts. */
export interface TargetFlags {
  readonly stage?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly json?: boolean;
  /** Local only: a private stack for this command instead of the running one. */
  readonly ephemeral?: boolean;
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** A plain table; `null`/`undefined` cells print as `-`. */
export const printTable = (head: string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): void => {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) {
    table.push(row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))));
  }
  process.stdout.write(`${table.toString()}\n`);
};

/** `--stage/--profile/--region/--json` on a command. */
export const withTargetOptions = <T extends { option: (flags: string, description: string) => T }>(
  command: T,
): T =>
  command
    .option('--stage <stage>', 'deployed stage (dev, staging, prod); default: the local stack')
    .option('--profile <profile>', 'AWS profile for a deployed stage')
    .option('--region <region>', "AWS region for a deployed stage; default: the stage's region")
    .option('--ephemeral', 'local: start a private stack for this command; its data is then gone')
    .option('--json', 'print JSON instead of tables');
