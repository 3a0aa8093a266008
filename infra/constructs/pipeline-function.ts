/**
 * The one function-defaults construct: every Lambda in the pipeline is built
 * here, so runtime, architecture, tracing, logging, bundling and IAM shape are
 * decided once. Resources are attached with `bindX()` methods that set the
 * environment variable and the narrowest grant together.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FunctionName } from '#contracts/functions.ts';
import { physicalName, type TableDefinition } from '#contracts/resources.ts';
import { BUNDLE_SETTINGS, bundleAliasValues } from '../bundle-settings.ts';
import {
  type BedrockModelAccess,
  metricsNamespace,
  SERVICE_NAME,
  type StageConfig,
} from '../config.ts';
import { functionEntry, LOCK_FILE, REPO_ROOT } from '../repo-paths.ts';
import { workerBundleCommands } from '../worker-bundles.ts';

/** Latest Node.js runtime aws-cdk-lib knows; cdk-nag's L1 rule holds us to it. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * NodejsFunction's esbuild options from the shared bundle settings
 * (infra/bundle-settings.ts), with a source map without sources: the AWS SDK
 * is bundled from its ES build (ADR 45), without the HTTP/2 handler (ADR 59),
 * `extraExternal` joins tesseract.js
 * as a package the bundle leaves out.
 */
export const sharedBundling = (extraExternal: readonly string[] = []) => ({
  format: nodejs.OutputFormat.ESM,
  target: BUNDLE_SETTINGS.target,
  mainFields: [...BUNDLE_SETTINGS.mainFields],
  minify: BUNDLE_SETTINGS.minify,
  sourceMap: true,
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [...BUNDLE_SETTINGS.external, ...extraExternal],
  esbuildArgs: {
    '--conditions': BUNDLE_SETTINGS.conditions.join(','),
    // NodejsFunction turns each value into `--alias:<value>` (ADR 59).
    '--alias': bundleAliasValues(),
  },
  // Some CommonJS dependencies call require(); ESM output needs one in scope.
  banner: BUNDLE_SETTINGS.banner,
});

/** How the function is invoked, which decides where its failures go. */
export type Invocation =
  /** Synchronously by the SQS event source mapping; failures follow the queue's redrive policy. */
  | { readonly kind: 'sqs-event-source' }
  /** Synchronously by a state machine Task; failures go to the ASL Catch. */
  | { readonly kind: 'state-machine-task' }
  /**
   * Asynchronously by EventBridge Scheduler, for a stateless periodic job:
   * each run recomputes everything, so a failed event has nothing to replay.
   */
  | { readonly kind: 'scheduled' }
  /** Asynchronously (log subscription); failed events go to this encrypted queue. */
  | {
      readonly kind: 'async';
      readonly failureQueue: sqs.IQueue;
      readonly failureQueueKey: kms.IKey;
    };

export interface PipelineFunctionProps {
  readonly name: FunctionName;
  readonly config: StageConfig;
  /** Key of the function's log group. */
  readonly logsKey: kms.IKey;
  readonly invocation: Invocation;
  /** Function-specific settings (limits, TTLs); resource names come from `bindX()`. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Copy `prompts/` next to `index.mjs` in the bundle, for functions that load
   * prompt versions from disk.
   * @default false
   */
  readonly bundlePrompts?: boolean;
  /**
   * Ship the page renderer: pdf.js and the Node canvas as node_modules of the
   * bundle (the canvas prebuilt for linux-arm64, the functions' architecture)
   * and the render worker script beside `index.mjs`.
   * @default false
   */
  readonly bundlePageRenderer?: boolean;
}

/**
 * Packages the page renderer and the page OCR (word boxes for image pages)
 * load at run time, installed into the bundle rather than inlined:
 * tesseract.js starts its own worker script and WebAssembly core from its
 * package folder, and reads the English model from @tesseract.js-data/eng.
 */
export const PAGE_RENDERER_MODULES = [
  'pdfjs-dist',
  '@napi-rs/canvas',
  'tesseract.js',
  '@tesseract.js-data/eng',
] as const;

/** tesseract.js-core builds for the legacy engine, which `OEM.LSTM_ONLY` never loads. */
const OCR_UNUSED_CORE = ['', '-simd', '-relaxedsimd'].flatMap((variant) => [
  `tesseract-core${variant}.js`,
  `tesseract-core${variant}.wasm`,
]);

/**
 * Copies the render worker beside `index.mjs` and drops the parts of
 * pdfjs-dist the worker never loads (browser builds, viewer, types, source
 * maps): 41 MB installed, 9.7 MB trimmed (measured for 5.6.205), and the
 * parts of tesseract.js-core and the language data the page OCR never loads.
 */
export const pageRendererCommands = (inputDir: string, outputDir: string): string[] => {
  const pdfjs = `${outputDir}/node_modules/pdfjs-dist`;
  const core = `${outputDir}/node_modules/tesseract.js-core`;
  return [
    `cp "${inputDir}/functions/load-document/render-worker.mjs" "${outputDir}/"`,
    `rm -rf "${pdfjs}/build" "${pdfjs}/web" "${pdfjs}/types" "${pdfjs}/image_decoders" "${pdfjs}/legacy/web" "${pdfjs}/legacy/image_decoders"`,
    `find "${pdfjs}" -name '*.map' -delete`,
    // OCR runs the LSTM engine only, from Node (no .wasm.js browser builds), with the best_int model.
    `rm -f ${OCR_UNUSED_CORE.map((file) => `"${core}/${file}"`).join(' ')}`,
    `find "${core}" -name '*.wasm.js' -delete`,
    `rm -rf "${outputDir}/node_modules/@tesseract.js-data/eng/4.0.0"`,
  ];
};

/** DynamoDB actions a function may be granted; anything else is a compile error. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem';

const READ_ACTIONS: readonly TableAction[] = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
];

/** Prefix access a function needs on the documents bucket. */
export interface BucketAccess {
  /** Prefixes the function reads (GetObject and GetObjectVersion). */
  readonly read?: readonly string[];
  /** Prefixes the function writes (PutObject). */
  readonly write?: readonly string[];
}

/** A pipeline Lambda function with its own role, encrypted log group and bundle. */
export class PipelineFunction extends Construct {
  readonly name: FunctionName;
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly stack: Stack;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { config, name } = props;
    const settings = config.functions[name];
    const functionName = physicalName(config.stage, name);
    this.name = name;
    this.stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      encryptionKey: props.logsKey,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    // A dedicated role without AWS managed policies: log writes are granted on
    // this log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      entry: functionEntry(name),
      handler: 'handler',
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      reservedConcurrentExecutions: settings.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      environment: {
        STAGE: config.stage,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(config.stage),
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        // The bundle ships a source map; stack traces point at TypeScript lines.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        ...sharedBundling(props.bundlePageRenderer ? PAGE_RENDERER_MODULES : []),
        ...(props.bundlePageRenderer
          ? {
              nodeModules: [...PAGE_RENDERER_MODULES],
              // npm picks the canvas binary for the target, not the build machine.
              environment: {
                npm_config_cpu: 'arm64',
                npm_config_os: 'linux',
                npm_config_libc: 'glibc',
              },
            }
          : {}),
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...workerBundleCommands(name, inputDir, outputDir),
            ...(props.bundlePrompts ? [`cp -R "${inputDir}/prompts" "${outputDir}/prompts"`] : []),
            ...(props.bundlePageRenderer ? pageRendererCommands(inputDir, outputDir) : []),
          ],
        },
      },
    });

    this.applyInvocation(props.invocation);
    this.acknowledgeFunctionFindings(props.invocation);
  }

  /** The function's ARN. */
  get functionArn(): string {
    return this.function.functionArn;
  }

  /**
   * DOCUMENTS_BUCKET, plus GetObject/GetObjectVersion on each read prefix and
   * PutObject on each write prefix, and the KMS calls S3 makes for them.
   */
  bindDocumentsBucket(bucket: s3.IBucket, key: kms.IKey, access: BucketAccess): this {
    this.function.addEnvironment('DOCUMENTS_BUCKET', bucket.bucketName);
    const read = access.read ?? [];
    const write = access.write ?? [];
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${this.stack.region}.amazonaws.com` } };
    if (read.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadDocumentObjects',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: read.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
        }),
      );
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptDocumentObjects',
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: viaS3,
        }),
      );
    }
    if (write.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'WriteDocumentObjects',
          actions: ['s3:PutObject'],
          resources: write.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
        }),
      );
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptDocumentObjects',
          actions: ['kms:GenerateDataKey'],
          resources: [key.keyArn],
          conditions: viaS3,
        }),
      );
    }
    for (const prefix of new Set([...read, ...write])) {
      Validations.of(this.defaultPolicy()).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(bucket)}.Arn>/${prefix}*]`,
        reason: `Object keys under ${prefix} are per-document ids known only at run time; access is limited to this one prefix of this one bucket, with only the object actions listed in the statement.`,
      });
    }
    return this;
  }

  /**
   * The table's name under its `envVar`, plus exactly `actions` on the table
   * (and, for Query, on each of its named indexes), and the KMS calls
   * DynamoDB makes for them. `leadingKeys` (patterns of the partition key)
   * narrows the grant to those items.
   */
  bindTable(
    table: dynamodb.ITable,
    definition: TableDefinition,
    key: kms.IKey,
    actions: readonly TableAction[],
    scope: { readonly leadingKeys?: readonly string[] } = {},
  ): this {
    this.function.addEnvironment(definition.envVar, table.tableName);
    const indexArns = actions.includes('dynamodb:Query')
      ? definition.globalSecondaryIndexes.map(
          (index) => `${table.tableArn}/index/${index.indexName}`,
        )
      : [];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${definition.logicalId}Access`,
        actions: [...actions],
        resources: [table.tableArn, ...indexArns],
        ...(scope.leadingKeys
          ? {
              conditions: {
                'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...scope.leadingKeys] },
              },
            }
          : {}),
      }),
    );
    const writes = actions.some((action) => !READ_ACTIONS.includes(action));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${definition.logicalId}Key`,
        actions: writes
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `dynamodb.${this.stack.region}.amazonaws.com` },
        },
      }),
    );
    return this;
  }

  /** STATE_MACHINE_ARN and states:StartExecution on that state machine only. */
  bindStateMachine(stateMachine: sfn.IStateMachine): this {
    this.function.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'StartExtraction',
        actions: ['states:StartExecution'],
        resources: [stateMachine.stateMachineArn],
      }),
    );
    return this;
  }

  /**
   * bedrock:InvokeModel on each model's inference profile, and on its
   * foundation model in every Region the profile may route to, but only when
   * the call comes through that profile.
   */
  allowModelInvocation(models: readonly BedrockModelAccess[]): this {
    const { partition, region, account } = this.stack;
    models.forEach((model, index) => {
      const profileArn = `arn:${partition}:bedrock:${region}:${account}:inference-profile/${model.inferenceProfileId}`;
      const modelArn = (modelRegion: string): string =>
        `arn:${partition}:bedrock:${modelRegion}::foundation-model/${model.foundationModelId}`;
      const foundationArns =
        model.routing.kind === 'global'
          ? // Global profiles route to any commercial Region; AWS authorises the
            // destination as a Region-less foundation-model ARN.
            [modelArn(region), modelArn('')]
          : model.routing.destinationRegions.map(modelArn);
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `InvokeInferenceProfile${index}`,
          actions: ['bedrock:InvokeModel'],
          resources: [profileArn],
        }),
      );
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `InvokeFoundationModelViaProfile${index}`,
          actions: ['bedrock:InvokeModel'],
          resources: foundationArns,
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
        }),
      );
    });
    return this;
  }

  private applyInvocation(invocation: Invocation): void {
    if (invocation.kind !== 'async') return;
    const { failureQueue, failureQueueKey } = invocation;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendFailedEvents',
        actions: ['sqs:SendMessage'],
        resources: [failureQueue.queueArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptFailedEvents',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [failureQueueKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `sqs.${this.stack.region}.amazonaws.com` },
        },
      }),
    );
    new lambda.EventInvokeConfig(this, 'AsyncInvokeConfig', {
      function: this.function,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: { bind: () => ({ destination: failureQueue.queueArn }) },
    });
  }

  private acknowledgeFunctionFindings(invocation: Invocation): void {
    const cfnFunction = this.function.node.defaultChild;
    if (cfnFunction === undefined) throw new Error(`${this.node.path} has no CfnFunction`);
    const ack = (id: string, reason: string): void =>
      Validations.of(cfnFunction).acknowledge({ id, reason });

    ack(
      'HIPAA.Security-LambdaInsideVPC',
      'The function reaches only AWS regional APIs (S3, DynamoDB, Step Functions, Bedrock, KMS, CloudWatch) over TLS with SigV4, accepts no inbound connections and has no route to any private network; every call is limited by its resource-scoped role. See docs/adr/0009-functions-outside-a-vpc.md.',
    );
    const dlqReason =
      invocation.kind === 'sqs-event-source'
        ? 'Invoked synchronously by the SQS event source mapping, so a Lambda DLQ would never receive anything: a message that keeps failing moves to the ingest dead-letter queue through the queue redrive policy (maxReceiveCount 5).'
        : invocation.kind === 'state-machine-task'
          ? 'Invoked synchronously by the extraction state machine, so a Lambda DLQ would never receive anything: failures are retried by the ASL Retry and then caught into RecordFailure, which sends the document to the extraction dead-letter queue.'
          : invocation.kind === 'scheduled'
            ? 'Invoked hourly by EventBridge Scheduler for a stateless analysis that recomputes everything from the roll-ups: a failed event holds nothing to replay, the next run supersedes it, and the function Errors alarm pages on the failure.'
            : "Asynchronous failures go to the on-failure destination queue set in this function's EventInvokeConfig, which keeps the full invocation record; a legacy DLQ would duplicate every failed event.";
    ack('HIPAA.Security-LambdaDLQ', dlqReason);
    ack('Serverless-LambdaDLQ', dlqReason);

    const policy = this.defaultPolicy();
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions xray:PutTraceSegments and xray:PutTelemetryRecords use Resource "*", because X-Ray supports no resource-level permissions; a test asserts no other action in this policy is granted on "*".',
    });
    Validations.of(policy).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'This policy belongs to one role used by one function, is created and deleted with it and cannot be attached to any other principal; every statement is scoped to named resources and asserted by the infrastructure tests.',
    });
  }

  /** The role's inline DefaultPolicy (created by the log and X-Ray grants). */
  private defaultPolicy(): Construct {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!(policy instanceof iam.Policy)) throw new Error(`${this.node.path} has no DefaultPolicy`);
    return policy;
  }

  private logicalIdOf(bucket: s3.IBucket): string {
    const cfnBucket = bucket.node.defaultChild;
    if (!(cfnBucket instanceof s3.CfnBucket)) {
      throw new Error(`${bucket.node.path} is not a bucket defined in this app`);
    }
    return this.stack.getLogicalId(cfnBucket);
  }
}
