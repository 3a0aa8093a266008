/**
 * The drift analyser on synthetic roll-ups: silent without a shift (and its
 * measured false-alarm rate within the bound it claims), and a finding on the
 * right signal, direction and stream for each kind of shift.
 */
import { describe, expect, it } from 'vitest';
import {
  addHours,
  analyseDrift,
  cusumThreshold,
  DEFAULT_DRIFT_SETTINGS,
  type DriftSettings,
  type RollupStream,
} from '#core/drift/index.ts';
import { hoursOf, NORMAL_TRAFFIC, seededRandom, type TrafficProfile } from './synthetic-rollups.ts';

const EVALUATED = '2026-11-27T15';
const SPAN = DEFAULT_DRIFT_SETTINGS.baselineHours + DEFAULT_DRIFT_SETTINGS.monitorHours;

const streamsOf = (
  seed: number,
  shift?: { readonly from: string; readonly after: TrafficProfile },
): RollupStream[] => {
  const random = seededRandom(seed);
  const version = hoursOf(EVALUATED, SPAN, random, NORMAL_TRAFFIC, shift);
  // The ALL stream holds the same documents as the one version here.
  return [
    { promptVersion: '2.0.0', hours: version },
    { promptVersion: null, hours: version },
  ];
};

describe('drift analyser without a shift', () => {
  it('raises no finding on 30 independent synthetic weeks', () => {
    // Prepare
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1);

    // Act
    const reports = seeds.map((seed) => analyseDrift(streamsOf(seed), EVALUATED));

    // Assess
    expect(reports.flatMap((report) => report.findings)).toEqual([]);
    for (const report of reports) {
      // 6 charts for the version, 2 outcome-share charts (NOT_PDF, NO_TEXT_LAYER).
      expect(report.charts.filter((chart) => chart.status === 'evaluated')).toHaveLength(8);
      expect(report.threshold).toBeCloseTo(Math.log(8 * 8760), 10);
    }
  });

  it('keeps the measured false-alarm rate per chart-hour within the e^-h bound', () => {
    // Prepare: a loose budget so the threshold is h = 2 and false alarms are frequent enough to count
    const charts = 6;
    const h = 2;
    const settings: DriftSettings = {
      ...DEFAULT_DRIFT_SETTINGS,
      falseAlarmHoursPerYear: charts * 8760 * Math.exp(-h),
    };
    // 150 weeks x 6 charts = 900 chart-runs. Were the true rate 1.4 x the bound
    // (0.19), the observed rate's standard error would be sqrt(0.19 x 0.81 / 900)
    // = 0.013, putting the bound 4.2 standard errors below it: a rate that much too
    // high fails here. The analyser measures 0.016 (14 of 900), well inside.
    const runs = 150;

    // Act
    let above = 0;
    let evaluated = 0;
    for (let seed = 1000; seed < 1000 + runs; seed += 1) {
      const random = seededRandom(seed);
      const stream = {
        promptVersion: '2.0.0',
        hours: hoursOf(EVALUATED, SPAN, random, NORMAL_TRAFFIC),
      };
      const report = analyseDrift([stream], EVALUATED, settings);
      expect(report.threshold).toBeCloseTo(h, 10);
      evaluated += report.charts.length;
      above += report.findings.length;
    }
    const rate = above / evaluated;

    // Assess: e^-2 = 0.135 is the bound; the observed rate must not exceed it
    expect(evaluated).toBe(runs * charts);
    expect(rate).toBeLessThanOrEqual(Math.exp(-h));
  }, 120_000); // CPU-bound simulation: generous on a loaded machine, never a speed check.
});

describe('drift analyser with a shift', () => {
  const shiftFrom = addHours(EVALUATED, -9);

  it('finds a completeness drop on its prompt version and dates the change', () => {
    // Prepare
    const after = { ...NORMAL_TRAFFIC, completenessMean: 0.84 };

    // Act
    const report = analyseDrift(streamsOf(7, { from: shiftFrom, after }), EVALUATED);

    // Assess
    expect(report.findings.map((f) => [f.promptVersion, f.signal, f.direction])).toEqual([
      ['2.0.0', 'completeness', 'decrease'],
    ]);
    const finding = report.findings[0];
    expect(finding?.current).toBeLessThan(0.9);
    expect(finding?.baseline).toBeCloseTo(0.92, 1);
    // The CUSUM change-point estimate lands within two hours of the real start.
    const started = finding?.changeStartedAt ?? '';
    expect(started >= addHours(shiftFrom, -2) && started <= addHours(shiftFrom, 2)).toBe(true);
  });

  it('finds a rise in input tokens per document and nothing else', () => {
    // Prepare
    const after = { ...NORMAL_TRAFFIC, inputTokensMean: 5600 };

    // Act
    const report = analyseDrift(streamsOf(11, { from: shiftFrom, after }), EVALUATED);

    // Assess
    expect(report.findings.map((f) => [f.signal, f.direction])).toEqual([
      ['inputTokensPerDocument', 'increase'],
    ]);
  });

  it('finds a drop in output tokens per document', () => {
    // Prepare
    const after = { ...NORMAL_TRAFFIC, outputTokensMean: 400 };

    // Act
    const report = analyseDrift(streamsOf(12, { from: shiftFrom, after }), EVALUATED);

    // Assess
    expect(report.findings.map((f) => [f.signal, f.direction])).toEqual([
      ['outputTokensPerDocument', 'decrease'],
    ]);
  });

  it('finds a drop in the required-field fill rate', () => {
    // Prepare
    const after = { ...NORMAL_TRAFFIC, requiredFillRate: 0.6 };

    // Act
    const report = analyseDrift(streamsOf(13, { from: shiftFrom, after }), EVALUATED);

    // Assess
    expect(report.findings.map((f) => f.signal)).toEqual(['requiredFieldFillRate']);
  });

  it('finds a change in the outcome mix on the stream of every document', () => {
    // Prepare: scanned documents without a text layer go from 2 % to 15 %
    const after = { ...NORMAL_TRAFFIC, failureShares: { NOT_PDF: 0.01, NO_TEXT_LAYER: 0.15 } };

    // Act
    const report = analyseDrift(streamsOf(14, { from: shiftFrom, after }), EVALUATED);

    // Assess
    const mix = report.findings.filter((f) => f.promptVersion === null);
    expect(mix.map((f) => [f.signal, f.direction])).toEqual([
      ['outcomeShare:NO_TEXT_LAYER', 'increase'],
    ]);
  });

  it('clears the finding once the affected hours leave the monitored window', () => {
    // Prepare: six bad hours, then normal traffic again
    const random = seededRandom(21);
    const lastBad = addHours(EVALUATED, -DEFAULT_DRIFT_SETTINGS.monitorHours);
    const bad = { ...NORMAL_TRAFFIC, completenessMean: 0.8 };
    const hours = hoursOf(lastBad, SPAN, random, NORMAL_TRAFFIC, {
      from: addHours(lastBad, -5),
      after: bad,
    });
    const normalAgain = hoursOf(
      EVALUATED,
      DEFAULT_DRIFT_SETTINGS.monitorHours,
      random,
      NORMAL_TRAFFIC,
    );
    const stream = { promptVersion: '2.0.0', hours: { ...hours, ...normalAgain } };
    const during = analyseDrift([stream], addHours(lastBad, 1));

    // Act
    const after = analyseDrift([stream], EVALUATED);

    // Assess
    expect(during.findings.map((f) => f.signal)).toEqual(['completeness']);
    expect(after.findings).toEqual([]);
  });
});

describe('drift analyser on thin data', () => {
  it('skips a prompt version with too little baseline instead of guessing', () => {
    // Prepare: a new version that only served the monitored day
    const random = seededRandom(5);
    const hours = hoursOf(EVALUATED, DEFAULT_DRIFT_SETTINGS.monitorHours, random, {
      ...NORMAL_TRAFFIC,
      completenessMean: 0.5,
    });

    // Act
    const report = analyseDrift([{ promptVersion: '2.1.0', hours }], EVALUATED);

    // Assess
    expect(report.findings).toEqual([]);
    expect(new Set(report.charts.map((chart) => chart.status))).toEqual(
      new Set(['insufficient-baseline']),
    );
  });

  it('reports the windows it compared', () => {
    // Prepare / Act
    const report = analyseDrift([], EVALUATED);

    // Assess
    expect(report.monitorHours).toEqual(['2026-11-26T16', EVALUATED]);
    expect(report.baselineHours).toEqual(['2026-11-19T16', '2026-11-26T15']);
    expect(report.threshold).toBeCloseTo(cusumThreshold(1, 1), 10);
  });
});
