/**
 * DLQ: dead-lettered documents of both queues with their reasons; redrive
 * the selected ones or all, each confirmed.
 */
import { useState } from 'preact/hooks';
import { api, post } from '../api.ts';
import { reasonText } from '../reasons.ts';
import { Confirm, Empty, Show, shortId, time, useApi } from '../ui.tsx';

interface Message {
  messageId: string;
  documentId: string | null;
  reason: string | null;
  error: string | null;
  sentAt: string | null;
  receiveCount: number | null;
}
interface Result {
  messageId: string;
  outcome: string;
  detail: string | null;
}

const Queue = ({ queue }: { queue: 'extraction' | 'ingest' }) => {
  const list = useApi(
    () =>
      api<{ messages: Message[]; byReason: Record<string, number> }>(`/api/dlq/${queue}?max=100`),
    [queue],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [asking, setAsking] = useState<'selected' | 'all' | null>(null);
  const [results, setResults] = useState<Result[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const redrive = async (which: 'selected' | 'all') => {
    setAsking(null);
    try {
      const body = which === 'selected' ? { message_ids: [...selected] } : {};
      const answer = await post<{ results: Result[] }>(`/api/dlq/${queue}/redrive`, body);
      setResults(answer.results);
      setSelected(new Set());
      list.reload();
    } catch (error) {
      setFailure(error instanceof Error ? error.message : 'The redrive failed.');
    }
  };
  return (
    <section aria-labelledby={`dlq-${queue}`}>
      <h2 id={`dlq-${queue}`}>{queue === 'extraction' ? 'Extraction DLQ' : 'Ingest DLQ'}</h2>
      <Show state={list} what={`the ${queue} DLQ`}>
        {(d) =>
          d.messages.length === 0 ? (
            <Empty>The {queue} DLQ is empty.</Empty>
          ) : (
            <>
              <p>
                By reason:{' '}
                {Object.entries(d.byReason)
                  .map(([r, n]) => `${r} ${n}`)
                  .join(', ')}
              </p>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Select</th>
                    <th scope="col">Document</th>
                    <th scope="col">Reason</th>
                    <th scope="col">What it means</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Received</th>
                  </tr>
                </thead>
                <tbody>
                  {d.messages.map((m) => (
                    <tr key={m.messageId}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select message for document ${m.documentId ? shortId(m.documentId) : m.messageId}`}
                          checked={selected.has(m.messageId)}
                          onChange={(e) => {
                            const next = new Set(selected);
                            if (e.currentTarget.checked) next.add(m.messageId);
                            else next.delete(m.messageId);
                            setSelected(next);
                          }}
                        />
                      </td>
                      <td>
                        {m.documentId ? (
                          <a href={`#/documents/${m.documentId}`}>{shortId(m.documentId)}</a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        <code>{m.reason ?? m.error ?? '—'}</code>
                      </td>
                      <td>{reasonText(m.reason)?.words ?? ''}</td>
                      <td>{time(m.sentAt)}</td>
                      <td>{m.receiveCount ?? '—'}×</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div class="actions">
                <button
                  type="button"
                  disabled={selected.size === 0}
                  onClick={() => setAsking('selected')}
                >
                  Redrive selected ({selected.size})
                </button>
                <button type="button" onClick={() => setAsking('all')}>
                  Redrive all
                </button>
              </div>
            </>
          )
        }
      </Show>
      {asking && (
        <Confirm
          title={
            asking === 'all'
              ? `Redrive every message of the ${queue} DLQ?`
              : `Redrive ${selected.size} message(s)?`
          }
          confirmLabel="Redrive"
          onConfirm={() => void redrive(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>Each goes back into the pipeline, at most 5 a second.</p>
        </Confirm>
      )}
      {failure && <p role="alert">{failure}</p>}
      {results && (
        <ul aria-live="polite" class="results">
          {results.map((r) => (
            <li key={r.messageId}>
              {r.messageId.slice(0, 8)}: {r.outcome}
              {r.detail ? ` (${r.detail})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};

export const DlqPage = () => (
  <section aria-labelledby="dlq-title">
    <h1 id="dlq-title">Dead-letter queues</h1>
    <Queue queue="extraction" />
    <Queue queue="ingest" />
  </section>
);
