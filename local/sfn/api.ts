/**
 * The Step Functions AWS JSON 1.0 API of the local runtime: parses each
 * operation's request, answers it from {@link LocalExecutions} and maps
 * failures to the exception names the SDK and the AWS CLI expect.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import {
  AWS_JSON_1_0,
  AwsProtocolError,
  parseJsonBody,
  readBody,
  sendAwsJsonError,
  sendJson,
} from '../aws-json-protocol.ts';
import { invalidNameReason, isRecord, type PreparedMachine } from './definition.ts';
import {
  type ExecutionEntry,
  type JsonValue,
  jsonValue,
  type LocalExecutions,
} from './executions.ts';
import { EXECUTION_STATUSES, type HistoryEvent, seconds } from './records.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_INPUT_BYTES = 256 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const TARGET_PREFIX = 'AWSStepFunctions.';

const arnSchema = z.string().min(1);
const startExecutionRequest = z.object({
  stateMachineArn: arnSchema,
  name: z.string().optional(),
  input: z.string().optional(),
  traceHeader: z.string().optional(),
});
const executionArnRequest = z.object({ executionArn: arnSchema });
const stopExecutionRequest = z.object({
  executionArn: arnSchema,
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});
const listExecutionsRequest = z.object({
  stateMachineArn: arnSchema,
  statusFilter: z.enum(EXECUTION_STATUSES).optional(),
  maxResults: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  nextToken: z.string().optional(),
});
const historyRequest = z.object({
  executionArn: arnSchema,
  maxResults: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  reverseOrder: z.boolean().optional(),
  nextToken: z.string().optional(),
  includeExecutionData: z.boolean().optional(),
});
const stateMachineArnRequest = z.object({ stateMachineArn: arnSchema });
const listStateMachinesRequest = z.object({
  maxResults: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  nextToken: z.string().optional(),
});
const pageToken = z.object({ position: z.number().int().min(0) });

const encodeToken = (position: number): string =>
  Buffer.from(JSON.stringify({ position })).toString('base64url');

const decodeToken = (token: string | undefined): number | undefined => {
  if (token === undefined) return undefined;
  try {
    return pageToken.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).position;
  } catch {
    throw new AwsProtocolError(
      400,
      'InvalidToken',
      'nextToken is not a token this endpoint issued',
    );
  }
};

const requireArn = (arn: string, kind: 'execution' | 'stateMachine'): void => {
  if (!new RegExp(`^arn:aws[\\w-]*:states:[\\w-]+:\\d{12}:${kind}:`).test(arn)) {
    throw new AwsProtocolError(400, 'InvalidArn', `Invalid Arn: not a ${kind} ARN`);
  }
};

const EXECUTION_DATA_KEYS = new Set(['input', 'output', 'parameters']);

const withoutExecutionData = (event: HistoryEvent): HistoryEvent => {
  const copy: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || !isRecord(value)) continue;
    copy[key] = Object.fromEntries(
      Object.entries(value).filter(([field]) => !EXECUTION_DATA_KEYS.has(field)),
    );
  }
  return copy;
};

/** Answers Step Functions API requests against one set of local executions. */
export class StepFunctionsApi {
  constructor(private readonly executions: LocalExecutions) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = req.headers['x-amz-target'];
      if (
        req.method !== 'POST' ||
        typeof target !== 'string' ||
        !target.startsWith(TARGET_PREFIX)
      ) {
        throw new AwsProtocolError(400, 'UnknownOperationException', 'unknown operation');
      }
      if (this.executions.isStopping) {
        throw new AwsProtocolError(503, 'ServiceUnavailable', 'the local runtime is stopping');
      }
      const body = parseJsonBody(await readBody(req, MAX_REQUEST_BYTES));
      const result = await this.dispatch(target.slice(TARGET_PREFIX.length), body);
      sendJson(res, 200, result, AWS_JSON_1_0);
    } catch (error) {
      if (error instanceof AwsProtocolError) {
        sendAwsJsonError(res, error);
      } else if (error instanceof z.ZodError) {
        sendAwsJsonError(
          res,
          new AwsProtocolError(400, 'ValidationException', z.prettifyError(error)),
        );
      } else {
        sendAwsJsonError(
          res,
          new AwsProtocolError(500, 'InternalFailure', 'the local Step Functions endpoint failed'),
        );
      }
    }
  }

  private dispatch(operation: string, body: unknown): Promise<object> | object {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(startExecutionRequest.parse(body));
      case 'DescribeExecution':
        return this.describeExecution(executionArnRequest.parse(body).executionArn);
      case 'StopExecution':
        return this.stopExecution(stopExecutionRequest.parse(body));
      case 'ListExecutions':
        return this.listExecutions(listExecutionsRequest.parse(body));
      case 'GetExecutionHistory':
        return this.getExecutionHistory(historyRequest.parse(body));
      case 'ListStateMachines':
        return this.listStateMachines(listStateMachinesRequest.parse(body));
      case 'DescribeStateMachine':
        return this.describeStateMachine(stateMachineArnRequest.parse(body).stateMachineArn);
      default:
        throw new AwsProtocolError(400, 'UnknownOperationException', 'unknown operation');
    }
  }

  private machineFor(stateMachineArn: string): PreparedMachine {
    requireArn(stateMachineArn, 'stateMachine');
    const machine = this.executions.machine(stateMachineArn);
    if (machine === undefined) {
      throw new AwsProtocolError(400, 'StateMachineDoesNotExist', 'State Machine Does Not Exist');
    }
    return machine;
  }

  private executionFor(executionArn: string): ExecutionEntry {
    requireArn(executionArn, 'execution');
    const entry = this.executions.execution(executionArn);
    if (entry === undefined) {
      throw new AwsProtocolError(400, 'ExecutionDoesNotExist', 'Execution Does Not Exist');
    }
    return entry;
  }

  private async startExecution(
    request: z.infer<typeof startExecutionRequest>,
  ): Promise<{ executionArn: string; startDate: number }> {
    const machine = this.machineFor(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    const nameProblem = invalidNameReason(name);
    if (nameProblem !== undefined) {
      throw new AwsProtocolError(400, 'InvalidName', `Invalid Name: the name ${nameProblem}`);
    }
    const inputText = request.input ?? '{}';
    if (Buffer.byteLength(inputText) > MAX_INPUT_BYTES) {
      throw new AwsProtocolError(400, 'InvalidExecutionInput', 'input exceeds 262144 bytes');
    }
    let input: JsonValue;
    try {
      input = jsonValue.parse(JSON.parse(inputText));
    } catch {
      throw new AwsProtocolError(
        400,
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not JSON',
      );
    }

    const { region, accountId } = this.executions;
    const executionArn = `arn:aws:states:${region}:${accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.execution(executionArn);
    if (existing !== undefined) {
      // AWS: same name and input while RUNNING returns the original response.
      if (existing.record.status === 'RUNNING' && existing.record.input === inputText) {
        return { executionArn, startDate: seconds(existing.record.startDate) };
      }
      throw new AwsProtocolError(400, 'ExecutionAlreadyExists', 'Execution Already Exists');
    }

    // Acknowledge only once the record is on disk, so a crash cannot lose a started execution.
    const record = await this.executions.start(machine, executionArn, name, inputText, input);
    return { executionArn, startDate: seconds(record.startDate) };
  }

  private describeExecution(executionArn: string): object {
    const { record } = this.executionFor(executionArn);
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDate),
      stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
      input: record.input,
      inputDetails: { included: true },
      output: record.output,
      outputDetails: record.output === undefined ? undefined : { included: true },
      error: record.error,
      cause: record.cause,
      redriveCount: 0,
    };
  }

  private async stopExecution(request: z.infer<typeof stopExecutionRequest>): Promise<object> {
    const entry = this.executionFor(request.executionArn);
    await this.executions.stop(entry, {
      kind: 'aborted',
      error: request.error,
      cause: request.cause,
    });
    return { stopDate: seconds(entry.record.stopDate ?? Date.now()) };
  }

  private listExecutions(request: z.infer<typeof listExecutionsRequest>): object {
    const machine = this.machineFor(request.stateMachineArn);
    const after = decodeToken(request.nextToken);
    const pageSize = request.maxResults || DEFAULT_PAGE_SIZE;
    const matching = this.executions
      .records()
      .filter((record) => record.stateMachineArn === machine.arn)
      .filter(
        (record) => request.statusFilter === undefined || record.status === request.statusFilter,
      )
      .filter((record) => after === undefined || record.seq < after)
      .sort((a, b) => b.seq - a.seq);
    const page = matching.slice(0, pageSize);
    const last = page.at(-1);
    return {
      executions: page.map((record) => ({
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: seconds(record.startDate),
        stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
        redriveCount: 0,
      })),
      nextToken:
        matching.length > pageSize && last !== undefined ? encodeToken(last.seq) : undefined,
    };
  }

  private async getExecutionHistory(request: z.infer<typeof historyRequest>): Promise<object> {
    const entry = this.executionFor(request.executionArn);
    const all = [...(await this.executions.historyOf(entry))];
    if (request.reverseOrder === true) all.reverse();
    const start = decodeToken(request.nextToken) ?? 0;
    const pageSize = request.maxResults || DEFAULT_PAGE_SIZE;
    const page = all.slice(start, start + pageSize);
    const includeData = request.includeExecutionData ?? true;
    return {
      events: includeData ? page : page.map(withoutExecutionData),
      nextToken: start + pageSize < all.length ? encodeToken(start + pageSize) : undefined,
    };
  }

  private listStateMachines(request: z.infer<typeof listStateMachinesRequest>): object {
    const start = decodeToken(request.nextToken) ?? 0;
    const pageSize = request.maxResults || DEFAULT_PAGE_SIZE;
    const all = this.executions.machines().sort((a, b) => a.name.localeCompare(b.name));
    return {
      stateMachines: all.slice(start, start + pageSize).map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: seconds(machine.createdAt),
      })),
      nextToken: start + pageSize < all.length ? encodeToken(start + pageSize) : undefined,
    };
  }

  private describeStateMachine(stateMachineArn: string): object {
    const machine = this.machineFor(stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: seconds(machine.createdAt),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }
}
