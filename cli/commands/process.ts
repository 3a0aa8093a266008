/**
 * `medextract process <file|folder|pattern...>`: runs PDFs through the real
 * pipeline on the running `npm start` stack (its results stay visible to
 * `documents`, `metrics` and `dlq`), else on a private stack started in this
 * process, or on a deployed stage, and reports one line per file. Arguments
 * that are not PDFs are refused before anything is uploaded. Exit 0 when all
 * succeeded, 1 when any failed, 2 on usage errors. Bounded: an execution
 * still running at the deadline is stopped and reported FAILED with reason
 * TIMEOUT.
 */
import type { Command } from 'commander';
import { formatUsd } from '#core/extraction/cost.ts';
import type { FileResult } from '#services/process-documents.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { expandPdfArguments } from '../process-inputs.ts';
import { progressReporter } from '../progress.ts';

interface ProcessFlags extends TargetFlags {
  readonly timeout: string;
}

/** The `--json` shape: one object per file. */
export const toJsonResult = (result: FileResult) => ({
  file: result.file,
  key: result.key,
  documentId: result.documentId,
  status: result.status,
  /** NEEDS_REVIEW when the extraction finished but was sent to review; else as `status`. */
  outcome: result.outcome,
  reason: result.reason,
  promptVersion: result.promptVersion,
  completeness: result.completeness,
  fields: result.status === 'SUCCEEDED' ? result.fields : null,
  // Beside the fields, when the prompt version asked for evidence (ADR 28).
  ...(result.status === 'SUCCEEDED' && result.grounding ? result.grounding : {}),
});

export const printResultsTable = (results: readonly FileResult[]): void =>
  printTable(
    ['file', 'status', 'reason', 'prompt version', 'completeness', 'cost'],
    results.map((r) => [
      r.key.replace(/^incoming\//, ''),
      r.outcome,
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
      .description(
        'process PDFs through the pipeline and wait for every result (the running local stack, else a private one)',
      )
      .argument(
        '<files...>',
        "PDF files, folders (their *.pdf files) or patterns like 'dir/*.pdf'",
      ),
  )
    .option('--timeout <seconds>', 'give up on executions still running after this long', '300')
    .action(async (files: string[], flags: ProcessFlags) => {
      const timeoutSeconds = Number(flags.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
        throw new UsageError('--timeout must be a positive number of seconds');
      }
      const paths = expandPdfArguments(files);
      // The pipeline client and the SDK load only once the arguments are good:
      // a refused argument costs no more than `--version`.
      const [{ processFiles }, { withTarget }] = await Promise.all([
        import('#services/process-documents.ts'),
        import('../target.ts'),
      ]);
      const progress = progressReporter(process.stderr, 'process', 'documents done');
      await withTarget(
        flags,
        async (target) => {
          const results = await processFiles(
            target,
            paths.map((path) => ({ path })),
            {
              timeoutMs: timeoutSeconds * 1000,
              onProgress: (done, total, result) =>
                progress(
                  done,
                  total,
                  result.status === 'FAILED' ? `a document FAILED ${result.reason}` : undefined,
                ),
            },
          );
          if (flags.json) printJson(results.map(toJsonResult));
          else printResultsTable(results);
          process.exitCode = results.every((r) => r.status === 'SUCCEEDED') ? 0 : 1;
        },
        'running-or-ephemeral',
      );
    });
};
