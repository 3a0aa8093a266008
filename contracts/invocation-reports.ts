/**
 * One function invocation's REPORT-line figures, as the local runtime
 * records them for every in-process handler run (Lambda prints the same
 * figures in its `REPORT` log line).
 */
import * as z from 'zod';

export const InvocationReportSchema = z.object({
  functionName: z.string(),
  requestId: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  /** Lambda bills whole milliseconds: the duration rounded up. */
  billedDurationMs: z.number().int(),
  memorySizeMb: z.number().int(),
  /**
   * Locally every handler shares one Node process: this is that process's
   * resident set size after the invocation, not the function's own use.
   */
  maxMemoryUsedMb: z.number().int(),
  /** Only on a cold start: locally, the time the handler module took to import. */
  initDurationMs: z.number().nullable(),
  coldStart: z.boolean(),
  /** The thrown error's name, or null. */
  error: z.string().nullable(),
});
export type InvocationReport = z.infer<typeof InvocationReportSchema>;
