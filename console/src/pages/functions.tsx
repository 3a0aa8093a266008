/**
 * Functions: per function invocations, errors, throttles, cold starts and
 * init time, duration percentiles, memory; the cold-start distribution,
 * duration trend and memory used against configured as charts; and memory
 * recommendations with their monthly saving, from the local runtime's
 * REPORT records or, on AWS, from CloudWatch.
 */
import { api } from '../api.ts';
import { BarChart } from '../bar-chart.tsx';
import { Chart } from '../chart.tsx';
import { Empty, ms, Show, usd, useApi } from '../ui.tsx';

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
  maxMemoryUsedP99Mb: number | null;
  initHistogram: Array<{ fromMs: number; toMs: number | null; count: number }>;
  throttles: number;
  peakConcurrentExecutions: number | null;
  series: Array<{ minute: string; invocations: number; p50: number; p95: number }>;
}
interface Recommendation {
  functionName: string;
  action: 'lower' | 'raise' | 'keep' | 'none';
  currentMemoryMb: number;
  suggestedMemoryMb: number | null;
  headroomPercent: number | null;
  invocationsPerMonth: number;
  monthlyCostMicroUsd: number;
  suggestedMonthlyCostMicroUsd: number;
  monthlySavingMicroUsd: number;
  initDominated: boolean;
  reason: string;
}
interface FunctionsReport {
  source: 'local-runtime' | 'cloudwatch' | 'none';
  note: string;
  window: { from: string; to: string; seconds: number } | null;
  functions: FunctionSummary[];
  recommendations: Recommendation[];
  pricing: {
    microUsdPerGbSecond: number;
    microUsdPerRequest: number;
    architecture: string;
    region: string;
    readOn: string;
    source: string;
  };
}

const bucketLabel = (b: { fromMs: number; toMs: number | null }) =>
  b.toMs === null ? `${b.fromMs}+ ms` : `${b.fromMs}–${b.toMs}`;

/** A window's length in words: minutes under two hours, else hours. */
const span = (seconds: number) =>
  seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;

const ACTIONS: Record<Recommendation['action'], string> = {
  lower: 'Lower',
  raise: 'Raise',
  keep: 'Keep',
  none: 'No data',
};

const Recommendations = ({ r }: { r: FunctionsReport }) => (
  <>
    <h2 id="recommendations-title">Memory recommendations</h2>
    <p class="note">
      Smallest standard size with at least 30% headroom over p99 memory used; monthly cost is
      GB-seconds and requests at the rate observed over the last{' '}
      {r.window ? span(r.window.seconds) : '—'}, duration assumed unchanged. Prices:{' '}
      {r.pricing.architecture} ${(r.pricing.microUsdPerGbSecond / 1e6).toFixed(10)} per GB-s and $
      {/* micro-dollars a request are dollars a million requests */}
      {r.pricing.microUsdPerRequest.toFixed(2)} per million requests, {r.pricing.region}, read{' '}
      {r.pricing.readOn} from <a href={r.pricing.source}>AWS Lambda pricing</a>.
    </p>
    <div class="scroll">
      <table data-testid="recommendations" aria-labelledby="recommendations-title">
        <thead>
          <tr>
            <th scope="col">Function</th>
            <th scope="col">Action</th>
            <th scope="col">Configured</th>
            <th scope="col">Suggested</th>
            <th scope="col">Headroom</th>
            <th scope="col">Calls / month</th>
            <th scope="col">Cost / month</th>
            <th scope="col">At suggestion</th>
            <th scope="col">Saving / month</th>
            <th scope="col">Cold start</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {r.recommendations.map((rec) => (
            <tr key={rec.functionName} data-action={rec.action}>
              <th scope="row">{rec.functionName}</th>
              <td>{ACTIONS[rec.action]}</td>
              <td>{rec.currentMemoryMb} MB</td>
              <td>{rec.suggestedMemoryMb === null ? '—' : `${rec.suggestedMemoryMb} MB`}</td>
              <td>{rec.headroomPercent === null ? '—' : `${rec.headroomPercent}%`}</td>
              <td>{rec.invocationsPerMonth.toLocaleString('en-US')}</td>
              <td>{usd(rec.monthlyCostMicroUsd)}</td>
              <td>{usd(rec.suggestedMonthlyCostMicroUsd)}</td>
              <td>{usd(rec.monthlySavingMicroUsd)}</td>
              <td>{rec.initDominated ? 'Init dominates p95' : '—'}</td>
              <td>{rec.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </>
);

export const FunctionsPage = () => {
  const report = useApi(() => api<FunctionsReport>('/api/functions'), []);
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
                    <caption>
                      Per function,{' '}
                      {r.source === 'cloudwatch' ? 'from CloudWatch' : 'since the stack started'}
                    </caption>
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
                        <th scope="col">
                          {r.source === 'local-runtime' ? 'Process memory' : 'Max memory'} /
                          function size
                        </th>
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
                <Recommendations r={r} />
                <h2>Memory used against configured</h2>
                <div class="charts">
                  <BarChart
                    testId="memory-chart"
                    title="Memory per function (MB)"
                    categories={r.functions.map((f) => f.functionName)}
                    series={[
                      { label: 'configured', values: r.functions.map((f) => f.memorySizeMb) },
                      {
                        label: 'p99 used',
                        kind: 'points',
                        values: r.functions.map((f) => f.maxMemoryUsedP99Mb),
                      },
                    ]}
                    unit=" MB"
                  />
                </div>
                <h2>Cold-start distribution</h2>
                <div class="charts" data-testid="cold-start-charts">
                  {r.functions
                    .filter((f) => f.coldStarts > 0)
                    .map((f) => (
                      <BarChart
                        key={f.functionName}
                        title={`${f.functionName}: init duration (cold starts)`}
                        categories={f.initHistogram.map(bucketLabel)}
                        series={[
                          { label: 'cold starts', values: f.initHistogram.map((b) => b.count) },
                        ]}
                      />
                    ))}
                </div>
                <h2>Duration trend</h2>
                <div class="charts" data-testid="duration-charts">
                  {r.functions
                    .filter((f) => f.series.length > 0)
                    .map((f) => (
                      <Chart
                        key={f.functionName}
                        title={`${f.functionName}: duration per ${r.source === 'cloudwatch' ? '5 minutes' : 'minute'} (ms)`}
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
