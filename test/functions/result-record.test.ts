/**
 * The one mapper behind RecordResult and RecordFailure: the results row and
 * the metrics record agree with each other and with the execution state, and
 * a failure never carries a success's quality scores or result.
 */
import { describe, expect, it } from 'vitest';
import { documentRecords, elapsedSince } from '#adapters/result-record.ts';
import { RecordResultInputSchema } from '#contracts/task-schemas.ts';
import { loadEvent } from '#events/index.ts';

const { execution, state } = RecordResultInputSchema.parse(loadEvent('tasks/record-result'));
const completedAt = new Date(new Date(execution.startTime).getTime() + 4_250);
/** Where the ledger says the document lives: the key never comes from execution state. */
const source = {
  bucket: 'medextract-test-documents',
  key: 'incoming/aps 0001+final.pdf',
  versionId: 'v1',
  etag: null,
};

describe('documentRecords', () => {
  it('maps a success to a SUCCEEDED row and a Succeeded metrics record', () => {
    // Act
    const { row, metrics } = documentRecords({
      execution,
      state,
      source,
      ending: { status: 'SUCCEEDED', resultUri: 's3://b/results/x.json' },
      completedAt,
    });
    // Assess
    expect(row).toMatchObject({
      documentId: state.documentId,
      status: 'SUCCEEDED',
      reason: null,
      promptVersion: '2.0.0',
      resolvedBy: 'alias',
      completeness: 0.9231,
      allRequiredPresent: false,
      costMicroUsd: 5500,
      inputTokens: 2450,
      latencyMs: 4_250,
      pageCount: 2,
      startedAt: execution.startTime,
      completedAt: completedAt.toISOString(),
      executionId: execution.id,
      resultUri: 's3://b/results/x.json',
      bucket: source.bucket,
      key: source.key,
    });
    expect(metrics).toEqual({
      documentId: state.documentId,
      attempt: state.attempt,
      outcome: 'Succeeded',
      reason: null,
      promptVersion: '2.0.0',
      experimentId: null,
      arm: null,
      latencyMs: 4_250,
      modelLatencyMs: 3120,
      inputTokens: 2450,
      outputTokens: 610,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      costMicroUsd: 5500,
      completeness: 0.9231,
      allRequiredPresent: false,
      cacheHit: false,
    });
  });

  it('maps a failure after scoring without quality scores or result, keeping its cost on the row', () => {
    // Act
    const { row, metrics } = documentRecords({
      execution,
      state,
      source,
      ending: { status: 'FAILED', reason: 'INTERNAL_ERROR' },
      completedAt,
    });
    // Assess
    expect(row).toMatchObject({
      status: 'FAILED',
      reason: 'INTERNAL_ERROR',
      completeness: null,
      allRequiredPresent: null,
      costMicroUsd: 5500,
      resultUri: null,
    });
    expect(metrics).toMatchObject({
      outcome: 'Failed',
      reason: 'INTERNAL_ERROR',
      costMicroUsd: null,
      completeness: null,
      allRequiredPresent: null,
      inputTokens: 2450,
    });
  });

  it('maps a failure before selection to the placeholder prompt version and nulls', () => {
    // Prepare
    const { document: _d, variant: _v, model: _m, score: _s, ...early } = state;
    // Act
    const { row, metrics } = documentRecords({
      execution,
      state: early,
      source: null,
      ending: { status: 'FAILED', reason: 'NOT_PDF' },
      completedAt,
    });
    // Assess
    expect(row).toMatchObject({
      promptVersion: 'none',
      experimentId: null,
      modelId: null,
      inputTokens: null,
      costMicroUsd: null,
      pageCount: null,
      bucket: null,
      key: null,
    });
    expect(metrics.promptVersion).toBeNull();
    expect(metrics.modelLatencyMs).toBeNull();
  });

  it('never reports a negative latency', () => {
    expect(elapsedSince('2026-01-01T00:00:10Z', new Date('2026-01-01T00:00:00Z'))).toBe(0);
  });
});
