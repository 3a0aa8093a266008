/**
 * `medextract dlq list|redrive`: parses the flags, calls the DLQ use cases
 * (see services/dlq-redrive.ts and services/aggregator-redrive.ts for what a
 * redrive does) and prints the results. Listing shows ids, reason codes and
 * error names only. The procedure around it: docs/runbook.md.
 */
import type { Command } from 'commander';
import { redriveAggregator } from '#services/aggregator-redrive.ts';
import { DLQ_NAMES, type DlqName, listDlq } from '#services/dlq.ts';
import { redriveExtraction, redriveIngest, waitForExecutions } from '#services/dlq-redrive.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { progressReporter } from '../progress.ts';
import { withTarget } from '../target.ts';

const queueFlag = (text: string): DlqName => {
  const queue = DLQ_NAMES.find((q) => q === text);
  if (!queue) throw new UsageError(`--queue must be one of ${DLQ_NAMES.join(', ')}`);
  return queue;
};

const positive = (flag: string, text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, got '${text}'`);
  return value;
};

interface ListFlags extends TargetFlags {
  readonly queue: string;
  readonly max: string;
}

interface RedriveFlags extends ListFlags {
  readonly rate: string;
  readonly ids?: string;
  readonly wait?: boolean;
  readonly timeout: string;
}

const idsFlag = (text: string): string[] => {
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new UsageError('--ids needs at least one message id');
  return ids;
};

export const registerDlq = (program: Command): void => {
  const dlq = program.command('dlq').description('dead-letter queues: list and redrive');

  withTargetOptions(
    dlq
      .command('list')
      .description('messages in a DLQ: ids, reason codes, errors (never document content)')
      .option('--queue <queue>', `${DLQ_NAMES.join(' or ')}`, 'extraction')
      .option('--max <n>', 'at most this many messages', '10'),
  ).action(async (flags: ListFlags) => {
    const queue = queueFlag(flags.queue);
    const max = Math.floor(positive('--max', flags.max));
    await withTarget(flags, async (target) => {
      const entries = await listDlq(target, queue, max);
      if (flags.json) printJson(entries);
      else if (entries.length === 0) process.stdout.write(`The ${queue} DLQ is empty.\n`);
      else
        printTable(
          ['message id', 'document id', 'reason', 'error', 'sent at', 'receives'],
          entries.map((e) => [
            e.messageId,
            e.documentId,
            e.reason,
            e.error,
            e.sentAt,
            e.receiveCount,
          ]),
        );
    });
  });

  withTargetOptions(
    dlq
      .command('redrive')
      .description(
        'extraction: a new execution per failed document; ingest: back onto the ingest queue; aggregator: replay each failed batch',
      )
      .option('--queue <queue>', `${DLQ_NAMES.join(' or ')}`, 'extraction')
      .option('--max <n>', 'at most this many messages', '100')
      .option('--rate <n>', 'at most this many messages per second', '5')
      .option('--ids <ids>', 'only these message ids (comma-separated, as `dlq list` shows them)')
      .option('--wait', 'extraction: wait for the new executions and report how they ended')
      .option('--timeout <seconds>', 'with --wait: give up waiting after this long', '300'),
  ).action(async (flags: RedriveFlags) => {
    const queue = queueFlag(flags.queue);
    const options = {
      max: Math.floor(positive('--max', flags.max)),
      rate: positive('--rate', flags.rate),
      ...(flags.ids === undefined ? {} : { messageIds: idsFlag(flags.ids) }),
    };
    const timeoutMs = positive('--timeout', flags.timeout) * 1000;
    await withTarget(flags, async (target) => {
      let results =
        queue === 'extraction'
          ? await redriveExtraction(target, options)
          : queue === 'ingest'
            ? await redriveIngest(target, options)
            : await redriveAggregator(target, options);
      if (flags.wait && queue === 'extraction') {
        const progress = progressReporter(process.stderr, 'redrive', 'executions ended');
        results = await waitForExecutions(target, results, timeoutMs, progress);
      }
      if (flags.json) printJson(results);
      else if (results.length === 0)
        process.stdout.write(`The ${queue} DLQ is empty; nothing to redrive.\n`);
      else {
        printTable(
          ['message id', 'document id', 'outcome', 'new execution', 'status', 'detail'],
          results.map((r) => [
            r.messageId,
            r.documentId,
            r.outcome,
            r.executionArn?.split(':').at(-1),
            r.status,
            r.detail,
          ]),
        );
      }
      const skipped = results.filter((r) => r.outcome === 'skipped').length;
      const failedAgain = results.filter(
        (r) => r.status !== undefined && r.status !== 'SUCCEEDED',
      ).length;
      process.exitCode = skipped > 0 || failedAgain > 0 ? 1 : 0;
    });
  });
};
