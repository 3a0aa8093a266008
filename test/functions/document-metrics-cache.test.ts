/**
 * The per-document EMF record carries the prompt-cache tokens Bedrock
 * reported, under the prompt version's dimension like the other token counts.
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

  it('publishes no cache metrics for a document that never reached the model', async () => {
    const record = await emf(
      outcome({ cacheReadInputTokens: null, cacheWriteInputTokens: null, inputTokens: null }),
    );
    expect(metricNames(record)).not.toContain('CacheReadInputTokens');
    expect(record).not.toHaveProperty('CacheWriteInputTokens');
  });
});
