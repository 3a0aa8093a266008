/**
 * `medextract`: one command line for the local runtime and deployed stages.
 * Each command group lives in `cli/commands/<group>.ts` and registers itself
 * here. Exit codes: 0 success; 1 the work failed (a document FAILED) or a
 * use case rejected the request (not found, conflicting state, invalid
 * input, refused); 2 the command was used wrongly or cannot start (unknown
 * flag, missing file, no running local stack).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ServiceError, serviceErrorCode } from '#services/errors.ts';
import { registerAlerts } from './commands/alerts.ts';
import { registerDlq } from './commands/dlq.ts';
import { registerDocuments } from './commands/documents.ts';
import { registerEval } from './commands/eval.ts';
import { registerExperiments } from './commands/experiments.ts';
import { registerInvoke } from './commands/invoke.ts';
import { registerLogs } from './commands/logs.ts';
import { registerMetrics } from './commands/metrics.ts';
import { registerProcess } from './commands/process.ts';
import { registerPrompts } from './commands/prompts.ts';
import { registerReviews } from './commands/reviews.ts';
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

registerProcess(program);
registerInvoke(program);
registerPrompts(program);
registerExperiments(program);
registerMetrics(program);
registerDocuments(program);
registerReviews(program);
registerDlq(program);
registerAlerts(program);
registerLogs(program);
registerEval(program);
(await import('./commands/cost.ts')).registerCost(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`medextract: ${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof ServiceError) {
    // A request the use case rejected: the work could not be done (exit 1).
    const flag = error.code === 'INVALID_INPUT' && error.field ? `--${error.field} ` : '';
    process.stderr.write(`medextract: ${flag}${error.message}\n`);
    process.exitCode = 1;
  } else if (serviceErrorCode(error) !== null && error instanceof Error) {
    process.stderr.write(`medextract: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    // Unexpected: the message only; the class name means nothing to a user.
    process.stderr.write(`medextract: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
