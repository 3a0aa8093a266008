/**
 * The error answers of the local Bedrock stand-in's injected faults and quota
 * refusals, each with the status, exception name and message Bedrock sends.
 */
import type { ServerResponse } from 'node:http';
import { AwsProtocolError, sendRestJsonError } from '#local/aws-json-protocol.ts';
import { THROTTLING_TYPE_SUFFIX } from './converse-wire.ts';

export type Fault = 'throttled' | 'service_unavailable' | 'internal_error' | 'model_timeout';

const FAULTS: Readonly<Record<Fault, readonly [number, string, string]>> = {
  throttled: [429, 'ThrottlingException', 'Too many requests, please wait before trying again.'],
  service_unavailable: [
    503,
    'ServiceUnavailableException',
    'Bedrock is unable to process your request.',
  ],
  internal_error: [500, 'InternalServerException', 'The server encountered an internal error.'],
  model_timeout: [408, 'ModelTimeoutException', 'Model has timed out in processing the request.'],
};

export const isFault = (draw: string): draw is Fault => Object.hasOwn(FAULTS, draw);

/** Sends the fault's error; `message` replaces the default (a token-quota throttle says so). */
export const sendFault = (res: ServerResponse, fault: Fault, message?: string): void => {
  const [status, name, text] = FAULTS[fault];
  sendRestJsonError(
    res,
    new AwsProtocolError(status, name, message ?? text),
    fault === 'throttled' ? THROTTLING_TYPE_SUFFIX : undefined,
  );
};
