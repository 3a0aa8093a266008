/**
 * `medextract`: one command line for the local runtime and deployed stages.
 * Each command group lives in `cli/commands/<group>.ts` and registers itself
 * here. Exit codes: 0 success; 1 the work failed (a document FAILED) or a
 * use case rejected the request (not found, conflicting state, invalid
 * input, refused); 2 the command was used wrongly or cannot start (unknown
 * flag, missing file, no running local stack).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, type Command as CommandType } from 'commander';
import { UsageError } from './output.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const packageJson: unknown = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf-8'),
);
const version =
  typeof packageJson === 'object' && packageJson !== null && 'version' in packageJson
    ? String(packageJson.version)
    : 'unknown';

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  the work failed (a document FAILED, a redriven execution failed again) or
     the request was rejected (not found, conflicting state, refused)
  2  the command was used wrongly (unknown command or flag, missing or non-PDF
     file, unknown stage, no running local stack: run npm start)

Commands that read or change a stack's state (dlq, metrics, experiments,
documents, prompts alias, alerts, logs, invoke) use the stack npm start runs;
--ephemeral starts a private one for that command instead, whose data is gone
when it ends. process uses the running stack when there is one, else a private
one; eval always runs on a private one (it moves that stack's prompt alias).`;

const program = new Command()
  .name('medextract')
  .description('MedExtract: extraction pipeline, prompt versions, experiments and evaluation')
  .version(version, '-V, --version', 'print the medextract version')
  // Root options only before the command, so `eval --version 2.0.0` stays the prompt version.
  .enablePositionalOptions()
  .addHelpText('after', EXIT_CODES_HELP)
  .showHelpAfterError()
  .exitOverride();

/**
 * Command groups in help order, each loaded only when asked for: a command
 * imports its group's services (SDK clients, pdf.js, the evaluation) and
 * nothing else, so `medextract documents list` does not pay for `eval`.
 */
const COMMAND_GROUPS: Readonly<Record<string, () => Promise<(program: CommandType) => void>>> = {
  process: async () => (await import('./commands/process.ts')).registerProcess,
  invoke: async () => (await import('./commands/invoke.ts')).registerInvoke,
  prompts: async () => (await import('./commands/prompts.ts')).registerPrompts,
  experiments: async () => (await import('./commands/experiments.ts')).registerExperiments,
  metrics: async () => (await import('./commands/metrics.ts')).registerMetrics,
  documents: async () => (await import('./commands/documents.ts')).registerDocuments,
  reviews: async () => (await import('./commands/reviews.ts')).registerReviews,
  dlq: async () => (await import('./commands/dlq.ts')).registerDlq,
  alerts: async () => (await import('./commands/alerts.ts')).registerAlerts,
  logs: async () => (await import('./commands/logs.ts')).registerLogs,
  eval: async () => (await import('./commands/eval.ts')).registerEval,
  cost: async () => (await import('./commands/cost.ts')).registerCost,
};

/** The command named on the line (root options take no value), or null for help, version or a typo. */
const requestedGroup = (args: readonly string[]): string | null => {
  const first = args.find((arg) => !arg.startsWith('-'));
  return first !== undefined && Object.hasOwn(COMMAND_GROUPS, first) ? first : null;
};

/** `medextract --version` (or `-V`) before any command: commander prints the version and needs no group. */
const versionOnly = (args: readonly string[]): boolean => {
  const command = args.findIndex((arg) => !arg.startsWith('-'));
  const leading = command === -1 ? args : args.slice(0, command);
  const asks = (flags: readonly string[]) => leading.some((arg) => flags.includes(arg));
  return asks(['-V', '--version']) && !asks(['-h', '--help']);
};

const args = process.argv.slice(2);
const requested = requestedGroup(args);
// Help and unknown commands register every group, so the listing and suggestions are whole.
const groups = versionOnly(args)
  ? []
  : requested === null
    ? Object.keys(COMMAND_GROUPS)
    : [requested];
for (const name of groups) {
  const register = await COMMAND_GROUPS[name]?.();
  register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`medextract: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    // Loaded only now, which a usage error or `--help` never needs; a command
    // that threw one has loaded the module already.
    const { ServiceError } = await import('#services/service-error.ts');
    if (error instanceof ServiceError) {
      // A request the use case rejected: the work could not be done (exit 1).
      const flag = error.code === 'INVALID_INPUT' && error.field ? `--${error.field} ` : '';
      process.stderr.write(`medextract: ${flag}${error.message}\n`);
    } else {
      // A domain error the use cases classify, or an unexpected one: the message
      // only; a class name means nothing to a user.
      process.stderr.write(
        `medextract: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    process.exitCode = 1;
  }
}
