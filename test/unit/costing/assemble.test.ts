/**
 * The assembly rules worked out by hand: failure share and retries on the
 * ASL's paths, page scaling, Bedrock wait billed to InvokeModel, and the S3
 * rule that small objects never move to Standard-IA.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { countTransitions } from '#core/costing/asl-transitions.ts';
import { assembleCostInput, type StageCostSettings } from '#core/costing/assemble.ts';
import { type CostAssumptions, DEFAULT_ASSUMPTIONS } from '#core/costing/assumptions.ts';
import { CostInputError } from '#core/costing/cost-model.ts';
import type { UsageProfile } from '#core/costing/usage-profile.ts';

const transitions = countTransitions(
  JSON.parse(
    readFileSync(new URL('../../../statemachines/extract.asl.json', import.meta.url), 'utf-8'),
  ),
);
const registry = bundledPrompts();
const prompts = registry.versions().map((v) => registry.get(v));

const names = [
  'starter',
  'load-document',
  'select-variant',
  'admit-model-call',
  'invoke-model',
  'score',
  'record-result',
  'record-failure',
  'aggregator',
];
const fn = (durationMs: number) => ({
  invocationsPerDocument: 1,
  durationMs,
  source: 'measured' as const,
});
const profile: UsageProfile = {
  measuredOn: '2026-12-01',
  command: 'test',
  documents: 10,
  meanPages: 2,
  pdfBytesPerPage: 100_000,
  textCharsPerPage: 2_000,
  outputTokensByVersion: { '1.0.0': 100, '1.1.0': 200, '2.0.0': 300, '2.1.0': 300, '2.2.0': 600 },
  functions: Object.fromEntries(names.map((n) => [n, fn(100)])),
  logs: {
    'record-result': {
      linesPerDocument: 2,
      bytesPerDocument: 1_000,
      emfLinesPerDocument: 1,
      emfBytesPerDocument: 800,
    },
  },
  s3: {
    putRequestsPerDocument: 4,
    getRequestsPerDocument: 4,
    bytesPerDocumentByPrefix: { 'work/': 4_000, 'results/': 3_000, 'grounding/': 5_000 },
  },
  sqs: { sendRequestsPerDocument: 1 },
  dynamodb: {
    results: { writesPerDocument: 1, readsPerDocument: 0, itemBytes: 1_500, itemsPerDocument: 1 },
  },
  historyEventsPerDocument: 20,
  emfMetricsPerVersion: 10,
};
const settings: StageCostSettings = {
  stage: 'test',
  architecture: 'arm64',
  memoryMb: Object.fromEntries(names.map((n) => [n, 512])),
  logRetentionDays: 30,
  billing: { mode: 'on-demand' },
  tables: [{ name: 'medextract-test-results', profileKey: 'results', indexCount: 2 }],
  pointInTimeRecovery: true,
  incomingToInfrequentAccessDays: 30,
  workExpirationDays: 7,
  ingestBatchSize: 10,
  servingVersion: '2.0.0',
};
const assumptions: CostAssumptions = {
  ...DEFAULT_ASSUMPTIONS,
  failureShare: 0.1,
  retriesPerDocument: { InvokeModel: 0.5 },
  bedrockFirstTokenMs: 500,
  bedrockOutputTokensPerSecond: 100,
  lambdaFullCpuMemoryMb: 0,
  lambdaPlatformLogBytesPerInvocation: 100,
  stepFunctionsLogBytesPerEvent: 10,
};
const assemble = (
  overrides: { pages?: number; profile?: UsageProfile; assumptions?: CostAssumptions } = {},
) =>
  assembleCostInput({
    settings,
    transitions,
    prompts,
    profile: overrides.profile ?? profile,
    assumptions: overrides.assumptions ?? assumptions,
    documentsPerMonth: 1_000,
    pagesPerDocument: overrides.pages ?? 4,
  });

describe('assembleCostInput', () => {
  it('weights the success and failure paths and adds retries', () => {
    // Act
    const input = assemble();

    // Assess: 0.9 x 10 (five tasks, the reuse Choice, the admission's Pass,
    // Task, Wait and Choice) + 0.1 x 4 (LoadDocument, RecordFailure, SendToDLQ,
    // Failed) + 0.5 = 9.9
    expect(input.stepFunctions.transitionsPerDocument).toBeCloseTo(9.9, 12);
    const calls = (name: string) => input.lambda.functions[name]?.invocationsPerDocument;
    expect(calls('load-document')).toBeCloseTo(1, 12);
    expect(calls('score')).toBeCloseTo(0.9, 12);
    expect(calls('record-failure')).toBeCloseTo(0.1, 12);
    // 0.9 model calls on the success path plus 0.5 retries; admission is its own
    // short function, not billed the model call's Bedrock wait.
    expect(calls('invoke-model')).toBeCloseTo(1.4, 12);
    expect(calls('admit-model-call')).toBeCloseTo(0.9, 12);
    expect(input.lambda.functions['admit-model-call']?.durationMs).toBeCloseTo(100, 12);
  });

  it('scales LoadDocument with pages and bills the Bedrock wait to InvokeModel', () => {
    // Act
    const input = assemble();

    // Assess: 100 ms measured at 2 pages -> 200 ms at 4; 100 + 500 + 300 / 100 x 1,000 = 3,600 ms.
    expect(input.lambda.functions['load-document']?.durationMs).toBeCloseTo(200, 12);
    expect(input.lambda.functions['invoke-model']?.durationMs).toBeCloseTo(3_600, 12);
  });

  it("scales measured durations to Lambda's CPU share of the configured memory, not the Bedrock wait", () => {
    // Act: one vCPU at 2,048 MB, every function at 512 MB, so a quarter of a core.
    const input = assemble({ assumptions: { ...assumptions, lambdaFullCpuMemoryMb: 2_048 } });
    const bigger = assemble({ assumptions: { ...assumptions, lambdaFullCpuMemoryMb: 256 } });

    // Assess: 100 ms x 4 = 400 ms for admission; LoadDocument 100 ms x 4 x 2 (pages) = 800 ms;
    // InvokeModel 100 ms x 4 + the unscaled wait of 500 + 3,000 ms = 3,900 ms.
    expect(input.lambda.functions['admit-model-call']?.durationMs).toBeCloseTo(400, 12);
    expect(input.lambda.functions['load-document']?.durationMs).toBeCloseTo(800, 12);
    expect(input.lambda.functions['invoke-model']?.durationMs).toBeCloseTo(3_900, 12);
    // More memory than a full core needs is never faster than the core it was timed on.
    expect(bigger.lambda.functions['admit-model-call']?.durationMs).toBeCloseTo(100, 12);
  });

  it('estimates tokens with the document text, the tool schema and the tool-use prompt', () => {
    // Act
    const one = assemble({ pages: 1 }).bedrock.versions.find((v) => v.version === '2.0.0');
    const four = assemble({ pages: 4 }).bedrock.versions.find((v) => v.version === '2.0.0');

    // Assess: three more pages of 2,000 characters are 1,500 more tokens.
    expect((four?.inputTokens ?? 0) - (one?.inputTokens ?? 0)).toBe(1_500);
    expect(four?.outputTokens).toBe(300);
  });

  it("gives each version the prompt-cache prefix its model's minimum allows, and the hit rate", () => {
    // Act
    const input = assemble({ pages: 1 });
    const version = (v: string) => input.bedrock.versions.find((u) => u.version === v);

    // Assess: Claude 3.5 Haiku (minimum 2,048) caches 1.1.0's tools + system;
    // 2.0.0's prefix on Claude Haiku 4.5 is below that model's 4,096.
    expect(version('1.1.0')?.cachedPrefixTokens).toBeGreaterThanOrEqual(2_048);
    expect(version('1.1.0')?.cacheNote).toBe('checkpoints after system');
    expect(version('2.0.0')?.cachedPrefixTokens).toBe(0);
    expect(version('2.0.0')?.cacheNote).toMatch(/below the model's 4096-token minimum/);
    expect(input.bedrock.cacheHitRate).toBe(DEFAULT_ASSUMPTIONS.promptCacheHitRate);
  });

  it('moves uploads of 128 KB and more to Standard-IA, and leaves smaller ones in Standard', () => {
    // Act: 4 pages x 100,000 bytes = 400,000 bytes; 1 page = 100,000 bytes (< 131,072).
    const large = assemble({ pages: 4 }).s3;
    const small = assemble({ pages: 1 }).s3;

    // Assess
    expect(large.lifecycleTransitionsPerDocument).toBe(1);
    expect(large.objects[0]).toMatchObject({ prefix: 'incoming/', standardDays: 30 });
    expect(small.lifecycleTransitionsPerDocument).toBe(0);
    expect(small.objects[0]?.infrequentAccessDays).toBe(0);
  });

  it('keeps results and their grounding for the horizon, and work for its expiry', () => {
    // Act
    const objects = assemble({ pages: 4 }).s3.objects;
    const of = (prefix: string) => objects.find((o) => o.prefix === prefix);

    // Assess: 12 months of 365 / 12 days = 365 days; work/ measured at 2 pages
    // (4,000 bytes) is 8,000 at 4 and expires after the stage's days.
    expect(of('results/')).toMatchObject({ bytesPerDocument: 3_000, standardDays: 365 });
    expect(of('grounding/')).toMatchObject({ bytesPerDocument: 5_000, standardDays: 365 });
    expect(of('grounding/')?.infrequentAccessDays).toBe(0);
    expect(of('work/')).toMatchObject({ bytesPerDocument: 8_000, standardDays: 7 });
  });

  it('prices table writes in 1 KB units and log bytes with platform and workflow records', () => {
    // Act
    const input = assemble();

    // Assess: a 1,500-byte item costs 2 write units.
    expect(input.dynamodb.tables[0]?.writeUnitsPerDocument).toBe(2);
    // 1,000 function bytes + 100 x invocations + 20 events x 10 bytes.
    const invocations = Object.values(input.lambda.functions).reduce(
      (s, f) => s + f.invocationsPerDocument,
      0,
    );
    expect(input.logs.ingestedBytesPerDocument).toBeCloseTo(1_000 + 100 * invocations + 200, 9);
  });

  it('names what is missing from the profile', () => {
    // Prepare
    const { '2.0.0': _dropped, ...rest } = profile.outputTokensByVersion;

    // Act / Assess
    expect(() => assemble({ profile: { ...profile, outputTokensByVersion: rest } })).toThrow(
      CostInputError,
    );
  });
});
