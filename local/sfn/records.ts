/**
 * Execution records and AWS-shaped history events of the local Step Functions
 * runtime: their schemas and the terminal event each final status writes.
 */
import * as z from 'zod';

export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const executionRecordSchema = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  /** Start order; ListExecutions sorts on it, newest first. */
  seq: z.number().int(),
  status: z.enum(EXECUTION_STATUSES),
  /** Epoch milliseconds (the wire uses epoch seconds). */
  startDate: z.number(),
  stopDate: z.number().optional(),
  input: z.string(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
export type ExecutionRecord = z.infer<typeof executionRecordSchema>;

export const historyEventSchema = z.looseObject({
  id: z.number().int(),
  previousEventId: z.number().int(),
  timestamp: z.number(),
  type: z.string(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

export type TerminalDetails = {
  readonly type: string;
  readonly key: string;
  readonly details: object;
};

export const terminalEventOf = (record: ExecutionRecord): TerminalDetails | undefined => {
  const failure = { error: record.error, cause: record.cause };
  switch (record.status) {
    case 'SUCCEEDED':
      return {
        type: 'ExecutionSucceeded',
        key: 'executionSucceededEventDetails',
        details: { output: record.output, outputDetails: { truncated: false } },
      };
    case 'FAILED':
      return { type: 'ExecutionFailed', key: 'executionFailedEventDetails', details: failure };
    case 'ABORTED':
      return { type: 'ExecutionAborted', key: 'executionAbortedEventDetails', details: failure };
    case 'TIMED_OUT':
      return { type: 'ExecutionTimedOut', key: 'executionTimedOutEventDetails', details: failure };
    case 'RUNNING':
      return undefined;
  }
};

/** Epoch milliseconds to the epoch seconds the wire uses. */
export const seconds = (epochMs: number): number => epochMs / 1000;

/**
 * The history of an execution this process did not run and whose history was
 * never written (left RUNNING by a stopped process): only its start and end.
 */
export const startAndEndHistory = (record: ExecutionRecord): HistoryEvent[] => {
  const events: HistoryEvent[] = [
    {
      id: 1,
      previousEventId: 0,
      timestamp: seconds(record.startDate),
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
    },
  ];
  const terminal = terminalEventOf(record);
  if (terminal !== undefined) {
    events.push({
      id: 2,
      previousEventId: 1,
      timestamp: seconds(record.stopDate ?? record.startDate),
      type: terminal.type,
      [terminal.key]: terminal.details,
    });
  }
  return events;
};
