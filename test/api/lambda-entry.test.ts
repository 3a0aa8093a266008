/**
 * The API's Lambda entry with API Gateway HTTP API (payload 2.0) events from
 * `events/apigateway/`: the same app answers, errors are problem documents,
 * the caller is the IAM principal, `/api/functions` reads CloudWatch (a
 * local protocol server), and a missing variable fails the start.
 */
import { Hono } from 'hono';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { type EventName, loadEvent } from '#events/index.ts';
import { lambdaContext } from '#local/lambda-invoke.ts';
import { startCloudWatchServer } from '#test/helpers/cloudwatch-protocol-server.ts';
import { contractOf, type OpenApiDocument } from '#test/helpers/openapi-contract.ts';

const ENV = {
  STAGE: 'dev',
  DOCUMENTS_BUCKET: 'medextract-dev-documents',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:medextract-dev-extract',
  RESULTS_TABLE_NAME: 'medextract-dev-results',
  EXPERIMENTS_TABLE_NAME: 'medextract-dev-experiments',
  METRICS_TABLE_NAME: 'medextract-dev-metrics',
  LEDGER_TABLE_NAME: 'medextract-dev-ledger',
  INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/medextract-dev-ingest',
  INGEST_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/medextract-dev-ingest-dlq',
  EXTRACTION_DLQ_URL:
    'https://sqs.eu-west-1.amazonaws.com/123456789012/medextract-dev-extraction-dlq',
  CONSOLE_ORIGIN: 'https://console.medextract.example',
  FUNCTION_MEMORY_MB: JSON.stringify({ score: 512, 'invoke-model': 256 }),
};

type HttpApiEvent = Extract<LambdaEvent, { routeKey: string; rawPath: string }>;
type Result = { statusCode: number; body: string; headers?: Record<string, string | string[]> };

const event = (name: EventName): HttpApiEvent => loadEvent(name) as HttpApiEvent;

const invoke = async (e: HttpApiEvent): Promise<Result> => {
  const { handler } = await import('#api/lambda.ts');
  const result = await handler(e, lambdaContext('api'));
  if (!result || !('statusCode' in result)) throw new Error('no API Gateway result');
  return result;
};

const header = (result: Result, name: string): string => String(result.headers?.[name] ?? '');

beforeEach(() => {
  vi.resetModules();
  for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
});
afterEach(() => vi.unstubAllEnvs());

describe('the Lambda entry', () => {
  it('answers a signed GET with the versions, matching the OpenAPI document', async () => {
    // Prepare
    const docEvent = { ...event('apigateway/http-api-prompt-versions'), rawPath: '/openapi.json' };
    docEvent.requestContext = {
      ...docEvent.requestContext,
      http: { ...docEvent.requestContext.http, path: '/openapi.json' },
    };
    const doc = JSON.parse((await invoke(docEvent)).body) as OpenApiDocument;

    // Act
    const result = await invoke(event('apigateway/http-api-prompt-versions'));

    // Assess
    expect(result.statusCode).toBe(200);
    const body: unknown = JSON.parse(result.body);
    expect(body).toMatchObject({
      versions: [
        { version: '1.0.0' },
        { version: '1.1.0' },
        { version: '2.0.0' },
        { version: '2.1.0' },
        { version: '2.2.0' },
      ],
    });
    contractOf(doc).check(
      'GET',
      '/api/prompts/versions',
      200,
      header(result, 'content-type'),
      body,
    );
  });

  it('answers an invalid body with a 400 problem naming the field', async () => {
    // Act
    const result = await invoke(event('apigateway/http-api-compare-invalid'));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(result.body)).toMatchObject({
      status: 400,
      reason: 'INVALID_REQUEST',
      errors: [{ field: 'treatment_version' }],
    });
    expect(result.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it("serves the console's Origin with CORS headers and refuses any other", async () => {
    // Prepare
    const base = event('apigateway/http-api-prompt-versions');
    const from = (origin: string) => ({ ...base, headers: { ...base.headers, origin } });

    // Act
    const console = await invoke(from(ENV.CONSOLE_ORIGIN));
    const foreign = await invoke(from('https://attacker.example'));

    // Assess
    expect(console.statusCode).toBe(200);
    expect(header(console, 'access-control-allow-origin')).toBe(ENV.CONSOLE_ORIGIN);
    expect(foreign.statusCode).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ reason: 'FOREIGN_ORIGIN' });
  });

  it('names the IAM principal API Gateway authenticated as the actor', async () => {
    // Prepare
    const { callerOf } = await import('#api/lambda.ts');
    const probe = new Hono().get('*', (c) => c.text(callerOf(c)));

    // Act
    const result = await handle(probe)(
      event('apigateway/http-api-prompt-versions'),
      lambdaContext('api'),
    );

    // Assess
    expect(result.body).toBe(
      'arn:aws:sts::123456789012:assumed-role/underwriting-integration/alice',
    );
  });

  it('answers GET /api/functions from CloudWatch metrics and REPORT lines', async () => {
    // Prepare: the SDK's service endpoints point at a local CloudWatch protocol server.
    const cw = await startCloudWatchServer();
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH', cw.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', cw.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const functionsEvent = {
      ...event('apigateway/http-api-prompt-versions'),
      rawPath: '/api/functions',
    };
    functionsEvent.requestContext = {
      ...functionsEvent.requestContext,
      http: { ...functionsEvent.requestContext.http, path: '/api/functions' },
    };

    // Act
    const result = await invoke(functionsEvent).finally(() => cw.close());

    // Assess
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body) as {
      source: string;
      functions: Array<{ functionName: string; invocations: number; memorySizeMb: number }>;
      recommendations: Array<{ functionName: string; suggestedMemoryMb: number }>;
    };
    expect(body.source).toBe('cloudwatch');
    expect(body.functions.map((f) => f.functionName)).toEqual([...FUNCTION_NAMES]);
    expect(body.functions.find((f) => f.functionName === 'score')).toMatchObject({
      invocations: 1200,
      memorySizeMb: 512,
    });
    // The configured size from FUNCTION_MEMORY_MB where no REPORT line says it.
    expect(body.functions.find((f) => f.functionName === 'invoke-model')?.memorySizeMb).toBe(256);
    expect(body.recommendations).toEqual([
      expect.objectContaining({ functionName: 'score', suggestedMemoryMb: 256 }),
    ]);
    const targets = new Set(cw.calls.map((c) => c.target));
    expect(targets).toEqual(
      new Set([
        'GraniteServiceVersion20100801.GetMetricData',
        'Logs_20140328.StartQuery',
        'Logs_20140328.GetQueryResults',
      ]),
    );
  }, 20_000);

  it('fails the cold start when a variable is missing', async () => {
    // Prepare
    vi.stubEnv('METRICS_TABLE_NAME', '');

    // Act / Assess
    await expect(import('#api/lambda.ts')).rejects.toThrow('MISSING_ENV: METRICS_TABLE_NAME');
  });
});
