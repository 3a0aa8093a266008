/**
 * Review page: the source PDF with each value's evidence box beside the
 * values, lowest confidence first; accept or correct each (j/k move, a
 * accepts, e edits), approve the document (confirmed), and every decision
 * so far. The reviewer's name is asked once and kept in local storage.
 */

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ReviewDecision } from '../../../contracts/evidence.ts';
import type { ReviewDocument } from '../../../contracts/review-api.ts';
import { ApiError, api, post } from '../api.ts';
import { PdfPages } from '../pdf-pages.tsx';
import { REVIEWS_CHANGED } from '../review-badge.tsx';
import { FieldItem } from '../review-field.tsx';
import { ReviewHistory } from '../review-history.tsx';
import { latestDecisions, pathLabel, reviewFields } from '../review-model.ts';
import { Confirm, ErrorState, Show, shortId, time, useApi } from '../ui.tsx';

/** The API takes a bounded number of decisions per request; "accept the rest" may need several. */
const DECISIONS_PER_REQUEST = 50;

/** Local storage key of the reviewer's name (an operator id, never patient data). */
export const REVIEWER_KEY = 'medextract.reviewer';

const readReviewer = (): string => {
  try {
    return localStorage.getItem(REVIEWER_KEY) ?? '';
  } catch {
    return '';
  }
};

const ReviewerForm = ({ onSave }: { onSave: (name: string) => void }) => {
  const [name, setName] = useState('');
  return (
    <form
      class="reviewer card"
      aria-label="Reviewer"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) onSave(name.trim());
      }}
    >
      <label>
        Your reviewer name or operator id (kept in this browser, recorded with each decision)
        <input value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={!name.trim()}>
        Start reviewing
      </button>
    </form>
  );
};

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.isContentEditable);

export const ReviewPage = ({ id }: { id: string }) => {
  const doc = useApi(() => api<ReviewDocument>(`/api/reviews/${encodeURIComponent(id)}`), [id]);
  const [reviewer, setReviewer] = useState(readReviewer);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const list = useRef<HTMLOListElement>(null);

  const data = doc.data;
  const fields = useMemo(
    () => (data ? reviewFields(data.correctedFields, data.confidence, data.review.flags) : []),
    [data],
  );
  const latest = useMemo(() => latestDecisions(data?.decisions ?? []), [data]);
  const open = data?.status === 'NEEDS_REVIEW';
  const locked = !open || !reviewer || sending;
  const undecided = fields.filter((f) => !latest.has(f.path));

  const send = async (action: () => Promise<unknown>) => {
    setSending(true);
    setFailure(null);
    try {
      await action();
      doc.reload();
      dispatchEvent(new Event(REVIEWS_CHANGED));
    } catch (thrown) {
      setFailure(
        thrown instanceof ApiError ? thrown : new ApiError(0, 'CONSOLE_ERROR', 'Not saved.'),
      );
    } finally {
      setSending(false);
    }
  };
  /** Sends decisions in requests of at most DECISIONS_PER_REQUEST, in order. */
  const decide = (decisions: ReviewDecision[]) =>
    send(async () => {
      for (let at = 0; at < decisions.length; at += DECISIONS_PER_REQUEST) {
        const batch = decisions.slice(at, at + DECISIONS_PER_REQUEST);
        await post(`/api/reviews/${id}/decisions`, { reviewer, decisions: batch });
      }
    });
  const move = (step: number) => {
    if (fields.length === 0) return;
    const at = fields.findIndex((f) => f.path === selected);
    const next = fields[Math.max(0, Math.min(fields.length - 1, at + step))] ?? fields[0];
    if (!next) return;
    setSelected(next.path);
    setEditing(null);
    list.current
      ?.querySelector<HTMLButtonElement>(`li[data-path="${CSS.escape(next.path)}"] .field-select`)
      ?.focus();
  };

  const keys = useRef<(event: KeyboardEvent) => void>(() => {});
  keys.current = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || confirming)
      return;
    if (event.key === 'j') move(selected ? 1 : 0);
    else if (event.key === 'k') move(selected ? -1 : 0);
    else if (event.key === 'a' && selected && !locked) {
      decide([{ path: selected, action: 'accept' }]);
      move(1);
    } else if (event.key === 'e' && selected && !locked) setEditing(selected);
    else return;
    event.preventDefault();
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => keys.current(event);
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  return (
    <section aria-labelledby="review-title">
      <p>
        <a href="#/review">← Review queue</a>
      </p>
      <h1 id="review-title">Review document {shortId(id)}</h1>
      <Show state={doc} what="the document under review">
        {(d) => (
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
              <dt>Flags</dt>
              <dd>{d.review.flags.length}</dd>
              <dt>Reviewed</dt>
              <dd>{d.reviewedBy ? `by ${d.reviewedBy}, ${time(d.reviewedAt)}` : 'not yet'}</dd>
            </dl>
            {!open && (
              <p class="note" role="note">
                This document is {d.status}: nothing more to decide.{' '}
                <a href={`#/documents/${d.documentId}`}>Open its detail</a>.
              </p>
            )}
            {open && !reviewer && (
              <ReviewerForm
                onSave={(name) => {
                  try {
                    localStorage.setItem(REVIEWER_KEY, name);
                  } catch {
                    // storage refused (private mode): the name lasts for this page only
                  }
                  setReviewer(name);
                }}
              />
            )}
            {open && reviewer && (
              <p class="note">
                Reviewing as <strong data-testid="reviewer">{reviewer}</strong>{' '}
                <button type="button" class="link" onClick={() => setReviewer('')}>
                  change
                </button>
                . Keys: <kbd>j</kbd> / <kbd>k</kbd> next / previous value, <kbd>a</kbd> accept,{' '}
                <kbd>e</kbd> correct, <kbd>Esc</kbd> cancel an edit.
              </p>
            )}
            {failure && <ErrorState error={failure} />}
            <div class="review-layout">
              <div>
                <h2>Source</h2>
                <PdfPages
                  documentId={d.documentId}
                  boxes={Object.entries(d.evidence).flatMap(([path, e]) =>
                    e.page !== null && e.bbox ? [{ path, page: e.page, box: e.bbox }] : [],
                  )}
                  selected={selected}
                />
              </div>
              <div>
                <h2>Values, lowest confidence first</h2>
                {fields.length === 0 ? (
                  <p class="state empty">No values were extracted.</p>
                ) : (
                  <ol class="review-fields" ref={list} aria-label="Values to review">
                    {fields.map((field) => (
                      <FieldItem
                        key={field.path}
                        field={field}
                        label={pathLabel(field.path)}
                        evidence={d.evidence[field.path]}
                        decision={latest.get(field.path)}
                        selected={selected === field.path}
                        editing={editing === field.path}
                        disabled={locked}
                        actionable={open}
                        onSelect={() => setSelected(field.path)}
                        onAccept={() => {
                          setSelected(field.path);
                          decide([{ path: field.path, action: 'accept' }]);
                        }}
                        onEdit={() => {
                          setSelected(field.path);
                          setEditing(field.path);
                        }}
                        onSave={(value) => {
                          setEditing(null);
                          decide([{ path: field.path, action: 'correct', value }]);
                        }}
                        onCancel={() => setEditing(null)}
                      />
                    ))}
                  </ol>
                )}
                {open && (
                  <div class="actions">
                    <button
                      type="button"
                      disabled={locked || undecided.length === 0}
                      onClick={() =>
                        decide(undecided.map((f) => ({ path: f.path, action: 'accept' as const })))
                      }
                    >
                      Accept the {undecided.length} undecided
                    </button>
                    <button
                      type="button"
                      class="primary"
                      disabled={locked}
                      onClick={() => setConfirming(true)}
                    >
                      Approve…
                    </button>
                  </div>
                )}
              </div>
            </div>
            <h2>Decisions</h2>
            <ReviewHistory decisions={d.decisions} />
            {confirming && (
              <Confirm
                title="Approve this document?"
                confirmLabel="Approve"
                onCancel={() => setConfirming(false)}
                onConfirm={() => {
                  setConfirming(false);
                  send(() => post(`/api/reviews/${id}/approve`, { reviewer }));
                }}
              >
                <p>
                  It becomes SUCCEEDED with{' '}
                  {[...latest.values()].filter((r) => r.decision.action === 'correct').length}{' '}
                  correction(s) applied, recorded as approved by {reviewer}.
                  {undecided.length > 0 &&
                    ` ${undecided.length} value(s) have no decision and are kept as extracted.`}
                </p>
              </Confirm>
            )}
          </>
        )}
      </Show>
    </section>
  );
};
