/**
 * Progress of a long command on stderr, so stdout stays the result: on a
 * terminal one line rewritten in place; otherwise (a pipe, a log file, CI)
 * a plain line at most every few seconds and at the end.
 */

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Non-terminal output: the least time between two lines. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** A `(done, total, note?)` callback that reports `label: done/total unit`. */
export const progressReporter = (
  stream: ProgressStream,
  label: string,
  unit: string,
  options: ProgressOptions = {},
): ((done: number, total: number, note?: string) => void) => {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 5_000;
  let lastLine = Number.NEGATIVE_INFINITY;
  let finished = false;
  return (done, total, note) => {
    if (finished) return;
    const text = `${label}: ${done}/${total} ${unit}${note ? ` (${note})` : ''}`;
    const last = done >= total;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${text}${last ? '\n' : ''}`);
    } else if (last || now() - lastLine >= intervalMs) {
      stream.write(`${text}\n`);
      lastLine = now();
    }
    finished = last;
  };
};
