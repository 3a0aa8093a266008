/** tracer-cjs.cjs exports `{ Tracer }`; tracing.ts types it from the ES build. */
declare const tracerModules: unknown;
export = tracerModules;
