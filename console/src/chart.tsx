/**
 * A time-series chart with uPlot on a canvas: one x axis of times, one or
 * more named series; the data also in a table for screen readers.
 */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

export interface ChartProps {
  title: string;
  /** Unix seconds. */
  x: readonly number[];
  series: ReadonlyArray<{ label: string; values: ReadonlyArray<number | null> }>;
  unit?: string;
}

export const Chart = ({ title, x, series, unit = '' }: ChartProps) => {
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
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length] ?? '#2563eb',
            width: 2,
            points: { show: true, size: 6 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(2)}${unit}`),
          })),
        ],
        scales: {
          // One point (one hour, one minute) still gets a readable window around it.
          x: {
            time: true,
            range: (_u, min, max) => (min === max ? [min - 1800, max + 1800] : [min, max]),
          },
          y: {
            range: (_u, min, max) =>
              min === max
                ? [Math.min(0, min), max === 0 ? 1 : max * 1.2]
                : [Math.min(0, min), max * 1.1],
          },
        },
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
      },
      [x as number[], ...series.map((s) => s.values as (number | null)[])],
      el,
    );
    return () => plot.destroy();
  }, [title, x, series, unit]);
  return (
    <figure class="chart" data-points={x.length}>
      <div ref={box} />
      <details>
        <summary>{title}: data table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {x.map((t, i) => (
              <tr key={t}>
                <td>{new Date(t * 1000).toISOString().slice(0, 16)}</td>
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
