/**
 * `medextract documents list|get`: parses the flags, calls the ledger's
 * upload use cases and prints one entry per upload (key, id, status, reason,
 * prompt version, times, execution); `results` lists the results table's
 * scores and costs, `result` one document with its extracted fields.
 */
import type { Command } from 'commander';
import { formatUsd } from '#core/extraction/cost.ts';
import {
  getUploads,
  isLedgerStatus,
  listUploads,
  type UploadEntry,
} from '#services/document-ledger.ts';
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

interface UploadListFlags extends TargetFlags {
  readonly prefix?: string;
  readonly status?: string;
  readonly since?: string;
  readonly until?: string;
  readonly version?: string;
  readonly max: string;
}

const printUploads = (uploads: readonly UploadEntry[], json: boolean | undefined): void => {
  if (json) {
    printJson(uploads);
    return;
  }
  // The column appears only when an upload reused an identical earlier extraction.
  const reuse = uploads.some((u) => u.reusedFrom !== null);
  printTable(
    [
      'key',
      'document id',
      'status',
      'reason',
      'prompt version',
      'received',
      'completed',
      'execution',
      ...(reuse ? ['reused from'] : []),
    ],
    uploads.map((u) => [
      u.key,
      u.documentId,
      u.status,
      u.reason,
      u.promptVersion,
      u.receivedAt,
      u.completedAt,
      u.executionArn,
      ...(reuse ? [u.reusedFrom] : []),
    ]),
  );
};

export const registerDocuments = (program: Command): void => {
  const documents = program
    .command('documents')
    .description('every upload and its ledger outcome; results with scores and costs');

  withTargetOptions(
    documents
      .command('list')
      .description('one entry per upload, from the document ledger, by key')
      .option('--prefix <prefix>', 'only keys starting with this (e.g. incoming/2026/)')
      .option(
        '--status <status>',
        'RECEIVED, PROCESSING, SUCCEEDED, NEEDS_REVIEW, FAILED, IGNORED or SUPERSEDED',
      )
      .option('--since <time>', 'uploaded at or after this ISO 8601 time')
      .option('--until <time>', 'uploaded before this ISO 8601 time')
      .option('--version <version>', 'only uploads extracted with this prompt version')
      .option('--max <n>', 'at most this many', '1000'),
  ).action(async (flags: UploadListFlags) => {
    if (flags.status !== undefined && !isLedgerStatus(flags.status)) {
      throw new UsageError(`--status must be one of the ledger statuses, got '${flags.status}'`);
    }
    const status = flags.status;
    const limit = Number(flags.max);
    if (!Number.isInteger(limit) || limit <= 0) {
      throw new UsageError(`--max must be a positive whole number, got '${flags.max}'`);
    }
    await withTarget(flags, async (target) => {
      const uploads = await listUploads(target, {
        limit,
        ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
        ...(status !== undefined && isLedgerStatus(status) ? { status } : {}),
        ...(flags.since !== undefined ? { receivedFrom: flags.since } : {}),
        ...(flags.until !== undefined ? { receivedTo: flags.until } : {}),
        ...(flags.version !== undefined ? { promptVersion: flags.version.replace(/^v/, '') } : {}),
      });
      printUploads(uploads, flags.json);
    });
  });

  withTargetOptions(
    documents
      .command('get')
      .description('what happened to one upload: by key (every version) or document id')
      .argument('<keyOrDocumentId>', 'object key (incoming/ may be left out) or 64-hex-digit id'),
  ).action(async (keyOrId: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      printUploads(await getUploads(target, keyOrId), flags.json);
    });
  });

  withTargetOptions(
    documents
      .command('results')
      .description('processed documents with scores, newest first when filtered')
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
      .command('result')
      .description('one processed document with its extracted fields (as JSON)')
      .argument('<documentId>', 'the 64-hex-digit document id'),
  ).action(async (documentId: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      printJson(await getDocument(target, documentId));
    });
  });
};
