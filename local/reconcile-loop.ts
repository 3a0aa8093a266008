/**
 * Runs the reconciler in the local runtime: once at start (uploads whose
 * notifications died with the previous process, executions it interrupted)
 * and then every `intervalMs`, never two passes at once.
 */

export interface ReconcileLoop {
  /** Runs one pass now (or waits for the one running) and resolves when it ends. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/** A failed pass's error name and code (e.g. `Error (ECONNREFUSED)`); never its message, which may name a key. */
export const passError = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  const name = error instanceof Error ? error.name : 'Error';
  return typeof code === 'string' ? `${name} (${code})` : name;
};

export const startReconcileLoop = (options: {
  readonly run: () => Promise<unknown>;
  readonly intervalMs: number;
  /** Told about a failed pass; the next pass tries again. */
  readonly onError: (error: unknown) => void;
}): ReconcileLoop => {
  let current: Promise<void> | undefined;
  let stopped = false;
  const pass = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    current ??= options
      .run()
      .then(
        () => undefined,
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const timer = setInterval(() => void pass(), options.intervalMs);
  timer.unref();
  void pass();
  return {
    runNow: async () => {
      await current;
      await pass();
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
};
