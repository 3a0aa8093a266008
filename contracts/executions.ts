/**
 * How extract executions are named, and what a caller reads of one. The
 * starter names each one by its document id, so a duplicate notification
 * cannot start a second one, and a redrive of a failed document is
 * `<documentId>-r<n>`.
 */

/** The first execution of a document is named by its id. */
export const executionNameFor = (documentId: string): string => documentId;

/**
 * Name of the next redrive execution of a document: `<documentId>-r<n>`,
 * one more than the redrive the failed execution itself was.
 */
export const redriveExecutionName = (documentId: string, failedExecutionArn: string): string => {
  const failedName = failedExecutionArn.split(':').at(-1) ?? '';
  const previous = /-r(\d+)$/.exec(failedName);
  return `${documentId}-r${previous ? Number(previous[1]) + 1 : 1}`;
};

/** The ARN of the execution `name` of a state machine. */
export const executionArnFor = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * An execution's status as DescribeExecution answers it: the error and cause
 * of one that did not succeed, the output of one that did.
 */
export interface ExecutionStatusWord {
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly output?: string;
}
