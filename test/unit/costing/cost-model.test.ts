/**
 * The cost model against a hand computation: every expected figure below is
 * worked out in the comments from the public prices, not from the code.
 */
import { describe, expect, it } from 'vitest';
import { BYTES_PER_GB, DAYS_PER_MONTH } from '#core/costing/aws-prices.ts';
import {
  CostInputError,
  type CostModelInput,
  costPer1000Documents,
} from '#core/costing/cost-model.ts';

const GB_PER_1000_DOCS = BYTES_PER_GB / 1_000;

const input: CostModelInput = {
  documentsPerMonth: 100_000,
  bedrock: {
    versions: [
      // Claude 3 Haiku: $0.25 input, $1.25 output per million tokens, no endpoint premium.
      {
        version: '1.0.0',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        inputTokens: 4_000,
        outputTokens: 800,
      },
      // Claude Haiku 4.5 through a US geo profile: $1 / $5, +10% regional premium.
      {
        version: '2.0.0',
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        inputTokens: 4_000,
        outputTokens: 800,
      },
    ],
    servingVersion: '1.0.0',
  },
  stepFunctions: { transitionsPerDocument: 5 },
  lambda: {
    architecture: 'arm64',
    functions: {
      a: { invocationsPerDocument: 1, durationMs: 1_000, memoryMb: 1_024 },
      b: { invocationsPerDocument: 2, durationMs: 500, memoryMb: 512 },
    },
  },
  sqs: { requestsPerDocument: 2, fixedRequestsPerMonth: 1_000_000 },
  s3: {
    putRequestsPerDocument: 3,
    getRequestsPerDocument: 4,
    lifecycleTransitionsPerDocument: 1,
    objects: [
      {
        prefix: 'incoming/',
        bytesPerDocument: GB_PER_1000_DOCS,
        standardDays: DAYS_PER_MONTH,
        infrequentAccessDays: 2 * DAYS_PER_MONTH,
      },
    ],
  },
  dynamodb: {
    billing: { mode: 'on-demand' },
    tables: [
      {
        name: 'results',
        indexCount: 2,
        writeUnitsPerDocument: 2,
        readUnitsPerDocument: 3,
        storedBytesPerDocument: GB_PER_1000_DOCS,
      },
    ],
    storageMonths: 12,
    pointInTimeRecovery: true,
  },
  logs: { ingestedBytesPerDocument: GB_PER_1000_DOCS, retentionDays: 3 * DAYS_PER_MONTH },
  cloudwatch: { customMetrics: 10, dashboards: 1, alarms: 20 },
  kms: { keys: 4, requestsPerDocument: 0, fixedRequestsPerMonth: 100_000 },
  xray: { tracesPerDocument: 1 },
};

describe('costPer1000Documents', () => {
  it('matches the hand computation service by service', () => {
    // Act
    const report = costPer1000Documents(input);

    // Assess
    // Bedrock: 1,000 x (4,000 x 0.25 + 800 x 1.25) / 1e6 = 1,000 x 0.002 = 2.00
    expect(report.byService.Bedrock).toBeCloseTo(2.0, 9);
    // Step Functions: 1,000 x 5 transitions x 0.025 / 1,000 = 0.125
    expect(report.byService['Step Functions']).toBeCloseTo(0.125, 9);
    // Lambda: a = 1 x 1 s x 1 GB = 1 GB-s; b = 2 x 0.5 s x 0.5 GB = 0.5 GB-s;
    // 1,000 x 1.5 x 0.0000133334 = 0.0200001; requests 1,000 x 3 x 0.2 / 1e6 = 0.0006
    expect(report.byService.Lambda).toBeCloseTo(0.0206001, 9);
    // SQS: 1,000 x 2 x 0.4 / 1e6 = 0.0008; fixed 1e6 x 0.4 / 1e6 = $0.40 a month,
    // over 100 thousand-document blocks = 0.004. Sum 0.0048
    expect(report.byService.SQS).toBeCloseTo(0.0048, 9);
    // S3: PUT 3,000 x 0.005 / 1,000 = 0.015; GET 4,000 x 0.0004 / 1,000 = 0.0016;
    // transitions 1,000 x 0.01 / 1,000 = 0.01; 1 GB a month in Standard 0.023;
    // 1 GB for two months in Standard-IA 2 x 0.0125 = 0.025. Sum 0.0746
    expect(report.byService.S3).toBeCloseTo(0.0746, 9);
    // DynamoDB: writes 2 x 3 copies x 1,000 x 0.625 / 1e6 = 0.00375;
    // reads 3,000 x 0.125 / 1e6 = 0.000375; storage 1 GB x 3 copies x 12 months
    // x 0.25 = 9.0; continuous backup of the base table 1 GB x 12 x 0.2 = 2.4.
    // Sum 11.404125
    expect(report.byService.DynamoDB).toBeCloseTo(11.404125, 9);
    // CloudWatch: ingestion 1 GB x 0.5 = 0.5; storage 1 GB x 3 months x 0.03 = 0.09;
    // fixed (10 x 0.3 + 1 x 3 + 20 x 0.1) = $8 a month / 100 = 0.08. Sum 0.67
    expect(report.byService.CloudWatch).toBeCloseTo(0.67, 9);
    // KMS: 4 keys = $4 a month; 100,000 requests x 0.03 / 10,000 = $0.30; $4.30 / 100 = 0.043
    expect(report.byService.KMS).toBeCloseTo(0.043, 9);
    // X-Ray: 1,000 traces x 5 / 1e6 = 0.005
    expect(report.byService['X-Ray']).toBeCloseTo(0.005, 9);

    // Total 14.3471251; orchestration is everything but Bedrock.
    expect(report.totalUsdPer1000Documents).toBeCloseTo(14.3471251, 9);
    expect(report.orchestrationUsdPer1000Documents).toBeCloseTo(12.3471251, 9);
    expect(report.orchestrationShare).toBeCloseTo(12.3471251 / 14.3471251, 9);
    // 100 blocks of 1,000 documents a month.
    expect(report.monthlyUsd).toBeCloseTo(1_434.71251, 6);
  });

  it('prices every prompt version on its own model, premium included', () => {
    // Act
    const report = costPer1000Documents(input);

    // Assess: 2.0.0 = 1,000 x (4,000 x 1 + 800 x 5) / 1e6 x 1.1 = 8.8
    expect(report.bedrockByVersion.map((v) => [v.version, v.usdPer1000Documents])).toEqual([
      ['1.0.0', 2.0],
      ['2.0.0', 8.8],
    ]);
  });

  it('prices provisioned tables by capacity-hours, with the minimum as a floor', () => {
    // Prepare
    const provisioned = (documentsPerMonth: number): CostModelInput => ({
      ...input,
      documentsPerMonth,
      dynamodb: {
        billing: { mode: 'provisioned', minRead: 5, minWrite: 5, targetUtilizationPercent: 70 },
        tables: [
          {
            name: 'results',
            indexCount: 0,
            writeUnitsPerDocument: 1,
            readUnitsPerDocument: 1,
            storedBytesPerDocument: 0,
          },
        ],
        storageMonths: 12,
        pointInTimeRecovery: false,
      },
    });
    const dynamoCapacity = (docs: number): number =>
      costPer1000Documents(provisioned(docs))
        .lines.filter((l) => l.service === 'DynamoDB' && l.item.includes('provisioned'))
        .reduce((sum, l) => sum + l.usdPer1000Documents, 0);

    // Act / Assess
    // 100,000 documents a month is 0.038 writes/s: the minimum 5 WCU and 5 RCU hold.
    // (5 x 0.00065 + 5 x 0.00013) x 730 = $2.847 a month / 100 = 0.02847
    expect(dynamoCapacity(100_000)).toBeCloseTo(0.02847, 9);
    // 7 writes/s (7 x 2,628,000 a month) at 70% target needs 10 WCU and 10 RCU:
    // (10 x 0.00065 + 10 x 0.00013) x 730 = $5.694 a month over 18,396 blocks
    expect(dynamoCapacity(7 * 2_628_000)).toBeCloseTo(5.694 / 18_396, 12);
  });

  it('refuses a volume of zero and a serving version without usage', () => {
    // Act / Assess
    expect(() => costPer1000Documents({ ...input, documentsPerMonth: 0 })).toThrow(CostInputError);
    expect(() =>
      costPer1000Documents({ ...input, bedrock: { ...input.bedrock, servingVersion: '9.9.9' } }),
    ).toThrow(/9\.9\.9/);
  });

  it('prices a cached prefix at the hit rate: reads at 0.1x, writes at 1.25x of the input price', () => {
    // Prepare: Claude Sonnet 4.5 on the global endpoint ($3 input, $15 output), 4,000 input
    // tokens of which a 3,000-token prefix is cached, 800 output, 90% of calls read the prefix.
    const cached: CostModelInput = {
      ...input,
      bedrock: {
        versions: [
          {
            version: '3.0.0',
            modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
            inputTokens: 4_000,
            outputTokens: 800,
            cachedPrefixTokens: 3_000,
          },
        ],
        servingVersion: '3.0.0',
        cacheHitRate: 0.9,
      },
    };
    // Act
    const report = costPer1000Documents(cached);
    // Assess, per 1,000 documents:
    // uncached input 1,000,000 x $3 / 1e6 = 3.00
    // cache reads 0.9 x 3,000,000 = 2,700,000 x $0.30 / 1e6 = 0.81
    // cache writes 0.1 x 3,000,000 = 300,000 x $3.75 / 1e6 = 1.125
    // output 800,000 x $15 / 1e6 = 12.00; total 16.935
    // Without the cache: 4,000,000 x $3 / 1e6 + 12.00 = 24.00
    expect(report.byService.Bedrock).toBeCloseTo(16.935, 9);
    expect(report.bedrockByVersion[0]).toMatchObject({
      usdPer1000DocumentsWithoutCache: 24,
      cacheHitRate: 0.9,
    });
    const line = report.lines.find((l) => l.service === 'Bedrock');
    expect(line?.item).toContain('3000-token prefix at a 90% hit rate (24.00 USD without)');
    // At a 0% hit rate every call writes: 3.00 + 3,000,000 x $3.75 / 1e6 + 12.00 = 26.25
    const cold = costPer1000Documents({
      ...cached,
      bedrock: { ...cached.bedrock, cacheHitRate: 0 },
    });
    expect(cold.byService.Bedrock).toBeCloseTo(26.25, 9);
  });

  it('leaves a version without a cached prefix at its uncached price, saying why', () => {
    const report = costPer1000Documents({
      ...input,
      bedrock: {
        ...input.bedrock,
        versions: input.bedrock.versions.map((v) => ({ ...v, cacheNote: 'below the minimum' })),
        cacheHitRate: 0.9,
      },
    });
    expect(report.byService.Bedrock).toBeCloseTo(2.0, 9);
    expect(report.lines.find((l) => l.service === 'Bedrock')?.item).toContain(
      'no prompt cache (below the minimum)',
    );
  });

  it('refuses a hit rate outside [0, 1] and a prefix larger than the input', () => {
    const version = {
      version: '3.0.0',
      modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      inputTokens: 4_000,
      outputTokens: 800,
      cachedPrefixTokens: 3_000,
    };
    const bedrock = (v: typeof version, cacheHitRate: number) => ({
      ...input,
      bedrock: { versions: [v], servingVersion: '3.0.0', cacheHitRate },
    });
    expect(() => costPer1000Documents(bedrock(version, 1.5))).toThrow(CostInputError);
    expect(() =>
      costPer1000Documents(bedrock({ ...version, cachedPrefixTokens: 5_000 }, 0.5)),
    ).toThrow(/exceeds/);
  });
});
