/**
 * Measures the drift analyser's false-alarm rate per chart-hour on synthetic
 * roll-ups with no shift, at thresholds loose enough for false alarms to be
 * counted, next to the e^-h bound it claims. `npm run bench:drift`.
 */
import { analyseDrift, DEFAULT_DRIFT_SETTINGS } from '#core/drift/index.ts';
import { hoursOf, NORMAL_TRAFFIC, seededRandom } from '#test/unit/drift/synthetic-rollups.ts';

const EVALUATED = '2026-11-27T15';
const SPAN = DEFAULT_DRIFT_SETTINGS.baselineHours + DEFAULT_DRIFT_SETTINGS.monitorHours;
const RUNS = Number(process.argv[2] ?? 2000);
const CHARTS = 6;

for (const h of [2, 3, 4]) {
  const settings = {
    ...DEFAULT_DRIFT_SETTINGS,
    falseAlarmHoursPerYear: CHARTS * 8760 * Math.exp(-h),
  };
  let above = 0;
  let charts = 0;
  for (let seed = 1; seed <= RUNS; seed += 1) {
    const hours = hoursOf(EVALUATED, SPAN, seededRandom(seed), NORMAL_TRAFFIC);
    const report = analyseDrift([{ promptVersion: '2.0.0', hours }], EVALUATED, settings);
    charts += report.charts.length;
    above += report.findings.length;
  }
  console.log(
    `h = ${h}: bound e^-h = ${Math.exp(-h).toFixed(4)}, measured ${(above / charts).toFixed(4)} (${above} of ${charts} chart-hours)`,
  );
}
