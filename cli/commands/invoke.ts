/**
 * `medextract invoke <function> --event <file|fixture>`: runs one handler
 * with an event, like `sam local invoke`, against the running `npm start`
 * stack (or, with `--ephemeral`, one started in this process). A fixture
 * given to the wrong function is refused; when a fixture's handler fails
 * for want of state the stack does not hold, a note says what it needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { EVENT_NAMES, type EventName, eventPath } from '#events/index.ts';
import { FIXTURE_USES, fixtureHelp } from '../invoke-fixtures.ts';
import { printJson, UsageError } from '../output.ts';
import { openTarget, readRunningStack } from '../target.ts';

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

export const registerInvoke = (program: Command): void => {
  program
    .command('invoke')
    .description('run one function handler with an event file against the running local stack')
    .argument('<function>', `one of ${FUNCTION_NAMES.join(', ')}`)
    .requiredOption('--event <file>', 'event JSON file, or a fixture name from events/')
    .option('--ephemeral', 'start a private stack for this call instead of the running one')
    .addHelpText('after', `\nFixtures (name, function, as is):\n${fixtureHelp()}`)
    .action(async (name: string, flags: { event: string; ephemeral?: boolean }) => {
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
      // The drift function's versions come from the CDK app on AWS; locally, the bundled ones.
      if (fn === 'drift')
        process.env.DRIFT_PROMPT_VERSIONS ??= bundledPrompts().versions().join(',');
      // The emulator and the handler load only now: the one way the CLI reaches a function.
      const { handlerEnvironment, importHandler, LOCAL_STAGE } = await import('#local/stack.ts');
      const { lambdaContext } = await import('#local/lambda-invoke.ts');
      const target = await openTarget({ local: flags.ephemeral ? 'ephemeral' : 'running' });
      try {
        if (!target.stack) {
          // Using the running `npm start` stack: point this process's handlers at it.
          const running = readRunningStack();
          if (!running) throw new UsageError('the local stack stopped');
          Object.assign(process.env, handlerEnvironment(running.endpoints, running.bucket, 1));
        }
        const handler = await importHandler(fn);
        try {
          const result = await logsToStderr(() => handler(event, lambdaContext(fn)));
          printJson({ function: fn, stage: LOCAL_STAGE, result: result ?? null });
        } catch (error) {
          printJson({
            function: fn,
            stage: LOCAL_STAGE,
            error:
              error instanceof Error ? { name: error.name, message: error.message } : String(error),
          });
          if (use?.needs) process.stderr.write(`medextract: ${fixture} needs ${use.needs}\n`);
          process.exitCode = 1;
        }
      } finally {
        await target.close();
      }
    });
};
