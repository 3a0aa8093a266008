/**
 * Metrics per prompt version over time (documents, success rate, failures
 * by reason, latency p50/p95/p99, cost per document, completeness, tokens)
 * from the hourly roll-ups, and a comparison of two versions.
 */
import { useState } from 'preact/hooks';
import { api, post } from '../api.ts';
import { Chart } from '../chart.tsx';
import type { VersionMetrics } from '../types.ts';
import { Empty, ms, num, pct, Show, usd, useApi, VersionSelect } from '../ui.tsx';

interface Hourly {
  version: string;
  hours: Array<{ hour: string; metrics: VersionMetrics }>;
}

const WINDOWS = ['24h', '7d', '30d'];

const VersionCharts = ({ version, since }: { version: string; since: string }) => {
  const series = useApi(
    () => api<Hourly>(`/api/metrics/prompts/${version}/hourly?since=${since}`),
    [version, since],
  );
  return (
    <Show state={series} what={`the series of ${version}`}>
      {(s) => {
        if (s.hours.length === 0) return <Empty>No documents for {version} in this window.</Empty>;
        const x = s.hours.map((h) => Date.parse(h.hour) / 1000);
        const m = s.hours.map((h) => h.metrics);
        return (
          <div class="charts">
            <Chart
              title="Documents"
              x={x}
              series={[
                { label: 'documents', values: m.map((v) => v.documents) },
                { label: 'failed', values: m.map((v) => v.failed) },
              ]}
            />
            <Chart
              title="Success rate"
              x={x}
              series={[{ label: 'success', values: m.map((v) => v.successRate) }]}
            />
            <Chart
              title="Latency (ms)"
              x={x}
              series={[
                { label: 'p50', values: m.map((v) => v.latencyMs?.p50 ?? null) },
                { label: 'p95', values: m.map((v) => v.latencyMs?.p95 ?? null) },
                { label: 'p99', values: m.map((v) => v.latencyMs?.p99 ?? null) },
              ]}
            />
            <Chart
              title="Cost per document (µUSD)"
              x={x}
              series={[{ label: 'cost', values: m.map((v) => v.costPerDocumentMicroUsd) }]}
            />
            <Chart
              title="Completeness"
              x={x}
              series={[{ label: 'mean', values: m.map((v) => v.completenessMean) }]}
            />
            <Chart
              title="Tokens per document"
              x={x}
              series={[
                { label: 'input', values: m.map((v) => v.inputTokensMean) },
                { label: 'output', values: m.map((v) => v.outputTokensMean) },
              ]}
            />
          </div>
        );
      }}
    </Show>
  );
};

const Readout = ({ m }: { m: VersionMetrics }) => (
  <tr>
    <th scope="row">{m.version}</th>
    <td>{m.documents}</td>
    <td>{pct(m.successRate)}</td>
    <td>{ms(m.latencyMs?.p50)}</td>
    <td>{ms(m.latencyMs?.p95)}</td>
    <td>{ms(m.latencyMs?.p99)}</td>
    <td>{usd(m.costPerDocumentMicroUsd)}</td>
    <td>{pct(m.completenessMean)}</td>
    <td>
      {num(m.inputTokensMean)} / {num(m.outputTokensMean)}
    </td>
    <td>
      {Object.entries(m.failedByReason)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ') || '—'}
    </td>
  </tr>
);

const Compare = ({ versions, since }: { versions: string[]; since: string }) => {
  const [a, setA] = useState(versions[0] ?? '');
  const [b, setB] = useState(versions[1] ?? versions[0] ?? '');
  const result = useApi(
    () =>
      post<{
        changes: Record<
          string,
          {
            control: number | null;
            treatment: number | null;
            absolute: number | null;
            relative: number | null;
          }
        >;
      }>('/api/metrics/compare', { control_version: a, treatment_version: b, since }),
    [a, b, since],
  );
  return (
    <section aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two versions</h2>
      <div class="filters">
        <VersionSelect label="Control" value={a} versions={versions} onChange={setA} />
        <VersionSelect label="Treatment" value={b} versions={versions} onChange={setB} />
      </div>
      <Show state={result} what="the comparison">
        {(r) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">{a}</th>
                <th scope="col">{b}</th>
                <th scope="col">Change</th>
                <th scope="col">Relative</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(r.changes).map(([metric, c]) => (
                <tr key={metric}>
                  <th scope="row">{metric}</th>
                  <td>{num(c.control, 4)}</td>
                  <td>{num(c.treatment, 4)}</td>
                  <td>{num(c.absolute, 4)}</td>
                  <td>{pct(c.relative)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
};

export const MetricsPage = () => {
  const [since, setSince] = useState('24h');
  const report = useApi(
    () =>
      api<{ versions: VersionMetrics[]; all: VersionMetrics }>(
        `/api/metrics/prompts?since=${since}`,
      ),
    [since],
  );
  const prompts = useApi(
    () => api<{ versions: Array<{ version: string }> }>('/api/prompts/versions'),
    [],
  );
  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      <label>
        Window{' '}
        <select value={since} onChange={(e) => setSince(e.currentTarget.value)}>
          {WINDOWS.map((w) => (
            <option key={w}>{w}</option>
          ))}
        </select>
      </label>
      <Show state={report} what="metrics">
        {(r) =>
          r.versions.length === 0 ? (
            <Empty>No documents in this window yet: upload some on the Documents page.</Empty>
          ) : (
            <>
              <div class="scroll">
                <table>
                  <caption>Per prompt version</caption>
                  <thead>
                    <tr>
                      <th scope="col">Version</th>
                      <th scope="col">Documents</th>
                      <th scope="col">Success</th>
                      <th scope="col">p50</th>
                      <th scope="col">p95</th>
                      <th scope="col">p99</th>
                      <th scope="col">Cost/doc</th>
                      <th scope="col">Completeness</th>
                      <th scope="col">Tokens in/out</th>
                      <th scope="col">Failures by reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.versions.map((m) => (
                      <Readout key={m.version} m={m} />
                    ))}
                  </tbody>
                </table>
              </div>
              {r.versions.map((m) => (
                <section key={m.version} aria-label={`Version ${m.version} over time`}>
                  <h2>Version {m.version} over time</h2>
                  <VersionCharts version={m.version} since={since} />
                </section>
              ))}
            </>
          )
        }
      </Show>
      {prompts.data && (
        <Compare versions={prompts.data.versions.map((v) => v.version)} since={since} />
      )}
    </section>
  );
};
