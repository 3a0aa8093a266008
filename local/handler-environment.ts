/**
 * What an in-process handler needs from the local stack, without the stack:
 * the local stage's names, the environment the CDK app would set on the
 * function, and the handler module itself. `medextract invoke` on a running
 * stack loads this alone instead of the emulators in `stack.ts`.
 */
import { physicalName, tableNamesFor } from '#contracts/resources.ts';
import {
  DEFAULT_MAX_ADMISSION_WAIT_MINUTES,
  executionTimeoutSeconds,
} from '#infra/model-capacity.ts';
import type { LambdaHandler } from './lambda-invoke.ts';
import { reuseEnvironment } from './reuse-setting.ts';
import { tableEnvironment } from './stack-stage.ts';

export const LOCAL_STAGE = 'local';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** 2.1.0 reads page images too (ADR 22), so scanned documents succeed on a fresh stack. */
export const DEFAULT_PROMPT_VERSION = '2.2.0';

/** The emulators' endpoints the handlers' SDK clients are pointed at. */
export interface HandlerEndpoints {
  readonly s3: string;
  readonly sqs: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly bedrock: string;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Variables every in-process handler reads, exactly as the CDK app sets them on AWS. */
export const handlerEnvironment = (
  endpoints: HandlerEndpoints,
  bucket: string,
  ttlSeconds: number,
  stage = LOCAL_STAGE,
) => ({
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_SQS: endpoints.sqs,
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoints.bedrock,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_NAME: `medextract-${stage}`,
  STAGE: stage,
  POWERTOOLS_SERVICE_NAME: 'medextract',
  POWERTOOLS_METRICS_NAMESPACE: `MedExtract/${stage}`,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  STATE_MACHINE_ARN: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${physicalName(stage, 'extract')}`,
  DOCUMENTS_BUCKET: bucket,
  ...reuseEnvironment(undefined, stage),
  ...tableEnvironment(tableNamesFor(stage)),
  PROMPT_CACHE_TTL_SECONDS: String(ttlSeconds),
  DEFAULT_PROMPT_VERSION,
  // fauxqs keeps no object versions: ids come from ETags, as in its notifications.
  DOCUMENTS_VERSIONED: 'false',
  // The stage's deadline; a running stack sets its own (capacity, scaled time).
  EXECUTION_TIMEOUT_SECONDS: String(executionTimeoutSeconds(DEFAULT_MAX_ADMISSION_WAIT_MINUTES)),
});

/** The function's handler, imported as Lambda loads it on a cold start. */
export const importHandler = async (name: string): Promise<LambdaHandler> => {
  const module: { handler: LambdaHandler } = await import(`../functions/${name}/handler.ts`);
  return module.handler;
};
