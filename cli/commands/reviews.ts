/**
 * `medextract reviews list|show|approve|export`: the review queue, one
 * document under review, approval, and the approved documents written as a
 * labelled dataset (`<id>.pdf` + `<id>.truth.json`, the truth being the
 * corrected fields) that `medextract eval --dataset <dir>` reads.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exportReviewedDocuments } from '#services/review-export.ts';
import { approveReview, getReview, listReviewQueue } from '#services/reviews.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';

interface ListFlags extends TargetFlags {
  readonly max: string;
}
interface ApproveFlags extends TargetFlags {
  readonly reviewer?: string;
}

export const registerReviews = (program: Command): void => {
  const reviews = program
    .command('reviews')
    .description('documents sent to review (NEEDS_REVIEW): queue, approval, export as a dataset');

  withTargetOptions(
    reviews
      .command('list')
      .description('the review queue, most flags then lowest confidence first')
      .option('--max <n>', 'at most this many (1-200)', '50'),
  ).action(async (flags: ListFlags) => {
    const limit = Number(flags.max);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new UsageError(`--max must be a whole number from 1 to 200, got '${flags.max}'`);
    }
    await withTarget(flags, async (target) => {
      const page = await listReviewQueue(target, { limit });
      if (flags.json) return printJson(page);
      printTable(
        ['document id', 'flags', 'lowest confidence', 'prompt version', 'received'],
        page.items.map((item) => [
          item.documentId,
          String(item.flagCount),
          item.lowestConfidence === null ? null : item.lowestConfidence.toFixed(2),
          item.promptVersion,
          item.receivedAt,
        ]),
      );
    });
  });

  withTargetOptions(
    reviews
      .command('show')
      .description('one document under review as JSON: fields, evidence, confidence, decisions')
      .argument('<documentId>', '64 hex digits'),
  ).action(async (documentId: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => printJson(await getReview(target, documentId)));
  });

  withTargetOptions(
    reviews
      .command('approve')
      .description('approve a document: its decisions are applied and it becomes SUCCEEDED')
      .argument('<documentId>', '64 hex digits')
      .requiredOption('--reviewer <id>', 'who approves (an operator id, never a patient detail)'),
  ).action(async (documentId: string, flags: ApproveFlags) => {
    const reviewer = flags.reviewer?.trim() ?? '';
    if (reviewer === '') throw new UsageError('--reviewer must name who approves');
    await withTarget(flags, async (target) => {
      const approved = await approveReview(target, documentId, { reviewer });
      if (flags.json) return printJson(approved);
      console.log(`approved ${documentId} (${approved.decisions.length} decisions applied)`);
    });
  });

  withTargetOptions(
    reviews
      .command('export')
      .description(
        'write every approved document as <id>.pdf + <id>.truth.json (the corrected fields), for medextract eval --dataset',
      )
      .argument('<dir>', 'folder to write into (created when missing)'),
  ).action(async (dir: string, flags: TargetFlags) => {
    await mkdir(dir, { recursive: true });
    await withTarget(flags, async (target) => {
      const summary = await exportReviewedDocuments(target, async (document) => {
        await writeFile(join(dir, `${document.documentId}.pdf`), document.pdf);
        await writeFile(
          join(dir, `${document.documentId}.truth.json`),
          `${JSON.stringify(document.truth, null, 2)}\n`,
        );
      });
      const written = summary.approved - summary.missing;
      if (flags.json) return printJson({ ...summary, written });
      console.log(
        `exported ${written} reviewed documents` +
          (summary.missing > 0 ? ` (${summary.missing} skipped: PDF or result gone)` : ''),
      );
    });
  });
};
