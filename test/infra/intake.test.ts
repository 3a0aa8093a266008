/**
 * Intake intent: which uploads start work, queue timing against the starter,
 * dead-lettering, partial batch responses, capped concurrency, bucket
 * lifecycle and protection.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { INGEST_QUEUE, STARTER_TIMEOUT_SECONDS } from '#contracts/resources.ts';
import { configFor } from '#infra/config.ts';
import { addPipeline, createApp } from '#infra/medextract-app.ts';
import { arnOf, logicalId, NO_BUNDLING, resourceById, synthStage } from './synth.ts';

const { stack, template } = synthStage('prod');
const idOf = (construct: Parameters<typeof logicalId>[1]) => logicalId(stack, construct);

describe('intake', () => {
  it('sends every ObjectCreated event under incoming/ to the ingest queue, with no suffix filter', () => {
    // Prepare
    const bucket = resourceById(template, idOf(stack.intake.bucket));

    // Act
    const configuration = bucket.Properties.NotificationConfiguration;

    // Assess: a suffix filter is case-sensitive and would drop `Report.Pdf` without a trace.
    expect(configuration).toEqual({
      QueueConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Queue: arnOf(stack, stack.intake.queue),
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        },
      ],
    });
  });

  it('lets only the documents bucket of this account send to the ingest queue, before the bucket exists', () => {
    // Prepare
    const bucket = resourceById(template, idOf(stack.intake.bucket));
    const policyId = idOf(stack.intake.queue.node.findChild('Policy'));

    // Act
    const policy = resourceById(template, policyId);

    // Assess
    expect(bucket.DependsOn).toContain(policyId);
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(
      'medextract-prod-documents-',
    );
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnEquals: { 'aws:SourceArn': Match.anyValue() },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          }),
        ]),
      },
    });
  });

  it('keeps the ingest visibility timeout at least six times the starter timeout', () => {
    // Prepare
    const queue = resourceById(template, idOf(stack.intake.queue));
    const starter = resourceById(template, idOf(stack.intake.starter.function));

    // Act
    const visibility = z.number().parse(queue.Properties.VisibilityTimeout);
    const timeout = z.number().parse(starter.Properties.Timeout);

    // Assess
    expect(timeout).toBe(STARTER_TIMEOUT_SECONDS);
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('dead-letters after five receives into a queue that keeps messages 14 days, longer than the source', () => {
    // Prepare
    const queue = resourceById(template, idOf(stack.intake.queue));
    const dlq = resourceById(template, idOf(stack.intake.deadLetterQueue));

    // Act
    const redrive = queue.Properties.RedrivePolicy;

    // Assess
    expect(redrive).toEqual({
      deadLetterTargetArn: arnOf(stack, stack.intake.deadLetterQueue),
      maxReceiveCount: 5,
    });
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    expect(z.number().parse(queue.Properties.MessageRetentionPeriod)).toBeLessThan(14 * 86_400);
  });

  it('feeds the starter with partial batch responses and concurrency capped at its reservation', () => {
    // Prepare
    const config = configFor('prod');

    // Act / Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(stack, stack.intake.queue),
      FunctionName: { Ref: idOf(stack.intake.starter.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: config.ingest.maximumConcurrency },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'medextract-prod-starter',
      ReservedConcurrentExecutions: config.functions.starter.reservedConcurrency,
    });
    expect(config.ingest.maximumConcurrency).toBeLessThanOrEqual(
      config.functions.starter.reservedConcurrency,
    );
  });

  it('gives the starter the state machine ARN and nothing but StartExecution on it', () => {
    // Prepare
    const starter = resourceById(template, idOf(stack.intake.starter.function));

    // Act
    const variables = z
      .object({ Variables: z.record(z.string(), z.unknown()) })
      .parse(starter.Properties.Environment).Variables;

    // Assess
    expect(variables.STATE_MACHINE_ARN).toEqual({ Ref: idOf(stack.workflow.stateMachine) });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'StartExtraction',
            Effect: 'Allow',
            Action: 'states:StartExecution',
            Resource: { Ref: idOf(stack.workflow.stateMachine) },
          },
        ]),
      },
      Roles: [{ Ref: idOf(stack.intake.starter.role) }],
    });
  });

  it('moves incoming/ to Infrequent Access after 30 days, expires work/ after 7 and old versions', () => {
    // Prepare
    const bucket = resourceById(template, idOf(stack.intake.bucket));

    // Act
    const rules = z
      .object({ Rules: z.array(z.record(z.string(), z.unknown())) })
      .parse(bucket.Properties.LifecycleConfiguration).Rules;

    // Assess
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'incoming/',
        Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
      }),
    );
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'work/', ExpirationInDays: 7 }));
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
  });

  it('versions the documents bucket and logs its access to the access-log bucket', () => {
    // Prepare
    const bucket = resourceById(template, idOf(stack.intake.bucket));

    // Act
    const { VersioningConfiguration, LoggingConfiguration } = bucket.Properties;

    // Assess
    expect(VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: idOf(stack.intake.accessLogsBucket) },
      LogFilePrefix: 'documents/',
    });
  });

  it('refuses a starter whose ESM concurrency would exceed its reserved concurrency', () => {
    // Prepare
    const base = configFor('dev');
    const config = { ...base, ingest: { ...base.ingest, maximumConcurrency: 50 } };
    const app = createApp({ context: NO_BUNDLING });

    // Act
    const build = () => addPipeline(app, config);

    // Assess
    expect(build).toThrow(/maximum concurrency \(50\) must not exceed/);
  });

  it('refuses a starter timeout the ingest visibility timeout cannot cover six times', () => {
    // Prepare
    const base = configFor('dev');
    const tooSlow = INGEST_QUEUE.visibilityTimeoutSeconds / 6 + 1;
    const config = {
      ...base,
      functions: {
        ...base.functions,
        starter: { ...base.functions.starter, timeoutSeconds: tooSlow },
      },
    };
    const app = createApp({ context: NO_BUNDLING });

    // Act
    const build = () => addPipeline(app, config);

    // Assess
    expect(build).toThrow(/at least 6x the starter timeout/);
  });
});
