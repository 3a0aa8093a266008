/**
 * `medextract`: one command line for the local runtime and deployed stages.
 * Each command group lives in `cli/commands/<group>.ts` and registers itself
 * here. Exit codes: 0 success, 1 the work failed (e.g. a document FAILED),
 * 2 usage or start-up errors and requests a use case rejected (not found,
 * conflicting state, invalid input).
 */
import { Command, CommanderError } from 'commander';
import { ServiceError } from '#services/errors.ts';
import { registerDlq } from './commands/dlq.ts';
import { registerDocuments } from './commands/documents.ts';
import { registerEval } from './commands/eval.ts';
import { registerExperiments } from './commands/experiments.ts';
import { registerInvoke } from './commands/invoke.ts';
import { registerMetrics } from './commands/metrics.ts';
import { registerProcess } from './commands/process.ts';
import { registerPrompts } from './commands/prompts.ts';
import { UsageError } from './output.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('medextract')
  .description('MedExtract: extraction pipeline, prompt versions, experiments and evaluation')
  .showHelpAfterError()
  .exitOverride();

registerProcess(program);
registerInvoke(program);
registerPrompts(program);
registerExperiments(program);
registerMetrics(program);
registerDocuments(program);
registerDlq(program);
registerEval(program);
(await import('./commands/cost.ts')).registerCost(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof ServiceError) {
    // A request the use case rejected: the same exit code as a usage error.
    const flag = error.code === 'INVALID_INPUT' && error.field ? `--${error.field} ` : '';
    process.stderr.write(`medextract: ${flag}${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`medextract: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `medextract: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    process.exitCode = 2;
  }
}
