/**
 * The HTTP API of a stage: API Gateway (HTTP API) with IAM (SigV4)
 * authorisation on every route, stage throttling, access logs without
 * bodies and CORS for the console only, in front of one Lambda function
 * whose role may do exactly what the endpoints need.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
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
import { EVALUATION_REPORTS_PREFIX } from '#adapters/evaluation-reports.ts';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import {
  BUCKET_PREFIXES,
  EXPERIMENTS_TABLE,
  LEDGER_TABLE,
  physicalName,
  RESULTS_TABLE,
} from '#contracts/resources.ts';
import type { StageConfig } from '../config.ts';
import { fromRepoRoot, LOCK_FILE, REPO_ROOT } from '../repo-paths.ts';
import { FUNCTION_RUNTIME, sharedBundling } from './pipeline-function.ts';

export interface ApiProps {
  readonly config: StageConfig;
  readonly logsKey: kms.IKey;
  readonly dataKey: kms.IKey;
  readonly documentsBucket: s3.IBucket;
  readonly stateMachine: sfn.IStateMachine;
  readonly tables: {
    readonly results: dynamodb.ITable;
    readonly experiments: dynamodb.ITable;
    readonly metrics: dynamodb.ITable;
    readonly ledger: dynamodb.ITable;
  };
  readonly queues: {
    readonly ingest: sqs.IQueue;
    readonly ingestDlq: sqs.IQueue;
    readonly extractionDlq: sqs.IQueue;
  };
  /** Keys of the queues (the ingest key, the data key), for SQS's KMS calls. */
  readonly queueKeys: readonly kms.IKey[];
}

/** One access-log line: who, what, how it ended; never a body, header or query string. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  principal: '$context.identity.userArn',
  sourceIp: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
};

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    const settings = config.api;
    const functionName = physicalName(config.stage, 'api');
    const stack = Stack.of(this);

    const logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      logGroupName: `/aws/lambda/${functionName}`,
      encryptionKey: props.logsKey,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    this.grantEndpointAccess(props, logGroup, stack.region);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      entry: fromRepoRoot('api/lambda.ts'),
      handler: 'handler',
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      reservedConcurrentExecutions: settings.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      environment: {
        STAGE: config.stage,
        DOCUMENTS_BUCKET: props.documentsBucket.bucketName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        RESULTS_TABLE_NAME: props.tables.results.tableName,
        EXPERIMENTS_TABLE_NAME: props.tables.experiments.tableName,
        METRICS_TABLE_NAME: props.tables.metrics.tableName,
        LEDGER_TABLE_NAME: props.tables.ledger.tableName,
        INGEST_QUEUE_URL: props.queues.ingest.queueUrl,
        INGEST_DLQ_URL: props.queues.ingestDlq.queueUrl,
        EXTRACTION_DLQ_URL: props.queues.extractionDlq.queueUrl,
        CONSOLE_ORIGIN: settings.consoleOrigin,
        FUNCTION_MEMORY_MB: JSON.stringify(
          Object.fromEntries(FUNCTION_NAMES.map((name) => [name, config.functions[name].memoryMb])),
        ),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        ...sharedBundling(),
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The prompt catalog is read from disk beside the bundle.
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -R "${inputDir}/prompts" "${outputDir}/prompts"`,
          ],
        },
      },
    });

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: physicalName(config.stage, 'api'),
      description: 'MedExtract HTTP API (IAM-authorised)',
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
      defaultIntegration: new HttpLambdaIntegration('Integration', this.function, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      }),
      corsPreflight: {
        allowOrigins: [settings.consoleOrigin],
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
        ],
        allowHeaders: [
          'authorization',
          'content-type',
          'x-amz-date',
          'x-amz-security-token',
          'x-amz-content-sha256',
        ],
        maxAge: Duration.minutes(10),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logsKey,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.rateLimit, burstLimit: settings.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.acknowledgeFindings(props);
  }

  /** The stage's invoke URL. */
  get url(): string {
    return this.stage.url;
  }

  private allow(
    sid: string,
    actions: string[],
    resources: string[],
    conditions?: Record<string, unknown>,
  ): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }),
    );
  }

  /** Exactly what the endpoints call, on the named resources only. */
  private grantEndpointAccess(props: ApiProps, logGroup: logs.LogGroup, region: string): void {
    const { tables, queues, documentsBucket, stateMachine } = props;
    const indexes = (table: dynamodb.ITable, names: readonly string[]) =>
      names.map((name) => `${table.tableArn}/index/${name}`);
    this.allow(
      'WriteOwnLogGroup',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [logGroup.logGroupArn],
    );
    // documents list/get
    this.allow(
      'ReadResults',
      ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      [
        tables.results.tableArn,
        ...indexes(
          tables.results,
          RESULTS_TABLE.globalSecondaryIndexes.map((i) => i.indexName),
        ),
      ],
    );
    // experiments and the production alias: reads, transitions, audit entries
    this.allow(
      'ReadWriteExperiments',
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ],
      [
        tables.experiments.tableArn,
        ...indexes(
          tables.experiments,
          EXPERIMENTS_TABLE.globalSecondaryIndexes.map((i) => i.indexName),
        ),
      ],
    );
    // documents over the ledger: an entry by id, pages through its three indexes
    this.allow(
      'ReadLedger',
      ['dynamodb:GetItem', 'dynamodb:Query'],
      [
        tables.ledger.tableArn,
        ...indexes(
          tables.ledger,
          LEDGER_TABLE.globalSecondaryIndexes.map((i) => i.indexName),
        ),
      ],
    );
    // metrics roll-ups
    this.allow('ReadMetrics', ['dynamodb:GetItem', 'dynamodb:Query'], [tables.metrics.tableArn]);
    this.allow(
      'UseTableKey',
      ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      [props.dataKey.keyArn],
      { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
    );
    // a document's fields from its result JSON; saved evaluation reports; HeadBucket for
    // health and the reports' listing
    this.allow(
      'ReadResultObjects',
      ['s3:GetObject'],
      [
        documentsBucket.arnForObjects(`${BUCKET_PREFIXES.results}*`),
        documentsBucket.arnForObjects(`${EVALUATION_REPORTS_PREFIX}*`),
      ],
    );
    this.allow('HeadDocumentsBucket', ['s3:ListBucket'], [documentsBucket.bucketArn]);
    // presigned links sign with this role: GET of a source PDF, PUT of a new upload
    this.allow(
      'SignDocumentLinks',
      ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
      [documentsBucket.arnForObjects(`${BUCKET_PREFIXES.incoming}*`)],
    );
    this.allow(
      'UseDocumentsKeyViaS3',
      ['kms:Decrypt', 'kms:GenerateDataKey'],
      [props.dataKey.keyArn],
      { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    );
    // DLQ list and redrive; health reads the ingest queue's attributes
    this.allow(
      'DrainDeadLetterQueues',
      [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
      ],
      [queues.ingestDlq.queueArn, queues.extractionDlq.queueArn],
    );
    this.allow(
      'RedriveToIngest',
      ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
      [queues.ingest.queueArn],
    );
    this.allow(
      'UseQueueKeys',
      ['kms:Decrypt', 'kms:GenerateDataKey'],
      props.queueKeys.map((key) => key.keyArn),
      { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
    );
    // extraction redrive starts a new execution from the failed one's input
    this.allow(
      'RedriveExecutions',
      ['states:StartExecution', 'states:DescribeStateMachine'],
      [stateMachine.stateMachineArn],
    );
    // the Functions page: Lambda's metrics (GetMetricData has no resource-level
    // permissions) and Logs Insights over the pipeline functions' log groups only
    this.allow('ReadLambdaMetrics', ['cloudwatch:GetMetricData'], ['*']);
    this.allow(
      'QueryFunctionLogs',
      ['logs:StartQuery'],
      FUNCTION_NAMES.flatMap((name) => {
        const arn = Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: `/aws/lambda/${physicalName(props.config.stage, name)}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        return [arn, `${arn}:*`];
      }),
    );
    // GetQueryResults names a query id, not a log group: no resource-level permissions
    this.allow('ReadQueryResults', ['logs:GetQueryResults'], ['*']);
    // ...and a document's state path is read from its execution's history
    this.allow(
      'ReadExecutions',
      ['states:DescribeExecution', 'states:GetExecutionHistory'],
      [
        Stack.of(this).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${physicalName(props.config.stage, 'extract')}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    );
  }

  private acknowledgeFindings(props: ApiProps): void {
    const cfnFunction = this.function.node.defaultChild;
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (cfnFunction === undefined || !(policy instanceof iam.Policy)) {
      throw new Error(`${this.node.path}: function or policy missing`);
    }
    const ack = (scope: Construct, id: string, reason: string) =>
      Validations.of(scope).acknowledge({ id, reason });
    ack(
      cfnFunction,
      'HIPAA.Security-LambdaInsideVPC',
      'The API function reaches only AWS regional APIs (S3, DynamoDB, SQS, Step Functions, KMS, CloudWatch) over TLS with SigV4 and is reachable only through the IAM-authorised API Gateway; see docs/adr/0009-functions-outside-a-vpc.md.',
    );
    const dlq =
      'Invoked synchronously by API Gateway: a failed request is answered with a problem document to its caller, so a Lambda DLQ would never receive anything.';
    ack(cfnFunction, 'HIPAA.Security-LambdaDLQ', dlq);
    ack(cfnFunction, 'Serverless-LambdaDLQ', dlq);
    ack(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'Only actions without resource-level permissions use Resource "*": the X-Ray writes xray:PutTraceSegments and xray:PutTelemetryRecords, and the read-only cloudwatch:GetMetricData and logs:GetQueryResults of the Functions page (StartQuery itself is scoped to the pipeline functions\' log groups); a test asserts no other action in this policy is granted on "*".',
    );
    const cfnBucket = props.documentsBucket.node.defaultChild;
    if (!(cfnBucket instanceof s3.CfnBucket)) throw new Error('documents bucket not in this app');
    ack(
      policy,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(cfnBucket)}.Arn>/results/*]`,
      "Result objects are named by document ids known only at run time; the API reads (GetObject only) this one prefix of this one bucket, to return a document's extracted fields.",
    );
    ack(
      policy,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(cfnBucket)}.Arn>/${EVALUATION_REPORTS_PREFIX}*]`,
      'Evaluation reports are named by run time and versions; the API reads (GetObject only) this one prefix to serve GET /api/evaluations/{id}.',
    );
    ack(
      policy,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(cfnBucket)}.Arn>/${BUCKET_PREFIXES.incoming}*]`,
      "Presigned links are signed with this role: a short-lived GET of one source PDF (by the version the ledger recorded) and a short-lived PUT of one new upload, both under incoming/ only; object names are the callers' own and known only at run time.",
    );
    ack(
      policy,
      `AwsSolutions-IAM5[Resource::arn:aws:states:${Stack.of(this).region}:<AWS::AccountId>:execution:${physicalName(props.config.stage, 'extract')}:*]`,
      "Execution names are per-document hashes known only at run time; DescribeExecution is allowed on this one state machine's executions only, to rebuild a failed execution's input for a redrive.",
    );
    for (const name of FUNCTION_NAMES) {
      ack(
        policy,
        `AwsSolutions-IAM5[Resource::arn:aws:logs:${Stack.of(this).region}:<AWS::AccountId>:log-group:/aws/lambda/${physicalName(props.config.stage, name)}:*]`,
        "The trailing ':*' is how CloudWatch Logs writes one named log group's ARN (its streams); logs:StartQuery only, read-only, on the pipeline functions' own log groups, for the Functions page.",
      );
    }
    ack(
      policy,
      'HIPAA.Security-IAMNoInlinePolicy',
      'This policy belongs to one role used by one function, is created and deleted with it and cannot be attached to any other principal; every statement is scoped to named resources and asserted by the infrastructure tests.',
    );
  }
}
