/**
 * `medextract invoke <function> --event <file>`: runs one handler with an
 * event file, like `sam local invoke`, against the local stack's endpoints
 * (the running `npm start` stack, or one started in this process).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { EVENT_NAMES, eventPath } from '#events/index.ts';
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
const resolveEvent = (event: string): string => {
  if (existsSync(event)) return event;
  const fixture = EVENT_NAMES.find((name) => name === event || `events/${name}.json` === event);
  if (fixture) return eventPath(fixture);
  throw new UsageError(`no event file ${event} (fixtures: ${EVENT_NAMES.join(', ')})`);
};

export const registerInvoke = (program: Command): void => {
  program
    .command('invoke')
    .description('run one function handler with an event file against the local stack')
    .argument('<function>', `one of ${FUNCTION_NAMES.join(', ')}`)
    .requiredOption('--event <file>', 'event JSON file, or a fixture name from events/')
    .action(async (name: string, flags: { event: string }) => {
      const fn = FUNCTION_NAMES.find((candidate) => candidate === name);
      if (!fn)
        throw new UsageError(`unknown function ${name} (one of ${FUNCTION_NAMES.join(', ')})`);
      const event: unknown = JSON.parse(readFileSync(resolveEvent(flags.event), 'utf-8'));
      // The emulator and the handler load only now: the one way the CLI reaches a function.
      const { handlerEnvironment, importHandler, LOCAL_STAGE } = await import('#local/stack.ts');
      const { lambdaContext } = await import('#local/lambda-invoke.ts');
      const target = await openTarget({ local: 'persistent' });
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
          process.exitCode = 1;
        }
      } finally {
        await target.close();
      }
    });
};
