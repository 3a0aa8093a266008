/**
 * One experiment: arms with sample sizes, the sample-ratio check, each
 * metric's difference with its interval, guardrails, the decision with its
 * reasons, the audit history; start, complete, promote (with a reason) and
 * abort, each confirmed.
 */
import { useState } from 'preact/hooks';
import { api, post } from '../api.ts';
import type { Experiment } from '../types.ts';
import { Confirm, Empty, num, Show, time, useApi } from '../ui.tsx';

interface Status {
  experiment: Experiment;
  serving: string;
  arms: { control: Arm; treatment: Arm } | null;
  srm: { pValue: number; status: string } | null;
}
interface Arm {
  version: string;
  documents: number;
  succeeded: number;
  failed: number;
}
interface Interval {
  lower: number;
  upper: number;
}
interface Analysis {
  srm: { pValue: number; status: string; observed: [number, number] };
  metrics: Array<{
    metric: string;
    label: string;
    role: string;
    control: { n: number; value: number | null };
    treatment: { n: number; value: number | null };
    difference: { estimate: number; ci: Interval } | null;
    adjustedPValue: number | null;
    outcome: string;
  }>;
  guardrails: Array<{
    metric: string;
    rule: string;
    status: string;
    estimate: number | null;
    bound: number | null;
  }>;
  decision: string;
  reasons: string[];
  caveats: string[];
}
type Action = 'start' | 'complete' | 'promote' | 'abort';

const ACTIONS: Record<string, Action[]> = {
  Draft: ['start', 'abort'],
  Running: ['complete', 'abort'],
  Completed: ['promote'],
};

const AnalysisView = ({ id }: { id: string }) => {
  const a = useApi(() => api<{ analysis: Analysis }>(`/api/experiments/${id}/analysis`), [id]);
  return (
    <Show state={a} what="the analysis">
      {({ analysis }) => (
        <section aria-labelledby="analysis-title">
          <h2 id="analysis-title">Analysis</h2>
          <p data-testid="decision">
            Decision: <strong>{analysis.decision}</strong>
          </p>
          <ul>
            {analysis.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          {analysis.caveats.length > 0 && <p class="note">Caveats: {analysis.caveats.join(' ')}</p>}
          <p>
            Sample ratio: {analysis.srm.observed.join(' / ')} documents, p ={' '}
            {num(analysis.srm.pValue, 3)} ({analysis.srm.status})
          </p>
          <div class="scroll">
            <table>
              <caption>Metrics: treatment minus control, with intervals</caption>
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col">Role</th>
                  <th scope="col">Control (n)</th>
                  <th scope="col">Treatment (n)</th>
                  <th scope="col">Difference [interval]</th>
                  <th scope="col">Adj. p</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {analysis.metrics.map((m) => (
                  <tr key={m.metric}>
                    <th scope="row">{m.label}</th>
                    <td>{m.role}</td>
                    <td>
                      {num(m.control.value, 4)} ({m.control.n})
                    </td>
                    <td>
                      {num(m.treatment.value, 4)} ({m.treatment.n})
                    </td>
                    <td>
                      {m.difference
                        ? `${m.difference.estimate.toFixed(4)} [${m.difference.ci.lower.toFixed(4)}, ${m.difference.ci.upper.toFixed(4)}]`
                        : '—'}
                    </td>
                    <td>{num(m.adjustedPValue, 3)}</td>
                    <td>{m.outcome}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {analysis.guardrails.length > 0 && (
            <table>
              <caption>Guardrails</caption>
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Estimate</th>
                  <th scope="col">Bound</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {analysis.guardrails.map((g) => (
                  <tr key={g.metric + g.rule}>
                    <td>{g.metric}</td>
                    <td>{g.rule}</td>
                    <td>{num(g.estimate, 4)}</td>
                    <td>{num(g.bound, 4)}</td>
                    <td>{g.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </Show>
  );
};

const History = ({ id, tick }: { id: string; tick: number }) => {
  const h = useApi(
    () =>
      api<{
        entries: Array<Record<string, unknown> & { kind: string; at: string; actor: string }>;
      }>(`/api/experiments/${id}/history`),
    [id, tick],
  );
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Audit history</h2>
      <Show state={h} what="the history">
        {(d) =>
          d.entries.length === 0 ? (
            <Empty>No entries.</Empty>
          ) : (
            <table data-testid="history">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Actor</th>
                  <th scope="col">What</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {d.entries.map((e, i) => (
                  <tr key={i}>
                    <td>{time(e.at)}</td>
                    <td>{e.kind}</td>
                    <td>{e.actor}</td>
                    <td>
                      {e.kind === 'alias'
                        ? `production ${String(e.before ?? '—')} → ${String(e.after)}`
                        : `${String(e.from ?? '—')} → ${String(e.to ?? e.status ?? '')}`}
                    </td>
                    <td>{String(e.reason ?? '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
};

export const ExperimentDetailPage = ({ id }: { id: string }) => {
  const status = useApi(
    () => api<Status>(`/api/experiments/${encodeURIComponent(id)}/status`),
    [id],
  );
  const [asking, setAsking] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const act = async (action: Action) => {
    setAsking(null);
    setFailure(null);
    try {
      const body =
        action === 'start' || action === 'complete'
          ? {}
          : action === 'promote' && force
            ? { reason, force: true }
            : { reason };
      await post(`/api/experiments/${id}/${action}`, body);
      setReason('');
      status.reload();
      setTick((t) => t + 1);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : `Could not ${action}.`);
    }
  };
  return (
    <section aria-labelledby="exp-title">
      <p>
        <a href="#/experiments">← Experiments</a>
      </p>
      <Show state={status} what="the experiment">
        {(s) => (
          <>
            <h1 id="exp-title">{s.experiment.name}</h1>
            <p>
              Status:{' '}
              <span class={`badge ${s.experiment.status.toLowerCase()}`} data-testid="exp-status">
                {s.experiment.status}
              </span>{' '}
              · serving: {s.serving} · {s.experiment.control} (control) vs {s.experiment.treatment}{' '}
              (treatment), {s.experiment.allocation.preset}
            </p>
            {s.arms && (
              <table>
                <caption>Arms</caption>
                <thead>
                  <tr>
                    <th scope="col">Arm</th>
                    <th scope="col">Version</th>
                    <th scope="col">Documents</th>
                    <th scope="col">Succeeded</th>
                    <th scope="col">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {(['control', 'treatment'] as const).map((arm) => (
                    <tr key={arm}>
                      <th scope="row">{arm}</th>
                      <td>{s.arms?.[arm].version}</td>
                      <td>{s.arms?.[arm].documents}</td>
                      <td>{s.arms?.[arm].succeeded}</td>
                      <td>{s.arms?.[arm].failed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {s.srm && (
              <p>
                Sample-ratio check: {s.srm.status} (p = {num(s.srm.pValue, 3)})
              </p>
            )}
            <div class="actions">
              {(ACTIONS[s.experiment.status] ?? []).map((a) => (
                <button
                  key={a}
                  type="button"
                  class={a === 'abort' ? 'danger' : 'primary'}
                  onClick={() => setAsking(a)}
                >
                  {a[0]?.toUpperCase()}
                  {a.slice(1)}
                </button>
              ))}
            </div>
            {failure && <p role="alert">{failure}</p>}
            {asking && (
              <Confirm
                title={`${asking[0]?.toUpperCase()}${asking.slice(1)} "${s.experiment.name}"?`}
                onConfirm={() => void act(asking)}
                onCancel={() => setAsking(null)}
              >
                {(asking === 'promote' || asking === 'abort') && (
                  <label>
                    Reason (audited)
                    <input
                      required
                      value={reason}
                      onInput={(e) => setReason(e.currentTarget.value)}
                    />
                  </label>
                )}
                {asking === 'promote' && (
                  <label class="inline">
                    <input
                      type="checkbox"
                      checked={force}
                      onChange={(e) => setForce(e.currentTarget.checked)}
                    />
                    Promote even if the analysis does not say ship (recorded as forced)
                  </label>
                )}
                {asking === 'promote' && (
                  <p>
                    The production alias moves to {s.experiment.treatment} if the analysis allows
                    it.
                  </p>
                )}
              </Confirm>
            )}
            {s.experiment.status !== 'Draft' && <AnalysisView id={id} key={tick} />}
            <History id={id} tick={tick} />
          </>
        )}
      </Show>
    </section>
  );
};
