/**
 * `medextract process <file...>`: runs PDFs through the real pipeline on a
 * local stack started in this process (or a deployed stage) and reports one
 * line per file. Exit 0 when all succeeded, 1 when any failed, 2 on usage or
 * start-up errors. Bounded: an execution still running at the deadline is
 * stopped and reported FAILED with reason TIMEOUT.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { formatUsd } from '#core/extraction/cost.ts';
import { type FileResult, processFiles } from '#services/process-documents.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';

interface ProcessFlags extends TargetFlags {
  readonly timeout: string;
}

/** The `--json` shape: one object per file. */
export const toJsonResult = (result: FileResult) => ({
  file: result.file,
  key: result.key,
  documentId: result.documentId,
  status: result.status,
  reason: result.reason,
  promptVersion: result.promptVersion,
  completeness: result.completeness,
  fields: result.status === 'SUCCEEDED' ? result.fields : null,
});

export const printResultsTable = (results: readonly FileResult[]): void =>
  printTable(
    ['file', 'status', 'reason', 'prompt version', 'completeness', 'cost'],
    results.map((r) => [
      r.key.replace(/^incoming\//, ''),
      r.status,
      r.reason,
      r.promptVersion,
      r.completeness === null ? null : r.completeness.toFixed(3),
      r.costMicroUsd === null ? null : formatUsd(r.costMicroUsd),
    ]),
  );

export const registerProcess = (program: Command): void => {
  withTargetOptions(
    program
      .command('process')
      .description('process PDF files through the pipeline and wait for every result')
      .argument('<files...>', 'PDF files to upload under incoming/'),
  )
    .option('--timeout <seconds>', 'give up on executions still running after this long', '300')
    .action(async (files: string[], flags: ProcessFlags) => {
      const missing = files.filter((file) => !existsSync(file));
      if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
      const timeoutSeconds = Number(flags.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
        throw new UsageError('--timeout must be a positive number of seconds');
      }
      await withTarget(
        flags,
        async (target) => {
          const results = await processFiles(
            target,
            files.map((path) => ({ path })),
            { timeoutMs: timeoutSeconds * 1000 },
          );
          if (flags.json) printJson(results.map(toJsonResult));
          else printResultsTable(results);
          process.exitCode = results.every((r) => r.status === 'SUCCEEDED') ? 0 : 1;
        },
        'ephemeral',
      );
    });
};
