/**
 * Local Step Functions endpoint: runs the real ASL with aws-local-stepfunctions
 * and answers the Step Functions AWS JSON 1.0 API on 127.0.0.1, so
 * `@aws-sdk/client-sfn` and the AWS CLI work unchanged against it.
 *
 * Task states run in-process handlers (keyed by state name). Execution records
 * survive a restart when `dataDir` is set; history is rebuilt from the
 * library's event log in the AWS event shape (mapping in ADR 0008).
 *
 * This file wires the parts under `sfn/`: definition checks, the execution
 * runtime, history, persistence and the API.
 */
import { createServer, type RequestListener } from 'node:http';
import type { ExecutionStatusWord } from '#contracts/executions.ts';
import { closeServer, listenOnLoopback } from './aws-json-protocol.ts';
import { listenerServe, serveInProcess } from './in-process-http.ts';
import { StepFunctionsApi } from './sfn/api.ts';
import type { LocalStateMachineConfig } from './sfn/definition.ts';
import { LocalExecutions } from './sfn/executions.ts';

/** Options of {@link startStepFunctionsServer}. */
export interface StepFunctionsServerOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** Folder for execution records; absent keeps everything in memory. */
  readonly dataDir?: string;
  readonly stateMachines: readonly LocalStateMachineConfig[];
}

/** A running local Step Functions endpoint. */
export interface StepFunctionsServer {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` or the CLI's `--endpoint-url`. */
  readonly endpoint: string;
  /** ARN of a configured state machine; throws for an unknown name. */
  stateMachineArn(name: string): string;
  /** Resolves once no execution is running, no task handler is in flight and records are written. */
  waitForIdle(): Promise<void>;
  /**
   * In-process only: calls `listener` with the ARN of each execution that
   * ends, once its final record is written. Returns the unsubscribe.
   */
  onExecutionEnded(listener: (executionArn: string) => void): () => void;
  /**
   * In-process only: the execution's status, error and cause as DescribeExecution
   * answers them, from the runtime's records; undefined for an unknown ARN.
   */
  executionStatus(executionArn: string): ExecutionStatusWord | undefined;
  /**
   * Stops accepting requests, aborts running executions (ABORTED, cause
   * `local runtime stopped`), waits for in-flight task handlers and pending
   * writes, then closes the port.
   */
  stop(): Promise<void>;
}

/**
 * Starts the local Step Functions endpoint on 127.0.0.1. Rejects when a
 * definition is invalid or a Task state has no handler (a Task without one
 * would try to call real AWS).
 */
export const startStepFunctionsServer = async (
  options: StepFunctionsServerOptions,
): Promise<StepFunctionsServer> => {
  const executions = new LocalExecutions({
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    dataDir: options.dataDir,
    stateMachines: options.stateMachines,
  });
  await executions.restore();
  const api = new StepFunctionsApi(executions);
  const listener: RequestListener = (req, res) => {
    void api.handle(req, res);
  };
  const server = createServer(listener);
  const port = await listenOnLoopback(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  // This process's SDK clients reach it without a socket; other processes over TCP.
  const unserve = serveInProcess(endpoint, listenerServe(listener));
  return {
    endpoint,
    stateMachineArn: (name) => executions.stateMachineArn(name),
    waitForIdle: () => executions.waitForIdle(),
    onExecutionEnded: (listener) => executions.onEnded((record) => listener(record.executionArn)),
    executionStatus: (executionArn) => {
      const record = executions.execution(executionArn)?.record;
      if (record === undefined) return undefined;
      return {
        status: record.status,
        ...(record.error !== undefined ? { error: record.error } : {}),
        ...(record.cause !== undefined ? { cause: record.cause } : {}),
        ...(record.output !== undefined ? { output: record.output } : {}),
      };
    },
    stop: () =>
      executions.stopAll(() => {
        unserve();
        return closeServer(server);
      }),
  };
};
