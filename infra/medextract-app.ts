/**
 * Builds the CDK app: feature flags, one pipeline stack per requested stage,
 * tags. Shared by `infra/app.ts` (the CLI entry), `infra/synth-all.ts` and the
 * tests, so all three synthesise the same thing.
 */
import { App, type AppProps, Tags } from 'aws-cdk-lib';
import type { StageConfig } from './config.ts';
import { PipelineStack } from './stacks/pipeline-stack.ts';

/**
 * Feature flags the app relies on, kept in code (not only in cdk.json) so
 * tests and scripts that build `App` directly get the same behaviour.
 */
export const FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  // Grant S3 log delivery through a bucket policy instead of the legacy ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': false,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
  '@aws-cdk/aws-sqs:dlqCrossAccountEnforcement': true,
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true,
};

/** A CDK app with the feature flags set; `context` adds or overrides keys. */
export const createApp = (props: AppProps = {}): App =>
  new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });

/** Stack name of a stage, e.g. `MedExtract-prod`. */
export const stackName = (config: StageConfig): string => `MedExtract-${config.stage}`;

/** Adds the pipeline stack of one stage to `app`. */
export const addPipeline = (app: App, config: StageConfig): PipelineStack => {
  const stack = new PipelineStack(app, stackName(config), {
    config,
    stackName: stackName(config),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    description: `MedExtract ${config.stage}: medical PDF extraction pipeline`,
    terminationProtection: config.stage === 'prod',
  });
  Tags.of(stack).add('project', 'medextract');
  Tags.of(stack).add('stage', config.stage);
  return stack;
};
