/**
 * Shared building blocks of the console's pages: a data hook with loading,
 * error and refresh, the loading/error/empty states, a confirmation dialog,
 * a prompt version picker, and number and time formatting.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
  reload(): void;
}

/** Loads `load()` on mount and whenever `deps` change; `pollMs` reloads while it answers true. */
export const useApi = <T,>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  poll?: { everyMs: number; while: (data: T) => boolean },
): Loaded<T> => {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const pollRef = useRef(poll);
  pollRef.current = poll;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLoading(true);
    load()
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        const p = pollRef.current;
        if (p?.while(value)) timer = setTimeout(() => setTick((t) => t + 1), p.everyMs);
      })
      .catch((thrown: unknown) => {
        if (!live) return;
        setError(
          thrown instanceof ApiError
            ? thrown
            : new ApiError(0, 'CONSOLE_ERROR', 'Something went wrong.'),
        );
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, loading, reload };
};

export const Loading = ({ what }: { what: string }) => (
  <p class="state" role="status" aria-live="polite">
    Loading {what}…
  </p>
);

export const ErrorState = ({ error, retry }: { error: ApiError; retry?: () => void }) => (
  <div class="state error" role="alert">
    <p>
      {error.message} {error.reason !== 'UNREACHABLE' && <code>{error.reason}</code>}
    </p>
    {retry && (
      <button type="button" onClick={retry}>
        Try again
      </button>
    )}
  </div>
);

export const Empty = ({ children }: { children: ComponentChildren }) => (
  <p class="state empty">{children}</p>
);

/** Data, or the loading / error state in its place. */
export const Show = <T,>({
  state,
  what,
  children,
}: {
  state: Loaded<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) => {
  if (state.error && state.data === undefined)
    return <ErrorState error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading what={what} />;
  return (
    <>
      {state.error && <ErrorState error={state.error} retry={state.reload} />}
      {children(state.data)}
    </>
  );
};

/** A modal confirmation: the action runs only after "Confirm". */
export const Confirm = ({
  title,
  children,
  onConfirm,
  onCancel,
  confirmLabel = 'Confirm',
}: {
  title: string;
  children?: ComponentChildren;
  onConfirm: () => void;
  onCancel: () => void;
  confirmLabel?: string;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onClose={onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        {children}
        <div class="actions">
          <button type="submit" class="primary">
            {confirmLabel}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
};

/** A labelled select over prompt versions. */
export const VersionSelect = ({
  label,
  value,
  versions,
  onChange,
}: {
  label: string;
  value: string;
  versions: readonly string[];
  onChange: (version: string) => void;
}) => (
  <label>
    {label}
    <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {versions.map((v) => (
        <option key={v}>{v}</option>
      ))}
    </select>
  </label>
);

export const pct = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)} %`;

export const num = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

/** Micro-USD as dollars. */
export const usd = (micro: number | null | undefined): string =>
  micro === null || micro === undefined ? '—' : `$${(micro / 1e6).toFixed(4)}`;

export const ms = (value: number | null | undefined): string =>
  value === null || value === undefined
    ? '—'
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${value.toFixed(0)} ms`;

export const time = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—';

export const shortId = (id: string): string => id.slice(0, 12);
