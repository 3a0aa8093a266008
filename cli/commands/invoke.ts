/**
 * `medextract invoke <function> --event <file|fixture>`: runs one handler
 * with an event, like `sam local invoke`, against the running `npm start`
 * stack (or, with `--ephemeral`, one started in this process); before a task
 * fixture runs, what it needs is put on that stack (`cli/invoke-setup.ts`).
 * With `--stage` it invokes the deployed function and writes nothing else:
 * it says what the fixture needs instead. A fixture given to the wrong
 * function is refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ledgerRepository } from '#adapters/ledger.ts';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { EVENT_NAMES, type EventName, eventPath } from '#events/index.ts';
import { FIXTURE_USES, fixtureHelp } from '../invoke-fixtures.ts';
import { invokeDeployed } from '../invoke-remote.ts';
import { isPreparedFixture, prepareFixture } from '../invoke-setup.ts';
import { printJson, type TargetFlags, UsageError } from '../output.ts';
import { openTarget, readRunningStack, type Target } from '../target.ts';

/** The function's own log lines go to stderr, so stdout holds only the result JSON. */
const logsToStderr = async <T>(run: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr);
  try {
    return await run();
  } finally {
    process.stdout.write = write;
  }
};

/** A path, or the name of a fixture in `events/` such as `tasks/load-document`. */
const resolveEvent = (event: string): { path: string; fixture: EventName | null } => {
  const fixture = EVENT_NAMES.find((name) => name === event || `events/${name}.json` === event);
  if (fixture) return { path: eventPath(fixture), fixture };
  if (existsSync(event)) return { path: event, fixture: null };
  throw new UsageError(`--event: no such file or fixture (fixtures: ${EVENT_NAMES.join(', ')})`);
};

const readEvent = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, 'utf-8'));
  } catch {
    throw new UsageError('--event: the file is not readable JSON');
  }
};

const errorJson = (error: unknown) =>
  error instanceof Error ? { name: error.name, message: error.message } : String(error);

/** On a deployed stage: nothing is put in place; the deployed function gets the event as is. */
const invokeOnStage = async (
  flags: TargetFlags,
  fn: FunctionName,
  fixture: EventName | null,
  event: unknown,
): Promise<void> => {
  const use = fixture ? FIXTURE_USES[fixture] : null;
  if (fixture && use?.needs) {
    process.stderr.write(
      `medextract: on a deployed stage nothing is put in place for a fixture; ${fixture} needs ${use.needs}\n`,
    );
  }
  const target = await openTarget({
    ...(flags.stage ? { stage: flags.stage } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.region ? { region: flags.region } : {}),
  });
  try {
    const outcome = await invokeDeployed(target, fn, event);
    printJson({ function: fn, stage: target.stage, ...outcome });
    if ('error' in outcome) process.exitCode = 1;
  } finally {
    await target.close();
  }
};

/** Locally: the fixture's needs put in place, then the handler run in this process. */
const invokeLocally = async (
  fn: FunctionName,
  fixture: EventName | null,
  event: unknown,
  ephemeral: boolean,
): Promise<void> => {
  const use = fixture ? FIXTURE_USES[fixture] : null;
  // The drift function's versions come from the CDK app on AWS; locally, the bundled ones.
  if (fn === 'drift') process.env.DRIFT_PROMPT_VERSIONS ??= bundledPrompts().versions().join(',');
  // The handler loads only now: the one way the CLI reaches a function. The
  // emulators load only for a private stack (`openTarget` starts it).
  const { handlerEnvironment, importHandler } = await import('#local/handler-environment.ts');
  const { lambdaContext } = await import('#local/lambda-invoke.ts');
  const target: Target = await openTarget({ local: ephemeral ? 'ephemeral' : 'running' });
  try {
    if (!target.stack) {
      // Using the running `npm start` stack: point this process's handlers at it.
      const running = readRunningStack();
      if (!running) throw new UsageError('the local stack stopped');
      Object.assign(
        process.env,
        handlerEnvironment(running.endpoints, running.bucket, 1, running.stage),
      );
    }
    const run = async (name: FunctionName, input: unknown): Promise<unknown> => {
      const handler = await importHandler(name);
      return logsToStderr(() => handler(input, lambdaContext(name)));
    };
    if (fixture && isPreparedFixture(fixture)) {
      const done = await prepareFixture(fixture, {
        s3: target.clients.s3,
        ledger: ledgerRepository(target.clients.dynamodb, target.tables.ledger),
        bucket: target.bucket,
        run,
      });
      if (done.length > 0) process.stderr.write(`medextract: ${fixture}: ${done.join('; ')}\n`);
    }
    try {
      const result = await run(fn, event);
      printJson({ function: fn, stage: target.stage, result: result ?? null });
    } catch (error) {
      printJson({ function: fn, stage: target.stage, error: errorJson(error) });
      if (use?.needs) process.stderr.write(`medextract: ${fixture} needs ${use.needs}\n`);
      process.exitCode = 1;
    }
  } finally {
    await target.close();
  }
};

export const registerInvoke = (program: Command): void => {
  program
    .command('invoke')
    .description('run one function handler with an event file against the running local stack')
    .argument('<function>', `one of ${FUNCTION_NAMES.join(', ')}`)
    .requiredOption('--event <file>', 'event JSON file, or a fixture name from events/')
    .option('--ephemeral', 'start a private stack for this call instead of the running one')
    .option('--stage <stage>', 'invoke the function deployed to this stage (dev, staging, prod)')
    .option('--profile <profile>', 'AWS profile for a deployed stage')
    .option('--region <region>', "AWS region for a deployed stage; default: the stage's region")
    .addHelpText('after', `\nFixtures (name, function, locally):\n${fixtureHelp()}`)
    .action(async (name: string, flags: TargetFlags & { event: string }) => {
      const fn = FUNCTION_NAMES.find((candidate) => candidate === name);
      if (!fn)
        throw new UsageError(`unknown function ${name} (one of ${FUNCTION_NAMES.join(', ')})`);
      const { path, fixture } = resolveEvent(flags.event);
      const use = fixture ? FIXTURE_USES[fixture] : null;
      if (fixture && use && use.fn !== fn) {
        throw new UsageError(
          use.fn === null
            ? `fixture ${fixture} is no handler's event: ${use.needs ?? ''}`
            : `fixture ${fixture} is an event for ${use.fn}, not ${fn}`,
        );
      }
      const event = readEvent(path);
      if (flags.stage && flags.stage !== 'local') {
        if (flags.ephemeral)
          throw new UsageError('--ephemeral is for the local stack, not --stage');
        await invokeOnStage(flags, fn, fixture, event);
        return;
      }
      await invokeLocally(fn, fixture, event, flags.ephemeral === true);
    });
};
