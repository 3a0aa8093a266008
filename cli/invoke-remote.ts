/**
 * `medextract invoke --stage s`: one synchronous invocation of the function
 * deployed to a stage (named as the CDK app names it), with the event as is;
 * the answer is the function's result or the error it returned.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { FunctionName } from '#contracts/functions.ts';
import { physicalName } from '#contracts/resources.ts';
import type { Target } from './target.ts';

export type DeployedOutcome =
  | { readonly result: unknown }
  | { readonly error: { readonly name: string; readonly message: string } };

const parsePayload = (payload: Uint8Array | undefined): unknown => {
  const text = payload ? new TextDecoder().decode(payload) : '';
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Invokes `fn` on the target's stage and waits for its answer. */
export const invokeDeployed = async (
  target: Target,
  fn: FunctionName,
  event: unknown,
): Promise<DeployedOutcome> => {
  const lambda = target.clients.lambda;
  if (!lambda) throw new Error('invoking a deployed function needs a deployed stage');
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: physicalName(target.stage, fn),
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const payload = parsePayload(response.Payload);
  if (response.FunctionError === undefined) return { result: payload };
  const named =
    payload !== null && typeof payload === 'object' && 'errorType' in payload
      ? String(payload.errorType)
      : response.FunctionError;
  const message =
    payload !== null && typeof payload === 'object' && 'errorMessage' in payload
      ? String(payload.errorMessage)
      : 'the function returned an error';
  return { error: { name: named, message } };
};
