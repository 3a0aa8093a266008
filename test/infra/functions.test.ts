/**
 * Function intent: shared defaults (runtime, architecture, tracing, logging,
 * explicit limits), the environment contract with the handlers, and least
 * privilege per function: exact actions, named resources, no stray wildcards.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FUNCTION_NAMES, type FunctionName } from '#contracts/functions.ts';
import { configFor } from '#infra/config.ts';
import type { PipelineFunction } from '#infra/constructs/pipeline-function.ts';
import {
  actionsOf,
  arnOf,
  logicalId,
  resourceById,
  resourcesOfType,
  type Statement,
  statementsOf,
  synthStage,
} from './synth.ts';

const synth = synthStage('prod');
const { stack, template } = synth;
const config = configFor('prod');
const idOf = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);

const FUNCTIONS: Readonly<Record<FunctionName, PipelineFunction>> = {
  starter: stack.intake.starter,
  'load-document': stack.workflow.functions.loadDocument,
  'select-variant': stack.workflow.functions.selectVariant,
  'admit-model-call': stack.workflow.functions.admitModelCall,
  'invoke-model': stack.workflow.functions.invokeModel,
  score: stack.workflow.functions.score,
  'record-result': stack.workflow.functions.recordResult,
  'record-failure': stack.workflow.functions.recordFailure,
  reconciler: stack.reconciliation.reconciler,
  aggregator: stack.observability.aggregator,
  drift: stack.observability.drift.function,
};

const environmentOf = (name: FunctionName): Record<string, unknown> =>
  z
    .object({ Variables: z.record(z.string(), z.unknown()) })
    .parse(resourceById(template, idOf(FUNCTIONS[name].function)).Properties.Environment).Variables;

const statements = (name: FunctionName): Statement[] => statementsOf(synth, FUNCTIONS[name].role);

const BASE_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** The whole action set each function may use; anything more is a failure. */
const EXPECTED_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = {
  starter: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:ReceiveMessage',
    'states:StartExecution',
  ],
  'load-document': [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
  ],
  'select-variant': [
    'dynamodb:BatchGetItem',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:DescribeKey',
  ],
  // The slot records of the metrics table only (a test checks the key condition).
  'admit-model-call': [
    'dynamodb:GetItem',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
  ],
  'invoke-model': [
    'bedrock:InvokeModel',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
  ],
  score: [
    'kms:Decrypt',
    'kms:GenerateDataKey',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
  ],
  // The ledger entry is read and written under its revision; the results row is put.
  'record-result': [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
  ],
  'record-failure': [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
  ],
  reconciler: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    's3:ListBucket',
    's3:ListBucketVersions',
    'sqs:SendMessage',
    'states:DescribeExecution',
    'states:StartExecution',
  ],
  aggregator: [
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    'sqs:SendMessage',
  ],
  // Reads roll-ups only: Query on the metrics table, no write of any kind.
  drift: ['dynamodb:Query', 'kms:Decrypt', 'kms:DescribeKey'],
};

const COMMON_ENVIRONMENT = [
  'NODE_OPTIONS',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
  'STAGE',
];

/** Environment variables beyond the common ones, as the handlers read them. */
const EXPECTED_ENVIRONMENT: Readonly<Record<FunctionName, readonly string[]>> = {
  starter: ['LEDGER_TABLE_NAME', 'STATE_MACHINE_ARN'],
  'load-document': ['DOCUMENTS_BUCKET', 'LEDGER_TABLE_NAME', 'MAX_DOCUMENT_BYTES', 'MAX_PAGES'],
  'select-variant': [
    'DEFAULT_PROMPT_VERSION',
    'EXPERIMENTS_TABLE_NAME',
    'PROMPT_CACHE_TTL_SECONDS',
    'REUSE_IDENTICAL_DOCUMENTS',
    'REUSE_TABLE_NAME',
    'WORK_EXPIRATION_DAYS',
  ],
  'admit-model-call': ['METRICS_TABLE_NAME', 'MODEL_ADMISSION_SETTINGS'],
  'invoke-model': ['DOCUMENTS_BUCKET'],
  score: ['DOCUMENTS_BUCKET'],
  'record-result': [
    'DOCUMENTS_BUCKET',
    'LEDGER_TABLE_NAME',
    'RESULTS_TABLE_NAME',
    'REUSE_IDENTICAL_DOCUMENTS',
    'REUSE_TABLE_NAME',
    'WORK_EXPIRATION_DAYS',
  ],
  'record-failure': ['LEDGER_TABLE_NAME', 'RESULTS_TABLE_NAME'],
  aggregator: ['METRICS_TABLE_NAME'],
  drift: [
    'DRIFT_BASELINE_HOURS',
    'DRIFT_FALSE_ALARM_HOURS_PER_YEAR',
    'DRIFT_MONITOR_HOURS',
    'DRIFT_PROMPT_VERSIONS',
    'METRICS_TABLE_NAME',
  ],
  reconciler: [
    'DOCUMENTS_BUCKET',
    'DOCUMENTS_VERSIONED',
    'EXECUTION_TIMEOUT_SECONDS',
    'LEDGER_TABLE_NAME',
    'RECONCILE_GRACE_SECONDS',
    'STATE_MACHINE_ARN',
  ],
};

const objectsUnder = (prefix: string) => ({
  'Fn::Join': ['', [arnOf(stack, stack.intake.bucket), `/${prefix}*`]],
});

describe('function defaults', () => {
  it.each(FUNCTION_NAMES)('runs %s on Node.js 24, arm64, traced, with explicit limits', (name) => {
    // Prepare
    const settings = config.functions[name];

    // Act / Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `medextract-prod-${name}`,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: settings.memoryMb,
      Timeout: settings.timeoutSeconds,
      ReservedConcurrentExecutions: settings.reservedConcurrency,
      LoggingConfig: { LogGroup: { Ref: idOf(FUNCTIONS[name].logGroup) } },
      Role: arnOf(stack, FUNCTIONS[name].role),
    });
  });

  it.each(FUNCTION_NAMES)('gives %s exactly its contract environment', (name) => {
    // Prepare
    const expected = [...COMMON_ENVIRONMENT, ...EXPECTED_ENVIRONMENT[name]].sort();

    // Act
    const environment = environmentOf(name);

    // Assess
    expect(Object.keys(environment).sort()).toEqual(expected);
    expect(environment).toMatchObject({
      STAGE: 'prod',
      POWERTOOLS_SERVICE_NAME: 'medextract',
      POWERTOOLS_METRICS_NAMESPACE: 'MedExtract/prod',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('names tables and the bucket through the variables the handlers read', () => {
    // Prepare / Act
    const recordResult = environmentOf('record-result');
    const selectVariant = environmentOf('select-variant');
    const aggregator = environmentOf('aggregator');

    // Assess
    expect(recordResult.RESULTS_TABLE_NAME).toEqual({ Ref: idOf(stack.storage.results) });
    expect(recordResult.LEDGER_TABLE_NAME).toEqual({ Ref: idOf(stack.storage.ledger) });
    expect(recordResult.DOCUMENTS_BUCKET).toEqual({ Ref: idOf(stack.intake.bucket) });
    expect(selectVariant.EXPERIMENTS_TABLE_NAME).toEqual({ Ref: idOf(stack.storage.experiments) });
    expect(aggregator.METRICS_TABLE_NAME).toEqual({ Ref: idOf(stack.storage.metrics) });
  });

  it('never attaches an AWS managed policy to a function role', () => {
    // Prepare
    const roles = Object.values(FUNCTIONS).map((fn) => resourceById(template, idOf(fn.role)));

    // Act
    const managed = roles.map((role) => role.Properties.ManagedPolicyArns);

    // Assess
    expect(managed).toEqual(roles.map(() => undefined));
  });
});

describe('least privilege', () => {
  it.each(FUNCTION_NAMES)('grants %s exactly the actions it uses', (name) => {
    // Prepare
    const expected = [...BASE_ACTIONS, ...EXPECTED_ACTIONS[name]].sort();

    // Act
    const actions = actionsOf(statements(name));

    // Assess
    expect(actions).toEqual(expected);
  });

  it.each(FUNCTION_NAMES)('grants "*" in %s only to the X-Ray actions', (name) => {
    // Prepare
    const all = statements(name);

    // Act
    const onStar = actionsOf(all.filter((st) => st.resources.includes('*')));

    // Assess
    expect(onStar).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(all.every((st) => st.effect === 'Allow')).toBe(true);
  });

  it('limits each function to its own prefixes of the documents bucket', () => {
    // Prepare
    const prefixesOf = (name: FunctionName, action: string) =>
      statements(name)
        .filter((st) => st.actions.includes(action))
        .flatMap((st) => st.resources);

    // Act / Assess
    expect(prefixesOf('load-document', 's3:GetObjectVersion')).toEqual([objectsUnder('incoming/')]);
    expect(prefixesOf('load-document', 's3:PutObject')).toEqual([objectsUnder('work/')]);
    expect(prefixesOf('invoke-model', 's3:GetObject')).toEqual([objectsUnder('work/')]);
    expect(prefixesOf('invoke-model', 's3:PutObject')).toEqual([objectsUnder('work/')]);
    expect(prefixesOf('score', 's3:GetObject')).toEqual([objectsUnder('work/')]);
    expect(prefixesOf('score', 's3:PutObject')).toEqual([objectsUnder('grounding/')]);
    expect(prefixesOf('record-result', 's3:GetObject')).toEqual([
      objectsUnder('work/'),
      objectsUnder('grounding/'),
    ]);
    expect(prefixesOf('record-result', 's3:PutObject')).toEqual([objectsUnder('results/')]);
  });

  it('conditions every KMS grant on the service that uses the key, or on its own queue', () => {
    // Prepare
    const kmsStatements = FUNCTION_NAMES.flatMap((name) =>
      statements(name)
        .filter((st) => st.actions.some((action) => action.startsWith('kms:')))
        .map((st) => ({ name, st })),
    );

    // Act
    const unconditioned = kmsStatements.filter(({ st }) => st.condition === undefined);

    // Assess
    expect(kmsStatements.length).toBeGreaterThan(8);
    // The one exception is the SQS event source's own grant to read the ingest queue.
    expect(unconditioned.map(({ name, st }) => ({ name, resources: st.resources }))).toEqual([
      { name: 'starter', resources: [arnOf(stack, stack.keys.ingest)] },
    ]);
  });

  it('scopes table access to named tables and named indexes only', () => {
    // Prepare
    const dynamo = FUNCTION_NAMES.flatMap((name) =>
      statements(name).filter((st) => st.actions.some((action) => action.startsWith('dynamodb:'))),
    );

    // Act
    const resources = dynamo.flatMap((st) => st.resources);

    // Assess
    expect(JSON.stringify(resources)).not.toContain('*');
    expect(resources).toContainEqual({
      'Fn::Join': ['', [arnOf(stack, stack.storage.experiments), '/index/byStatus']],
    });
  });

  it('gives the recording tasks no table beyond the results and the ledger (reuse for record-result)', () => {
    // Prepare
    const tableArns = (name: FunctionName) =>
      statements(name)
        .filter((st) => st.actions.some((action) => action.startsWith('dynamodb:')))
        .flatMap((st) => st.resources)
        .filter((resource) => JSON.stringify(resource).startsWith('{"Fn::GetAtt"'));
    const arn = (table: Parameters<typeof arnOf>[1]) => JSON.stringify(arnOf(stack, table));

    // Act
    const recordResult = new Set(tableArns('record-result').map((r) => JSON.stringify(r)));
    const recordFailure = new Set(tableArns('record-failure').map((r) => JSON.stringify(r)));

    // Assess: their retries are decided by the ledger entry, with no table of their own (ADR 63).
    const { results, ledger, reuse } = stack.storage;
    expect(recordResult).toEqual(new Set([arn(results), arn(ledger), arn(reuse)]));
    expect(recordFailure).toEqual(new Set([arn(results), arn(ledger)]));
  });

  it('limits admit-model-call to the slot records of the metrics table', () => {
    // Prepare
    const dynamo = statements('admit-model-call').filter((st) =>
      st.actions.some((action) => action.startsWith('dynamodb:')),
    );

    // Act
    const resources = dynamo.flatMap((st) => st.resources);

    // Assess
    expect(resources).toEqual([arnOf(stack, stack.storage.metrics)]);
    expect(dynamo.map((st) => st.condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ADMISSION#*'] } },
    ]);
    expect(
      statements('invoke-model').some((st) => st.actions.includes('dynamodb:UpdateItem')),
    ).toBe(false);
  });

  it('lets only invoke-model call Bedrock, on the configured profiles and their routed models', () => {
    // Prepare
    const bedrock = FUNCTION_NAMES.flatMap((name) =>
      statements(name)
        .filter((st) => st.actions.includes('bedrock:InvokeModel'))
        .map((st) => ({ name, st })),
    );

    // Act
    const rendered = JSON.stringify(bedrock.map(({ st }) => st.resources));

    // Assess
    expect(new Set(bedrock.map(({ name }) => name))).toEqual(new Set(['invoke-model']));
    expect(bedrock.map(({ st }) => st.actions)).toEqual(bedrock.map(() => ['bedrock:InvokeModel']));
    expect(rendered).not.toContain('*');
    expect(rendered).toContain(':inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(rendered).toContain(
      ':inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    for (const region of ['us-east-1', 'us-east-2', 'us-west-2']) {
      expect(rendered).toContain(
        `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0`,
      );
    }
    expect(rendered).toContain(
      'arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    );
  });

  it('allows foundation models only when called through the configured inference profile', () => {
    // Prepare
    const foundation = statements('invoke-model').filter((st) =>
      JSON.stringify(st.resources).includes(':foundation-model/'),
    );

    // Act
    const conditions = foundation.map((st) => JSON.stringify(st.condition));

    // Assess
    expect(foundation).toHaveLength(config.bedrock.models.length);
    for (const [index, condition] of conditions.entries()) {
      expect(condition).toContain('bedrock:InferenceProfileArn');
      expect(condition).toContain(config.bedrock.models[index]?.inferenceProfileId);
    }
  });

  it('gives each function its own role', () => {
    // Prepare
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');

    // Act
    const roles = functions.map(([, fn]) => JSON.stringify(fn.Properties.Role));

    // Assess: the pipeline's functions and the HTTP API's
    expect(functions).toHaveLength(FUNCTION_NAMES.length + 1);
    expect(new Set(roles).size).toBe(FUNCTION_NAMES.length + 1);
  });
});

describe('asynchronous invocation', () => {
  it('retries the aggregator at most twice and sends failed events to its encrypted queue', () => {
    // Prepare / Act / Assess
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack.observability.aggregator.function) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: Match.anyValue(),
      DestinationConfig: {
        OnFailure: { Destination: arnOf(stack, stack.observability.aggregatorFailureQueue) },
      },
    });
  });
});
