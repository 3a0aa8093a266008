/**
 * HTTP API intent on every stage: IAM (SigV4) authorisation on every route,
 * the stage's throttling from config, access logs without bodies into an
 * encrypted log group, CORS for the console only, and a function role that
 * may do only what the endpoints need.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { API_ENV } from '#api/env.ts';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { configFor, STAGES } from '#infra/config.ts';
import {
  actionsOf,
  logicalId,
  resourceById,
  resourcesOfType,
  statementsOf,
  synthStage,
} from './synth.ts';

describe.each(STAGES)('the HTTP API of %s', (stage) => {
  const synth = synthStage(stage);
  const { stack, template } = synth;
  const config = configFor(stage).api;

  it('authorises every route with IAM, none left open', () => {
    // Act
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route');

    // Assess
    expect(routes.length).toBeGreaterThan(0);
    for (const [, route] of routes) {
      if (route.Properties.RouteKey === 'OPTIONS /{proxy+}') continue;
      expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
    }
  });

  it("throttles the stage at the config's rate and burst", () => {
    // Act
    const stageResource = resourceById(template, logicalId(stack, stack.api.stage));

    // Assess
    expect(stageResource.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: config.rateLimit,
      ThrottlingBurstLimit: config.burstLimit,
    });
    expect(config.rateLimit).toBeGreaterThanOrEqual(100);
    expect(config.rateLimit).toBeLessThanOrEqual(1000);
  });

  it('writes access logs without bodies, headers or query strings to an encrypted log group', () => {
    // Prepare
    const stageResource = resourceById(template, logicalId(stack, stack.api.stage));
    const settings = z
      .object({ DestinationArn: z.unknown(), Format: z.string() })
      .parse(stageResource.Properties.AccessLogSettings);

    // Act
    const fields = z.record(z.string(), z.string()).parse(JSON.parse(settings.Format));

    // Assess
    expect(Object.values(fields)).toContain('$context.requestId');
    expect(Object.values(fields)).toContain('$context.identity.userArn');
    for (const variable of Object.values(fields)) {
      expect(variable).not.toMatch(/body|header|querystring|authorizer\.claims/i);
    }
    expect(JSON.stringify(settings.DestinationArn)).toContain(
      logicalId(stack, stack.api.accessLogs),
    );
    const logGroup = resourceById(template, logicalId(stack, stack.api.accessLogs));
    expect(logGroup.Properties.KmsKeyId).toBeDefined();
  });

  it("admits CORS from the console's origin only", () => {
    // Act
    const api = resourceById(template, logicalId(stack, stack.api.httpApi));

    // Assess
    expect(api.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: [config.consoleOrigin],
    });
  });

  it('lets only this API invoke the function', () => {
    // Prepare
    const fn = logicalId(stack, stack.api.function);

    // Act
    const grants = resourcesOfType(template, 'AWS::Lambda::Permission')
      .filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(fn))
      .map(([, p]) => ({
        principal: p.Properties.Principal,
        source: JSON.stringify(p.Properties.SourceArn),
      }));

    // Assess
    expect(grants).toHaveLength(1);
    expect(grants[0]?.principal).toBe('apigateway.amazonaws.com');
    expect(grants[0]?.source).toContain(logicalId(stack, stack.api.httpApi));
  });

  it('gives the function every variable it reads and the console origin', () => {
    // Act
    const fn = resourceById(template, logicalId(stack, stack.api.function));
    const variables = z
      .object({ Variables: z.record(z.string(), z.unknown()) })
      .parse(fn.Properties.Environment).Variables;

    // Assess
    for (const name of API_ENV) expect(variables).toHaveProperty(name);
    expect(variables.CONSOLE_ORIGIN).toBe(config.consoleOrigin);
  });

  it('lets the function role read and write only what the endpoints need', () => {
    // Act
    const statements = statementsOf(synth, stack.api.role);

    // Assess
    expect(actionsOf(statements)).toEqual([
      'cloudwatch:GetMetricData',
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:GetQueryResults',
      'logs:PutLogEvents',
      'logs:StartQuery',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:ListBucket',
      's3:PutObject',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
      'states:DescribeExecution',
      'states:DescribeStateMachine',
      'states:GetExecutionHistory',
      'states:StartExecution',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const onStar = statements.filter((st) => st.resources.includes('*'));
    expect(actionsOf(onStar)).toEqual([
      'cloudwatch:GetMetricData',
      'logs:GetQueryResults',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const writes = statements.filter((st) => st.actions.some((a) => /Put|Update/.test(a)));
    const writtenTables = JSON.stringify(writes.filter((st) => st.sid === 'ReadWriteExperiments'));
    expect(writtenTables).toContain(logicalId(stack, stack.storage.experiments));
    expect(JSON.stringify(writes)).not.toContain(logicalId(stack, stack.storage.results));
    expect(JSON.stringify(writes)).not.toContain(logicalId(stack, stack.storage.metrics));
    expect(JSON.stringify(writes)).not.toContain(logicalId(stack, stack.storage.ledger));
  });

  it("queries Logs Insights on the pipeline functions' log groups only", () => {
    // Act
    const statements = statementsOf(synth, stack.api.role);
    const startQuery = statements.filter((st) => st.actions.includes('logs:StartQuery'));
    const groups = startQuery
      .flatMap((st) => st.resources.map((resource) => JSON.stringify(resource)))
      .map((resource) => /log-group:([^"]+)"/.exec(resource)?.[1] ?? resource);

    // Assess
    expect(startQuery.map((st) => st.actions)).toEqual([['logs:StartQuery']]);
    expect(groups).toEqual(
      FUNCTION_NAMES.flatMap((name) => [
        `/aws/lambda/medextract-${stage}-${name}`,
        `/aws/lambda/medextract-${stage}-${name}:*`,
      ]),
    );
  });

  it("tells the function each pipeline function's configured memory", () => {
    // Act
    const fn = resourceById(template, logicalId(stack, stack.api.function));
    const variables = z
      .object({ Variables: z.object({ FUNCTION_MEMORY_MB: z.string() }) })
      .parse(fn.Properties.Environment).Variables;

    // Assess
    expect(JSON.parse(variables.FUNCTION_MEMORY_MB)).toEqual(
      Object.fromEntries(
        FUNCTION_NAMES.map((name) => [name, configFor(stage).functions[name].memoryMb]),
      ),
    );
  });

  it('signs document links for incoming/ only, and reads the ledger without writing it', () => {
    // Act
    const statements = statementsOf(synth, stack.api.role);
    const bucket = logicalId(stack, stack.intake.bucket);
    /** The object prefixes of the documents bucket an action is granted on. */
    const prefixesOf = (action: string) =>
      statements
        .filter((st) => st.actions.includes(action))
        .flatMap((st) => st.resources.map((resource) => JSON.stringify(resource)))
        .filter((resource) => resource.includes(bucket))
        .flatMap((resource) => /"\/([\w/]+\/)\*"/.exec(resource)?.[1] ?? []);

    // Assess
    expect(prefixesOf('s3:PutObject')).toEqual(['incoming/']);
    expect(prefixesOf('s3:GetObject')).toEqual(['results/', 'reports/evaluations/', 'incoming/']);
    const ledger = logicalId(stack, stack.storage.ledger);
    const onLedger = statements.filter((st) => JSON.stringify(st.resources).includes(ledger));
    expect(actionsOf(onLedger)).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });
});
