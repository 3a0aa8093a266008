/** tracer-cjs.cjs exports `{ Tracer, captureLambdaHandler }`; tracing.ts types them from the ES build. */
declare const tracerModules: unknown;
export = tracerModules;
