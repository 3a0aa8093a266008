/**
 * The per-document EMF record carries the prompt-cache tokens Bedrock
 * reported, under the prompt version's dimension like the other token counts,
 * and only for calls the cache served or filled.
 */

import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { type DocumentOutcome, emitDocumentMetrics } from '#functions/shared/document-metrics.ts';
import { captureStdout } from '#test/helpers/handler-env.ts';

const outcome = (extra: Partial<DocumentOutcome>): DocumentOutcome => ({
  documentId: '0'.repeat(64),
  attempt: 0,
  outcome: 'Succeeded',
  reason: null,
  promptVersion: '2.2.0',
  experimentId: null,
  arm: null,
  latencyMs: 1200,
  modelLatencyMs: 800,
  inputTokens: 700,
  outputTokens: 500,
  costMicroUsd: 4500,
  completeness: 0.8,
  allRequiredPresent: true,
  ...extra,
});

const emf = async (doc: DocumentOutcome): Promise<Record<string, unknown>> => {
  const metrics = new Metrics({ namespace: 'MedExtract/test', serviceName: 'medextract' });
  const { lines } = await captureStdout(async () => emitDocumentMetrics(metrics, doc));
  const line = lines.find((l) => l.includes('"_aws"'));
  if (!line) throw new Error('no EMF printed');
  return JSON.parse(line) as Record<string, unknown>;
};

const metricNames = (record: Record<string, unknown>): string[] => {
  const aws = record._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
  return aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name));
};

describe('document metrics and the prompt cache', () => {
  it('publishes cache reads and writes per prompt version', async () => {
    // Act
    const record = await emf(outcome({ cacheReadInputTokens: 2_950, cacheWriteInputTokens: 17 }));
    // Assess
    expect(record.CacheReadInputTokens).toBe(2_950);
    expect(record.CacheWriteInputTokens).toBe(17);
    expect(record.PromptVersion).toBe('2.2.0');
    expect(metricNames(record)).toEqual(
      expect.arrayContaining(['CacheReadInputTokens', 'CacheWriteInputTokens', 'InputTokens']),
    );
  });

  it('publishes a zero beside a non-zero count, so a write-only call still counts as a miss', async () => {
    const record = await emf(outcome({ cacheReadInputTokens: 0, cacheWriteInputTokens: 3_236 }));
    expect(record.CacheReadInputTokens).toBe(0);
    expect(record.CacheWriteInputTokens).toBe(3_236);
  });

  it('publishes no cache metrics without cache activity or before the model was reached', async () => {
    for (const extra of [
      { cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
      { cacheReadInputTokens: null, cacheWriteInputTokens: null, inputTokens: null },
    ]) {
      const record = await emf(outcome(extra));
      expect(metricNames(record)).not.toContain('CacheReadInputTokens');
      expect(record).not.toHaveProperty('CacheWriteInputTokens');
    }
  });
});
