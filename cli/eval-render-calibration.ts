/**
 * The calibration section of the evaluation report: the headline (AUROC,
 * ECE, grounded share), the reliability table's populated bins and the
 * per-field figures, as rows for the terminal and as Markdown.
 */
import type { CalibrationResult } from '#core/evaluation/calibration.ts';
import { markdownTable } from './eval-render-markdown.ts';
import { formatScore } from './eval-render-terminal.ts';

export const RELIABILITY_HEAD = [
  'confidence bin',
  'values',
  'mean confidence',
  'accuracy',
] as const;

export const CALIBRATION_FIELD_HEAD = [
  'field',
  'values',
  'correct',
  'auroc',
  'ece',
  'grounded',
] as const;

/** One line: what was judged and the headline figures, or why there are none. */
export const calibrationLine = (result: CalibrationResult): string => {
  if (!result.available) {
    return `calibration: not available (${result.unavailable.code}: ${result.unavailable.message})`;
  }
  const { overall, documents, withoutConfidence } = result.summary;
  const skipped = withoutConfidence > 0 ? `, ${withoutConfidence} values without confidence` : '';
  return (
    `calibration over ${overall.values} values of ${documents} documents (${overall.correct} correct${skipped}): ` +
    `AUROC ${formatScore(overall.auroc)}, ECE ${formatScore(overall.ece)}, ` +
    `grounded ${formatScore(overall.groundedShare)}`
  );
};

/** Populated bins of the overall reliability table. */
export const reliabilityRows = (result: CalibrationResult): string[][] =>
  result.available
    ? result.summary.overall.bins
        .filter((bin) => bin.count > 0)
        .map((bin) => [
          `${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}`,
          String(bin.count),
          formatScore(bin.meanConfidence),
          formatScore(bin.accuracy),
        ])
    : [];

/** Per-field calibration rows. */
export const calibrationFieldRows = (result: CalibrationResult): string[][] =>
  result.available
    ? Object.entries(result.summary.fields).map(([path, figures]) => [
        path,
        String(figures.values),
        String(figures.correct),
        formatScore(figures.auroc),
        formatScore(figures.ece),
        formatScore(figures.groundedShare),
      ])
    : [];

/** The `## Calibration` section of the Markdown report. */
export const calibrationMarkdown = (result: CalibrationResult): string =>
  result.available
    ? [
        '## Calibration',
        '',
        calibrationLine(result),
        '',
        markdownTable(RELIABILITY_HEAD, reliabilityRows(result)),
        '',
        markdownTable(CALIBRATION_FIELD_HEAD, calibrationFieldRows(result)),
        '',
      ].join('\n')
    : ['## Calibration', '', calibrationLine(result), ''].join('\n');
