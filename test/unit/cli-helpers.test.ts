/** The pure helpers behind `medextract` commands: flags parsing, schema diffs, redrive names. */
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { idFromName, parseGuardrail } from '#cli/commands/experiment-flags.ts';
import { parseSince } from '#cli/commands/metrics.ts';
import { UsageError } from '#cli/output.ts';
import { redriveExecutionName } from '#contracts/executions.ts';
import { diffSchemas } from '#services/prompt-diff.ts';

const id = 'a'.repeat(64);

describe('prompts diff', () => {
  it('shows 1.1.0 adding allergies, vitals and labs to 1.0.0, removing nothing', () => {
    const diff = diffSchemas(
      bundledPrompts().get('1.0.0').schema,
      bundledPrompts().get('1.1.0').schema,
    );
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([]);
    expect(diff.added).toEqual(
      expect.arrayContaining(['allergies', 'vitals.heightCm', 'labs[].flag']),
    );
    expect(diff.added).not.toContain('diagnoses[].icd10');
  });

  it('shows 2.0.0 adding ICD-10 codes, social history and risk factors to 1.1.0', () => {
    const diff = diffSchemas(
      bundledPrompts().get('1.1.0').schema,
      bundledPrompts().get('2.0.0').schema,
    );
    expect(diff.added).toEqual(
      expect.arrayContaining([
        'diagnoses[].icd10',
        'socialHistory.tobaccoUse',
        'riskFactors[].severity',
      ]),
    );
    expect(diff.removed).toEqual([]);
  });
});

describe('experiments flags', () => {
  it('parses both guardrail forms', () => {
    expect(parseGuardrail('latencyP95:0.2')).toEqual({
      metric: 'latencyP95',
      maxRelativeChange: 0.2,
    });
    expect(parseGuardrail('costPerDocument:increase:500')).toEqual({
      metric: 'costPerDocument',
      direction: 'increase',
      limit: 500,
    });
  });

  it('rejects an unknown metric or a malformed guardrail as a usage error', () => {
    expect(() => parseGuardrail('happiness:0.1')).toThrow(UsageError);
    expect(() => parseGuardrail('latencyP95:up:down:1')).toThrow(UsageError);
  });

  it('derives a readable id from a name', () => {
    expect(idFromName('  Haiku 4.5 vs. Claude 3.5 — October! ')).toBe(
      'haiku-4-5-vs-claude-3-5-october',
    );
  });
});

describe('metrics --since', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  it('accepts relative durations and ISO times', () => {
    expect(parseSince('24h', now).toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(parseSince('90m', now).toISOString()).toBe('2026-11-27T10:30:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(parseSince('2026-11-01T08:00:00Z', now).toISOString()).toBe('2026-11-01T08:00:00.000Z');
  });

  it('rejects anything else', () => {
    expect(() => parseSince('yesterday', now)).toThrow(UsageError);
  });
});

describe('dlq redrive', () => {
  it('names the first redrive -r1 and counts up from a redriven execution', () => {
    const arn = (name: string) =>
      `arn:aws:states:us-east-1:000000000000:execution:medextract-local-extract:${name}`;
    expect(redriveExecutionName(id, arn(id))).toBe(`${id}-r1`);
    expect(redriveExecutionName(id, arn(`${id}-r1`))).toBe(`${id}-r2`);
    expect(redriveExecutionName(id, arn(`${id}-r9`))).toBe(`${id}-r10`);
  });
});
