/**
 * `medextract logs [--function f] [--follow]`: the local stack's function
 * logs from `.data/logs/<function>.log`. Without a running stack it shows
 * what the last run left, and says so; `--follow` needs a running stack and
 * prints new lines as the functions write them until Ctrl-C or the stack
 * stops. Deployed stages log to CloudWatch Logs instead.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { formatLine, linesOf, mergeLines } from '../log-lines.ts';
import { UsageError } from '../output.ts';
import { localDataDir, NO_LOCAL_STACK, readRunningStack } from '../target.ts';

interface LogsFlags {
  readonly function?: string;
  readonly follow?: boolean;
  readonly lines: string;
  readonly emf?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes appended to a file since `from`, and the new end. */
const readFrom = (path: string, from: number): { text: string; end: number } => {
  if (!existsSync(path)) return { text: '', end: 0 };
  const size = statSync(path).size;
  // A log file that shrank was deleted and started again: read it from the top.
  const start = size < from ? 0 : from;
  if (size === start) return { text: '', end: size };
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    // Only whole lines; a partial last line is read on the next poll.
    const text = buffer.toString('utf-8');
    const cut = text.lastIndexOf('\n') + 1;
    return { text: text.slice(0, cut), end: start + Buffer.byteLength(text.slice(0, cut)) };
  } finally {
    closeSync(fd);
  }
};

export const registerLogs = (program: Command): void => {
  program
    .command('logs')
    .description('local function logs (.data/logs/<function>.log), merged by time')
    .option('--function <name>', `only this function: ${FUNCTION_NAMES.join(', ')}`)
    .option('--follow', 'keep printing new lines until Ctrl-C or the stack stops')
    .option('--lines <n>', 'at most this many lines from before now', '50')
    .option('--emf', 'include the EMF metric lines')
    .action(async (flags: LogsFlags) => {
      const chosen = flags.function;
      let fns: readonly FunctionName[] = FUNCTION_NAMES;
      if (chosen !== undefined) {
        const fn = FUNCTION_NAMES.find((name) => name === chosen);
        if (!fn) throw new UsageError(`--function must be one of ${FUNCTION_NAMES.join(', ')}`);
        fns = [fn];
      }
      const limit = Number(flags.lines);
      if (!Number.isInteger(limit) || limit < 0) {
        throw new UsageError(`--lines must be a whole number, got '${flags.lines}'`);
      }
      const dataDir = localDataDir();
      const logDir = join(dataDir, 'logs');
      const running = readRunningStack(dataDir);
      const files = fns.map((fn) => ({ fn, path: join(logDir, `${fn}.log`) }));
      const anyLog = files.some((f) => existsSync(f.path));
      if (!running && (flags.follow || !anyLog)) throw new UsageError(NO_LOCAL_STACK);
      if (!running) {
        process.stderr.write('No local stack is running; these are the logs of the last run.\n');
      }

      const prefix = fns.length > 1;
      const offsets = new Map<string, number>();
      const backlog = files.map(({ fn, path }) => {
        const { text, end } = readFrom(path, 0);
        offsets.set(path, end);
        return linesOf(fn, text, flags.emf === true);
      });
      for (const line of mergeLines(backlog, limit)) {
        process.stdout.write(`${formatLine(line, prefix)}\n`);
      }
      if (!flags.follow) return;

      let stop = false;
      process.once('SIGINT', () => {
        stop = true;
      });
      while (!stop) {
        await sleep(500);
        const fresh = files.map(({ fn, path }) => {
          const { text, end } = readFrom(path, offsets.get(path) ?? 0);
          offsets.set(path, end);
          return linesOf(fn, text, flags.emf === true);
        });
        for (const line of mergeLines(fresh, Number.POSITIVE_INFINITY)) {
          process.stdout.write(`${formatLine(line, prefix)}\n`);
        }
        if (!readRunningStack(dataDir)) {
          process.stderr.write('The local stack stopped.\n');
          return;
        }
      }
    });
};
