/**
 * Functions: per function invocations, errors, throttles, cold starts and
 * init time, duration percentiles, memory, and a per-minute duration chart,
 * from the runtime's own per-invocation REPORT records.
 */
import { api } from '../api.ts';
import { Chart } from '../chart.tsx';
import { Empty, ms, Show, useApi } from '../ui.tsx';

interface P {
  p50: number;
  p95: number;
  p99: number;
}
interface FunctionSummary {
  functionName: string;
  invocations: number;
  errors: number;
  coldStarts: number;
  durationMs: P | null;
  billedDurationMsTotal: number;
  initDurationMs: P | null;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  throttles: number;
  series: Array<{ minute: string; invocations: number; p50: number; p95: number }>;
}

export const FunctionsPage = () => {
  const report = useApi(
    () => api<{ source: string; note: string; functions: FunctionSummary[] }>('/api/functions'),
    [],
  );
  return (
    <section aria-labelledby="functions-title">
      <h1 id="functions-title">Functions</h1>
      <Show state={report} what="function figures">
        {(r) => (
          <>
            <p class="note">{r.note}</p>
            {r.functions.length === 0 ? (
              <Empty>No invocations recorded yet.</Empty>
            ) : (
              <>
                <div class="scroll">
                  <table>
                    <caption>Per function, since the stack started</caption>
                    <thead>
                      <tr>
                        <th scope="col">Function</th>
                        <th scope="col">Invocations</th>
                        <th scope="col">Errors</th>
                        <th scope="col">Throttles</th>
                        <th scope="col">Cold starts</th>
                        <th scope="col">Init p50</th>
                        <th scope="col">Duration p50</th>
                        <th scope="col">p95</th>
                        <th scope="col">p99</th>
                        <th scope="col">Billed total</th>
                        <th scope="col">Process memory / function size</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.functions.map((f) => (
                        <tr key={f.functionName}>
                          <th scope="row">{f.functionName}</th>
                          <td>{f.invocations}</td>
                          <td>{f.errors}</td>
                          <td>{f.throttles}</td>
                          <td>{f.coldStarts}</td>
                          <td>{ms(f.initDurationMs?.p50)}</td>
                          <td>{ms(f.durationMs?.p50)}</td>
                          <td>{ms(f.durationMs?.p95)}</td>
                          <td>{ms(f.durationMs?.p99)}</td>
                          <td>{ms(f.billedDurationMsTotal)}</td>
                          <td>
                            {f.maxMemoryUsedMb} / {f.memorySizeMb} MB
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <div class="charts">
                  {r.functions
                    .filter((f) => f.series.length > 0)
                    .map((f) => (
                      <Chart
                        key={f.functionName}
                        title={`${f.functionName}: duration per minute (ms)`}
                        x={f.series.map((s) => Date.parse(s.minute) / 1000)}
                        series={[
                          { label: 'p50', values: f.series.map((s) => s.p50) },
                          { label: 'p95', values: f.series.map((s) => s.p95) },
                        ]}
                      />
                    ))}
                </div>
              </>
            )}
          </>
        )}
      </Show>
    </section>
  );
};
