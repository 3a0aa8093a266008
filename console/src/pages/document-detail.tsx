/**
 * Document detail: status and outcome, a failure's reason in words with what
 * to do, the state machine with the path taken, the PDF's first page beside
 * the extracted fields, completeness, cost and tokens, and each value's
 * evidence (confidence, quote, box on the first page) once grounded.
 */
import { api } from '../api.ts';
import { AslGraph } from '../asl-graph.tsx';
import { EvidenceTable } from '../evidence-table.tsx';
import { PdfPreview } from '../pdf-preview.tsx';
import { reasonText } from '../reasons.ts';
import { boxesOnPage } from '../review-model.ts';
import type { DocumentRecord } from '../types.ts';
import { ms, num, pct, Show, time, usd, useApi } from '../ui.tsx';

const busy = (d: DocumentRecord) => d.status === 'RECEIVED' || d.status === 'PROCESSING';

const Fields = ({ fields }: { fields: unknown }) => {
  if (fields === null || fields === undefined)
    return <p class="state empty">No fields (nothing was extracted).</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must take focus to scroll by keyboard
    <pre class="fields" tabIndex={0}>
      {JSON.stringify(fields, null, 2)}
    </pre>
  );
};

export const DocumentDetailPage = ({ id }: { id: string }) => {
  const record = useApi(
    () => api<DocumentRecord>(`/api/documents/${encodeURIComponent(id)}`),
    [id],
    {
      everyMs: 2000,
      while: busy,
    },
  );
  return (
    <section aria-labelledby="doc-title">
      <p>
        <a href="#/">← Documents</a>
      </p>
      <h1 id="doc-title">Document {id.slice(0, 12)}</h1>
      <Show state={record} what="the document">
        {(d) => {
          const reason = reasonText(d.reason);
          return (
            <>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <span class={`badge ${d.status.toLowerCase()}`} data-testid="status">
                    {d.status}
                  </span>
                </dd>
                <dt>Prompt version</dt>
                <dd>{d.promptVersion ?? '—'}</dd>
                <dt>Experiment arm</dt>
                <dd>{d.arm ? `${d.arm} (${d.experimentId})` : '—'}</dd>
                <dt>Completeness</dt>
                <dd>{pct(d.completeness)}</dd>
                <dt>Cost</dt>
                <dd>{usd(d.costMicroUsd)}</dd>
                <dt>Tokens in / out</dt>
                <dd>
                  {num(d.inputTokens)} / {num(d.outputTokens)}
                  {d.usageEstimated ? ' (estimated)' : ''}
                </dd>
                <dt>Served by</dt>
                <dd>
                  {d.servedBy ?? '—'}
                  {d.servedBy?.startsWith('local.rule-based')
                    ? ' — a rule-based extractor, not an LLM'
                    : ''}
                </dd>
                <dt>Latency</dt>
                <dd>{ms(d.latencyMs)}</dd>
                <dt>Received</dt>
                <dd>{time(d.receivedAt)}</dd>
              </dl>
              {d.status === 'NEEDS_REVIEW' && (
                <p class="note" role="note">
                  The pipeline was not sure of {d.review?.flags.length ?? 'some'} value(s).{' '}
                  <a href={`#/review/${d.documentId}`}>Review this document</a>.
                </p>
              )}
              {d.reason && (
                <div class="reason" role="note" data-testid="reason">
                  <h2>
                    Failed: <code>{d.reason}</code>
                  </h2>
                  <p>{reason?.words ?? 'No description for this reason code.'}</p>
                  {reason && <p>What to do: {reason.action}</p>}
                </div>
              )}
              <h2>Execution path</h2>
              {d.path ? (
                <>
                  <AslGraph visits={d.path.states} />
                  <table class="path">
                    <caption>States entered, in order ({d.path.outcome})</caption>
                    <thead>
                      <tr>
                        <th scope="col">State</th>
                        <th scope="col">Entered</th>
                        <th scope="col">Duration</th>
                        <th scope="col">Attempts</th>
                        <th scope="col">Error</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.path.states.map((s) => (
                        <tr key={`${s.name}-${s.enteredAt}`}>
                          <td>{s.name}</td>
                          <td>{time(s.enteredAt)}</td>
                          <td>{ms(s.durationMs)}</td>
                          <td>{s.attempts}</td>
                          <td>{[...s.attemptErrors, ...(s.error ? [s.error] : [])].join(', ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : (
                <p class="state empty">No execution yet.</p>
              )}
              <div class="side-by-side">
                <div>
                  <h2>Source</h2>
                  <PdfPreview
                    documentId={d.documentId}
                    boxes={d.evidence ? boxesOnPage(d.evidence, 1) : []}
                  />
                </div>
                <div>
                  <h2>Extracted fields</h2>
                  <Fields fields={d.fields} />
                </div>
              </div>
              {d.evidence && d.confidence && (
                <>
                  <h2>Evidence</h2>
                  <EvidenceTable
                    fields={d.fields}
                    evidence={d.evidence}
                    confidence={d.confidence}
                    flags={d.review?.flags ?? []}
                  />
                </>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
};
