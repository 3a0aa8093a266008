/**
 * Per-family scores of a `medextract eval --json` run over a family corpus:
 * `tsx local/corpus/layout-report.ts --dataset <dir> --eval <run.json>`
 * joins each document's counts with its `<id>.layout.json` sidecar and
 * prints one Markdown row per layout family (documents, P, R, F1). Prints
 * family names and numbers only, never document content.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import * as z from 'zod';
import {
  type DocumentCounts,
  familyScoresFromCounts,
  parseLayoutRecord,
} from '#core/evaluation/families.ts';

const EvalJson = z.object({
  documentResults: z.array(
    z.object({
      id: z.string(),
      tp: z.number(),
      fa: z.number(),
      fd: z.number(),
      fn: z.number(),
      tn: z.number(),
    }),
  ),
});

/** Markdown rows for the families of one evaluated dataset. */
export function layoutReport(dataset: string, evalJson: unknown): string[] {
  const documents: DocumentCounts[] = EvalJson.parse(evalJson).documentResults;
  const layoutOf = (id: string) => {
    const path = join(dataset, `${id}.layout.json`);
    return existsSync(path) ? parseLayoutRecord(JSON.parse(readFileSync(path, 'utf8'))) : null;
  };
  const rows = familyScoresFromCounts(documents, layoutOf).map(
    (f) =>
      `| ${f.family} | ${f.split} | ${f.documents} | ${f.precision.toFixed(3)} | ${f.recall.toFixed(3)} | ${f.f1.toFixed(3)} |`,
  );
  return [
    '| family | split | documents | precision | recall | F1 |',
    '|---|---|---|---|---|---|',
    ...rows,
  ];
}

if (process.argv[1]?.endsWith('layout-report.ts')) {
  const options = new Command('layout-report')
    .requiredOption('--dataset <dir>', 'the family corpus folder')
    .requiredOption('--eval <file>', 'output of medextract eval --json')
    .parse(process.argv)
    .opts<{ dataset: string; eval: string }>();
  for (const line of layoutReport(
    options.dataset,
    JSON.parse(readFileSync(options.eval, 'utf8')),
  )) {
    console.log(line);
  }
}
