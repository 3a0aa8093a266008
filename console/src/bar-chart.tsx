/**
 * A category chart with uPlot on a canvas: one x position per named
 * category (a histogram bucket, a function), one series drawn as bars and
 * any others as points over them; the data also in a table for screen readers.
 */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

export interface BarChartProps {
  title: string;
  categories: readonly string[];
  series: ReadonlyArray<{
    label: string;
    values: ReadonlyArray<number | null>;
    /** Bars (the default; one such series a chart) or points drawn over them. */
    kind?: 'bars' | 'points';
  }>;
  unit?: string;
  testId?: string;
}

export const BarChart = ({ title, categories, series, unit = '', testId }: BarChartProps) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        title,
        width: Math.max(280, Math.min(560, el.clientWidth || 560)),
        height: 220,
        series: [
          {},
          ...series.map((s, i) => {
            const colour = COLOURS[i % COLOURS.length] ?? '#2563eb';
            const value = (_u: uPlot, v: number | null) => (v === null ? '—' : `${v}${unit}`);
            if ((s.kind ?? 'bars') === 'points') {
              return {
                label: s.label,
                stroke: colour,
                paths: () => null,
                points: { show: true, size: 10, fill: colour },
                value,
              };
            }
            return {
              label: s.label,
              stroke: colour,
              fill: `${colour}99`,
              paths: uPlot.paths.bars?.({ size: [0.6, 80] }),
              points: { show: false },
              value,
            };
          }),
        ],
        scales: {
          x: { time: false, range: () => [-0.5, categories.length - 0.5] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
        },
        axes: [
          {
            stroke: 'currentColor',
            splits: () => categories.map((_, k) => k),
            values: (_u, splits) => splits.map((k) => categories[k] ?? ''),
            rotate: categories.length > 6 ? -30 : 0,
            size: categories.length > 6 ? 70 : 40,
          },
          { stroke: 'currentColor' },
        ],
      },
      [categories.map((_, k) => k), ...series.map((s) => s.values as (number | null)[])],
      el,
    );
    return () => plot.destroy();
  }, [title, categories, series, unit]);
  const points = series.reduce(
    (sum, s) => sum + s.values.filter((v) => v !== null && v !== 0).length,
    0,
  );
  return (
    <figure class="chart" data-points={points} data-testid={testId}>
      <div ref={box} />
      <details>
        <summary>{title}: data table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Category</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c}>
                <td>{c}</td>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};
