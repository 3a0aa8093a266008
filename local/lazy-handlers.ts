/**
 * The local stack's function handlers, imported on first use as Lambda
 * initialises a function on its first invocation, and preloaded one after
 * another once the stack is ready, so start-up never waits for module imports.
 */
import type { InvocationRecorder } from './invocation-recorder.ts';
import type { LambdaHandler } from './lambda-invoke.ts';

export interface LazyHandlers {
  /** A handler that imports the function's module on its first call (the import is timed as init). */
  handler(name: string): LambdaHandler;
  /** Imports every function asked for so far, one at a time; resolves when all are loaded or failed. */
  preload(): Promise<void>;
}

export const lazyHandlers = (
  invocations: InvocationRecorder,
  importHandler: (name: string) => Promise<LambdaHandler>,
): LazyHandlers => {
  const names = new Set<string>();
  const loading = new Map<string, Promise<LambdaHandler>>();
  const loaded = (name: string): Promise<LambdaHandler> => {
    let module = loading.get(name);
    if (!module) {
      module = invocations.timeInit(name, () => importHandler(name));
      loading.set(name, module);
    }
    return module;
  };
  return {
    handler: (name) => {
      names.add(name);
      return async (event, context) => (await loaded(name))(event, context);
    },
    preload: async () => {
      // A failed import fails the function's invocations, as a Lambda init error does.
      for (const name of names) await loaded(name).catch(() => undefined);
    },
  };
};
