/**
 * The layout part of the evaluation report, for the terminal and for
 * Markdown: held-out and tuned scores side by side per split, per layout
 * family and per field.
 */
import type { LayoutReport } from '#core/evaluation/layouts.ts';
import { markdownTable } from './eval-render-markdown.ts';
import { formatDelta, formatScore } from './eval-render-terminal.ts';

/** Header of the per-split table. */
export const SPLIT_TABLE_HEAD = [
  'layout split',
  'documents',
  'failed',
  'precision',
  'recall',
  'f1',
] as const;

/** One row per split present: tuning, held-out, then unlabelled. */
export const splitTableRows = (report: LayoutReport): string[][] =>
  report.splits.map((entry) => [
    entry.split,
    String(entry.documents),
    String(entry.failed),
    formatScore(entry.precision),
    formatScore(entry.recall),
    formatScore(entry.f1),
  ]);

/** Header of the per-family table. */
export const FAMILY_TABLE_HEAD = [
  'layout family',
  'split',
  'documents',
  'precision',
  'recall',
  'f1',
] as const;

/** One row per family, tuning families first. */
export const familyTableRows = (report: LayoutReport): string[][] =>
  report.families.map((entry) => [
    entry.family,
    entry.split,
    String(entry.documents),
    formatScore(entry.precision),
    formatScore(entry.recall),
    formatScore(entry.f1),
  ]);

/** Header of the per-field table. */
export const FIELD_SPLIT_HEAD = ['field', 'f1 tuning', 'f1 held-out', 'gap'] as const;

/** Per-field F1 on each side and the held-out minus tuning gap; `-` where a side has no score. */
export const fieldSplitRows = (report: LayoutReport): string[][] =>
  report.fields.map((row) => [
    row.path,
    formatScore(row.tuning),
    formatScore(row.heldOut),
    formatDelta(row.gap),
  ]);

/** The `## By layout` sections of the Markdown report. */
export const layoutsMarkdown = (report: LayoutReport): string =>
  [
    '## By layout split (micro)',
    '',
    'Each document is labelled by its `<id>.layout.json` sidecar. Tuning families are the ' +
      'layouts the extractor was developed against; held-out families are kept out of that ' +
      'work. `gap` is held-out F1 minus tuning F1.',
    '',
    markdownTable(SPLIT_TABLE_HEAD, splitTableRows(report)),
    '',
    '## By layout family (micro)',
    '',
    markdownTable(FAMILY_TABLE_HEAD, familyTableRows(report), 2),
    '',
    '## By field, tuning and held-out (F1)',
    '',
    markdownTable(
      FIELD_SPLIT_HEAD,
      fieldSplitRows(report).map(([path = '', ...rest]) => [`\`${path}\``, ...rest]),
    ),
    '',
  ].join('\n');
