/**
 * Workflow intent: the deployed definition (the asset CloudFormation loads plus
 * its DefinitionSubstitutions) calls the right functions with retries and
 * catches, the machine is Standard, logged and traced, and its role can do
 * exactly what the definition needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { configFor } from '#infra/config.ts';
import { EXECUTION_WORK_SECONDS, executionTimeoutSeconds } from '#infra/model-capacity.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import {
  EXTRACT_ASL_PATH,
  EXTRACT_PLACEHOLDERS,
  substitutePlaceholders,
} from '#statemachines/extract-placeholders.ts';
import {
  actionsOf,
  arnOf,
  logicalId,
  resourceById,
  type Statement,
  statementsOf,
  synthStage,
} from './synth.ts';

const synth = synthStage('prod');
const { app, stack, template } = synth;
const idOf = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);
const machine = resourceById(template, idOf(stack.workflow.stateMachine));
const tasks = stack.workflow.functions;

/** Stand-in values that name the resource a substitution points to. */
const renderSubstitution = (value: unknown): string => {
  const parsed = z
    .union([
      z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
      z.object({ Ref: z.string() }),
    ])
    .parse(value);
  return 'Ref' in parsed
    ? `https://sqs.example/${parsed.Ref}`
    : `arn:aws:lambda:us-east-1:111122223333:function:${parsed['Fn::GetAtt'][0]}`;
};

const substitutions = z
  .record(z.enum(EXTRACT_PLACEHOLDERS), z.unknown())
  .parse(machine.Properties.DefinitionSubstitutions);

/** The definition as deployed: the staged asset with every substitution applied. */
const deployedDefinition = (() => {
  const asset = stack.workflow.stateMachine.node.findChild('DefinitionBody');
  if (!(asset instanceof s3assets.Asset)) throw new Error('Definition is not a file asset');
  const staged = readFileSync(join(app.synth().directory, asset.assetPath), 'utf8');
  const values = Object.fromEntries(
    EXTRACT_PLACEHOLDERS.map((name) => [name, renderSubstitution(substitutions[name])]),
  );
  return z
    .object({
      TimeoutSeconds: z.number(),
      States: z.record(z.string(), z.record(z.string(), z.unknown())),
    })
    .parse(
      JSON.parse(
        substitutePlaceholders(
          staged,
          z.record(z.enum(EXTRACT_PLACEHOLDERS), z.string()).parse(values),
        ),
      ),
    );
})();

const RetrierSchema = z.object({
  ErrorEquals: z.array(z.string()),
  IntervalSeconds: z.number().optional(),
  MaxAttempts: z.number().optional(),
  BackoffRate: z.number().optional(),
  MaxDelaySeconds: z.number().optional(),
  JitterStrategy: z.string().optional(),
});

const stateNamed = (name: string) => {
  const state = deployedDefinition.States[name];
  if (state === undefined) throw new Error(`No state ${name}`);
  return state;
};

const retriersOf = (name: string) => z.array(RetrierSchema).parse(stateNamed(name).Retry);

const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const TASK_STATES = {
  LoadDocument: tasks.loadDocument,
  SelectVariant: tasks.selectVariant,
  AdmitModelCall: tasks.admitModelCall,
  InvokeModel: tasks.invokeModel,
  ReportModelPressure: tasks.admitModelCall,
  Score: tasks.score,
  RecordResult: tasks.recordResult,
  RecordFailure: tasks.recordFailure,
} as const;

describe('extraction workflow definition', () => {
  it('substitutes exactly the placeholders of the ASL file', () => {
    // Prepare
    const file = readFileSync(fromRepoRoot(EXTRACT_ASL_PATH), 'utf8');

    // Act
    const tokens = new Set([...file.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((match) => match[1]));

    // Assess
    expect([...tokens].sort()).toEqual([...EXTRACT_PLACEHOLDERS].sort());
    expect(Object.keys(substitutions).sort()).toEqual([...EXTRACT_PLACEHOLDERS].sort());
  });

  it('loads the definition from the ASL file, not an inline copy', () => {
    // Prepare
    const location = z.object({ Key: z.string() }).parse(machine.Properties.DefinitionS3Location);

    // Act
    const asset = stack.workflow.stateMachine.node.findChild('DefinitionBody');

    // Assess
    expect(machine.Properties.DefinitionString).toBeUndefined();
    expect(asset instanceof s3assets.Asset && location.Key.startsWith(asset.assetHash)).toBe(true);
  });

  it.each(Object.entries(TASK_STATES))('has %s invoke its own function', (state, fn) => {
    // Prepare
    const parameters = z.object({ FunctionName: z.string() }).parse(stateNamed(state).Parameters);

    // Act
    const target = parameters.FunctionName;

    // Assess
    expect(stateNamed(state).Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(target).toBe(renderSubstitution(arnOf(stack, fn.function)));
  });

  it.each(Object.keys(TASK_STATES))('retries Lambda service errors with jitter in %s', (state) => {
    // Prepare
    const retriers = retriersOf(state);

    // Act
    const service = retriers.find((retrier) =>
      LAMBDA_SERVICE_ERRORS.every((error) => retrier.ErrorEquals.includes(error)),
    );

    // Assess
    expect(service).toMatchObject({
      IntervalSeconds: 2,
      MaxAttempts: 6,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    });
  });

  it('retries Bedrock throttling and outages once before admission takes over, and the model timeout once', () => {
    // Prepare
    const retriers = retriersOf('InvokeModel');

    // Act
    const throttled = retriers.find((retrier) => retrier.ErrorEquals.includes('ModelThrottled'));
    const timeout = retriers.find((retrier) => retrier.ErrorEquals.includes('ModelTimeout'));

    // Assess
    expect(throttled).toEqual({
      ErrorEquals: ['ModelThrottled', 'ModelUnavailable'],
      IntervalSeconds: 2,
      MaxAttempts: 1,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: 'FULL',
    });
    expect(timeout?.MaxAttempts).toBe(1);
  });

  it.each(Object.keys(TASK_STATES).filter((state) => state !== 'RecordFailure'))(
    'catches every error of %s into RecordFailure',
    (state) => {
      // Prepare
      const catchers = z
        .array(z.object({ ErrorEquals: z.array(z.string()), Next: z.string() }))
        .parse(stateNamed(state).Catch);

      // Act
      const last = catchers.at(-1);

      // Assess
      expect(last).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' });
    },
  );

  it('sends failed documents to the extraction DLQ and ends FAILED', () => {
    // Prepare
    const send = stateNamed('SendToDLQ');

    // Act
    const queueUrl = z.object({ QueueUrl: z.string() }).parse(send.Parameters).QueueUrl;

    // Assess
    expect(send.Resource).toBe('arn:aws:states:::sqs:sendMessage');
    expect(queueUrl).toBe(renderSubstitution({ Ref: idOf(stack.workflow.deadLetterQueue) }));
    expect(send.Next).toBe('Failed');
    expect(stateNamed('Failed').Type).toBe('Fail');
  });

  it('gives the execution work time plus the maximum admission wait, the reconciler the same deadline', () => {
    const config = configFor('prod');
    const deadline = executionTimeoutSeconds(config.bedrock.maxAdmissionWaitMinutes);
    expect(deployedDefinition.TimeoutSeconds).toBe(
      EXECUTION_WORK_SECONDS + config.bedrock.maxAdmissionWaitMinutes * 60,
    );
    expect(deadline).toBeGreaterThan(EXECUTION_WORK_SECONDS);
    const environmentOf = (fn: { function: Parameters<typeof idOf>[0] }) =>
      z
        .object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) })
        .parse(resourceById(template, idOf(fn.function)).Properties).Environment.Variables;
    expect(environmentOf(stack.reconciliation.reconciler).EXECUTION_TIMEOUT_SECONDS).toBe(
      String(deadline),
    );
    const settings = z
      .object({ maxAdmissionWaitMinutes: z.number() })
      .parse(
        JSON.parse(z.string().parse(environmentOf(tasks.admitModelCall).MODEL_ADMISSION_SETTINGS)),
      );
    expect(settings.maxAdmissionWaitMinutes).toBe(config.bedrock.maxAdmissionWaitMinutes);
  });

  it.each(['AdmitModelCall', 'ReportModelPressure'])(
    'sends %s back to admission after a short wait when the admission function stays throttled',
    (state) => {
      // Prepare
      const catchers = z
        .array(z.object({ ErrorEquals: z.array(z.string()), Next: z.string() }))
        .parse(stateNamed(state).Catch);

      // Act
      const at = catchers.findIndex((c) =>
        c.ErrorEquals.includes('Lambda.TooManyRequestsException'),
      );
      const wait = stateNamed('WaitForAdmissionCapacity');

      // Assess: caught before States.ALL, so a throttle never reaches RecordFailure.
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThan(catchers.length - 1);
      expect(catchers[at]).toMatchObject({
        ErrorEquals: ['Lambda.TooManyRequestsException'],
        Next: 'WaitForAdmissionCapacity',
      });
      expect(wait).toMatchObject({ Type: 'Wait', Next: 'AdmitModelCall' });
      expect(z.number().parse(wait.Seconds)).toBeLessThanOrEqual(30);
    },
  );

  it('gives every task a timeout above its function timeout', () => {
    // Prepare
    const config = configFor('prod');

    // Act
    const pairs = Object.entries(TASK_STATES).map(([state, fn]) => ({
      state,
      task: z.number().parse(stateNamed(state).TimeoutSeconds),
      fn: config.functions[fn.name].timeoutSeconds,
    }));

    // Assess
    for (const pair of pairs) expect(pair.task, pair.state).toBeGreaterThan(pair.fn);
  });
});

describe('extraction state machine', () => {
  it('is Standard, logs ALL without execution data to its own log group, and is traced', () => {
    // Prepare / Act
    const { StateMachineType, LoggingConfiguration, TracingConfiguration } = machine.Properties;

    // Assess
    expect(StateMachineType).toBe('STANDARD');
    expect(LoggingConfiguration).toEqual({
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: arnOf(stack, stack.workflow.logGroup) } },
      ],
      IncludeExecutionData: false,
      Level: 'ALL',
    });
    expect(TracingConfiguration).toEqual({ Enabled: true });
  });

  it('may invoke exactly the seven task functions and send only to the extraction DLQ', () => {
    // Prepare
    const statements = statementsOf(synth, stack.workflow.stateMachine.role);
    const bySid = (sid: string): Statement | undefined => statements.find((st) => st.sid === sid);

    // Act
    const invoke = bySid('InvokeTaskFunctions');
    const send = bySid('SendToExtractionDlq');
    const encrypt = bySid('EncryptExtractionDlqMessages');

    // Assess
    expect(invoke?.actions).toEqual(['lambda:InvokeFunction']);
    expect(invoke?.resources).toEqual(
      [...new Set(Object.values(TASK_STATES))].map((fn) => arnOf(stack, fn.function)),
    );
    expect(send?.actions).toEqual(['sqs:SendMessage']);
    expect(send?.resources).toEqual([arnOf(stack, stack.workflow.deadLetterQueue)]);
    expect(encrypt?.actions).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(encrypt?.resources).toEqual([arnOf(stack, stack.keys.data)]);
    expect(encrypt?.condition).toEqual({
      StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' },
    });
  });

  it('grants "*" only to the log-delivery and X-Ray actions that cannot be scoped', () => {
    // Prepare
    const statements = statementsOf(synth, stack.workflow.stateMachine.role);

    // Act
    const onStar = actionsOf(statements.filter((st) => st.resources.includes('*')));

    // Assess
    for (const action of onStar) expect(action).toMatch(/^(logs:[A-Za-z]+|xray:[A-Za-z]+)$/);
    expect(onStar.filter((action) => action.startsWith('logs:'))).toContain(
      'logs:CreateLogDelivery',
    );
    expect(actionsOf(statements).some((action) => action.includes('*'))).toBe(false);
  });
});
