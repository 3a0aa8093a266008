/**
 * `medextract documents list|get`: parses the flags, calls the document use
 * cases and prints ids, status, reason codes and numbers (never object keys).
 */
import type { Command } from 'commander';
import { formatUsd } from '#core/extraction/cost.ts';
import { getDocument, listDocuments } from '#services/documents.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';

interface ListFlags extends TargetFlags {
  readonly status?: string;
  readonly version?: string;
  readonly max: string;
}

const statusFlag = (text: string | undefined): 'SUCCEEDED' | 'FAILED' | undefined => {
  if (text === undefined) return undefined;
  if (text === 'SUCCEEDED' || text === 'FAILED') return text;
  throw new UsageError('--status must be SUCCEEDED or FAILED');
};

export const registerDocuments = (program: Command): void => {
  const documents = program
    .command('documents')
    .description('processed documents: status, reason, prompt version, scores');

  withTargetOptions(
    documents
      .command('list')
      .description('documents, newest first when filtered by status or prompt version')
      .option('--status <status>', 'SUCCEEDED or FAILED')
      .option('--version <version>', 'only documents extracted with this prompt version')
      .option('--max <n>', 'at most this many', '50'),
  ).action(async (flags: ListFlags) => {
    const status = statusFlag(flags.status);
    const limit = Number(flags.max);
    if (!Number.isInteger(limit) || limit <= 0) {
      throw new UsageError(`--max must be a positive whole number, got '${flags.max}'`);
    }
    await withTarget(flags, async (target) => {
      const list = await listDocuments(target, {
        limit,
        ...(status ? { status } : {}),
        ...(flags.version ? { promptVersion: flags.version } : {}),
      });
      if (flags.json) printJson(list);
      else
        printTable(
          [
            'document id',
            'status',
            'reason',
            'prompt version',
            'completeness',
            'cost',
            'completed',
          ],
          list.map((d) => [
            d.documentId,
            d.status,
            d.reason,
            d.promptVersion,
            d.completeness?.toFixed(3),
            d.costMicroUsd === null ? null : formatUsd(d.costMicroUsd),
            d.completedAt,
          ]),
        );
    });
  });

  withTargetOptions(
    documents
      .command('get')
      .description('one document with its extracted fields (as JSON)')
      .argument('<documentId>', 'the 64-hex-digit document id'),
  ).action(async (documentId: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      printJson(await getDocument(target, documentId));
    });
  });
};
