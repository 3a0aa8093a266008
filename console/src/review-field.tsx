/**
 * One value on the review page: its label, value, confidence, match kind,
 * flags, quote and decision, with Accept and an inline typed editor.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Evidence } from '../../contracts/evidence.ts';
import type { RecordedDecision } from '../../contracts/review-api.ts';
import {
  editText,
  kindOf,
  parseValue,
  type ReviewField,
  showValue,
  type ValueKind,
} from './review-model.ts';
import { pct } from './ui.tsx';

const REASON_WORDS: Record<string, string> = {
  MISSING_REQUIRED: 'required, missing',
  UNGROUNDED: 'quote not found',
  LOW_CONFIDENCE: 'below threshold',
};

const MATCH_WORDS: Record<string, string> = {
  exact: 'exact match',
  fuzzy: 'fuzzy match',
  ungrounded: 'not found in the text',
};

const Editor = ({
  field,
  label,
  onSave,
  onCancel,
}: {
  field: ReviewField;
  label: string;
  onSave: (value: string | number | null) => void;
  onCancel: () => void;
}) => {
  const [kind, setKind] = useState<ValueKind>(kindOf(field.value));
  const [text, setText] = useState(editText(field.value));
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const errorId = `edit-error-${field.path}`;
  return (
    <form
      class="editor"
      aria-label={`Correct ${label}`}
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseValue(kind, text);
        if (parsed.ok) onSave(parsed.value);
        else setError(parsed.error);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <label>
        Type
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as ValueKind)}>
          <option value="string">text</option>
          <option value="number">number</option>
          <option value="null">empty (no value)</option>
        </select>
      </label>
      <label>
        New value
        <input
          ref={input}
          value={text}
          disabled={kind === 'null'}
          inputMode={kind === 'number' ? 'decimal' : 'text'}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? errorId : undefined}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setError(null);
          }}
        />
      </label>
      <button type="submit" class="primary">
        Save correction
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p id={errorId} class="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
};

export const FieldItem = ({
  field,
  label,
  evidence,
  decision,
  selected,
  editing,
  disabled,
  actionable,
  onSelect,
  onAccept,
  onEdit,
  onSave,
  onCancel,
}: {
  field: ReviewField;
  label: string;
  evidence: Evidence | undefined;
  decision: RecordedDecision | undefined;
  selected: boolean;
  editing: boolean;
  disabled: boolean;
  /** False once the document left review: the value is shown, not decided. */
  actionable: boolean;
  onSelect: () => void;
  onAccept: () => void;
  onEdit: () => void;
  onSave: (value: string | number | null) => void;
  onCancel: () => void;
}) => (
  <li
    class={selected ? 'review-field selected' : 'review-field'}
    data-path={field.path}
    data-decision={decision?.decision.action ?? 'none'}
  >
    <button
      type="button"
      class="field-select"
      aria-current={selected ? 'true' : undefined}
      onClick={onSelect}
    >
      <span class="field-label">{label}</span>
      <span class="field-value" data-testid="value">
        {showValue(field.value)}
      </span>
    </button>
    <dl class="field-facts">
      <dt>Confidence</dt>
      <dd data-testid="confidence">{pct(field.confidence, 0)}</dd>
      <dt>Evidence</dt>
      <dd>
        {evidence
          ? `${MATCH_WORDS[evidence.match] ?? evidence.match}${evidence.page ? `, page ${evidence.page}` : ''}`
          : 'none'}
      </dd>
      {field.flags.length > 0 && (
        <>
          <dt>Flags</dt>
          <dd>
            {field.flags.map((f) => (
              <span key={f.reason} class="badge flag" title={f.reason}>
                {REASON_WORDS[f.reason] ?? f.reason}
                {f.threshold !== null ? ` (< ${pct(f.threshold, 0)})` : ''}
              </span>
            ))}
          </dd>
        </>
      )}
      {evidence?.quote && (
        <>
          <dt>Quote</dt>
          <dd>
            <q>{evidence.quote}</q>
          </dd>
        </>
      )}
      {decision && (
        <>
          <dt>Decision</dt>
          <dd data-testid="decision">
            {decision.decision.action === 'accept'
              ? `accepted by ${decision.reviewer}`
              : `corrected by ${decision.reviewer}`}
          </dd>
        </>
      )}
    </dl>
    {editing ? (
      <Editor field={field} label={label} onSave={onSave} onCancel={onCancel} />
    ) : actionable ? (
      <div class="actions">
        <button type="button" disabled={disabled} onClick={onAccept} aria-label={`Accept ${label}`}>
          Accept
        </button>
        <button type="button" disabled={disabled} onClick={onEdit} aria-label={`Correct ${label}`}>
          Correct…
        </button>
      </div>
    ) : null}
  </li>
);
