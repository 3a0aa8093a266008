/**
 * The bench's pipeline figure: per-round ratios of extra-document times on
 * both sides, their median and spread, and the alternating batch order.
 */
import { describe, expect, it } from 'vitest';
import {
  median,
  type Round,
  roundFigures,
  roundOrder,
  summariseRounds,
} from '../bench/alternating-rounds.ts';

const t = (ms: number, cpuMs = ms) => ({ ms, cpuMs });
/** A round whose extra 200 documents took `pipelineExtra` and `bareExtra` ms in all. */
const roundOf = (pipelineExtra: number, bareExtra: number, fixed = 1_000): Round => ({
  pipeline: { middle: t(fixed + pipelineExtra / 2), large: t(fixed + pipelineExtra * 1.5) },
  bare: { middle: t(bareExtra / 2, bareExtra), large: t(bareExtra * 1.5, bareExtra * 3) },
});

describe('bench alternating rounds', () => {
  it('divides the difference of the batch times by the extra documents, on both sides', () => {
    // Pipeline 100 docs 5 s, 300 docs 13 s: 40 ms per extra document; bare 2 s and 7 s: 25 ms.
    const figures = roundFigures(
      {
        pipeline: { middle: t(5_000), large: t(13_000) },
        bare: { middle: t(2_000), large: t(7_000) },
      },
      100,
      300,
    );
    expect(figures.pipelineMsPerExtraDocument).toBe(40);
    expect(figures.bareMsPerExtraDocument).toBe(25);
    expect(figures.ratio).toBe(1.6);
  });

  it('cancels a batch cost that does not grow with the documents', () => {
    const a = roundFigures(roundOf(16_000, 10_000, 0), 100, 300);
    const b = roundFigures(roundOf(16_000, 10_000, 3_000), 100, 300);
    expect(a.ratio).toBeCloseTo(1.6, 10);
    expect(b.ratio).toBeCloseTo(1.6, 10);
  });

  it('takes the median of the per-round ratios and reports their spread', () => {
    // Ratios 2.0, 1.2, 1.5: the median is 1.5, not the ratio of the medians of each side.
    const summary = summariseRounds(
      [roundOf(20_000, 10_000), roundOf(12_000, 10_000), roundOf(30_000, 20_000)],
      100,
      300,
    );
    expect(summary.rounds.map((r) => Number(r.ratio.toFixed(6)))).toEqual([2, 1.2, 1.5]);
    expect(summary.ratio).toEqual({ median: 1.5, min: 1.2, max: 2 });
    expect(summary.pipelineMsPerExtraDocument.median).toBe(100);
    // CPU: the bare side's CPU in roundOf is twice its wall time.
    expect(summary.cpuRatio.median).toBeCloseTo(0.75, 10);
  });

  it('refuses batches with no extra documents', () => {
    expect(() => roundFigures(roundOf(1, 1), 100, 100)).toThrow(/more documents/);
  });

  it('alternates the side that goes first and keeps each side next to the other', () => {
    expect(roundOrder(0)).toEqual([
      { side: 'bare', batch: 'middle' },
      { side: 'pipeline', batch: 'middle' },
      { side: 'bare', batch: 'large' },
      { side: 'pipeline', batch: 'large' },
    ]);
    expect(roundOrder(1).map((s) => s.side)).toEqual(['pipeline', 'bare', 'pipeline', 'bare']);
    expect(roundOrder(2)).toEqual(roundOrder(0));
  });

  it('medians an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
