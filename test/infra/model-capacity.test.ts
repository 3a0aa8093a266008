/**
 * Stage Bedrock capacity: every stage's admitted model concurrency fits
 * invoke-model's reserved concurrency (what synth checks), a stage that would
 * not is refused, and the function's admission settings carry the quotas.
 */
import { describe, expect, it } from 'vitest';
import { AdmissionSettingsSchema } from '#contracts/model-admission.ts';
import { configFor, STAGES } from '#infra/config.ts';
import {
  admissionSettingsFor,
  admittedCallsPerMinute,
  admittedConcurrency,
  EXECUTION_WORK_SECONDS,
  executionTimeoutSeconds,
  HAIKU_4_5,
  STAGE_CAPACITY,
  validateModelCapacity,
} from '#infra/model-capacity.ts';

describe('stage model capacity', () => {
  it.each(STAGES)(
    'keeps admitted model calls within invoke-model reserved concurrency in %s',
    (stage) => {
      const config = configFor(stage);
      const reserved = config.functions['invoke-model'].reservedConcurrency;
      expect(admittedConcurrency(config.bedrock.capacity)).toBeLessThanOrEqual(reserved);
      expect(() => validateModelCapacity(stage, config.bedrock.capacity, reserved)).not.toThrow();
    },
  );

  it('refuses a quota that would admit more concurrent calls than the reservation allows', () => {
    expect(() => validateModelCapacity('prod', STAGE_CAPACITY.prod, 10)).toThrow(
      /MODEL_CAPACITY_INVALID: prod: admission allows 15 concurrent model calls/,
    );
  });

  it('sets the execution deadline to work time plus the maximum admission wait', () => {
    expect(EXECUTION_WORK_SECONDS).toBe(900);
    expect(executionTimeoutSeconds(240)).toBe(900 + 240 * 60);
    // A scaled quota minute scales the wait, not the work.
    expect(executionTimeoutSeconds(240, 600)).toBe(900 + 144);
    for (const stage of STAGES) {
      expect(configFor(stage).bedrock.maxAdmissionWaitMinutes).toBeGreaterThanOrEqual(60);
    }
  });

  it('refuses a horizon beyond the maximum wait, a call longer than the work time, a wait past a year', () => {
    const model = STAGE_CAPACITY.dev[HAIKU_4_5];
    if (model === undefined) throw new Error('dev has no Haiku 4.5 capacity');
    expect(() =>
      validateModelCapacity('dev', { [HAIKU_4_5]: { ...model, horizonSeconds: 1_200 } }, 100, 10),
    ).toThrow(/horizon is longer than the maximum admission wait/);
    expect(() =>
      validateModelCapacity('dev', { [HAIKU_4_5]: { ...model, callSeconds: 900 } }, 10_000),
    ).toThrow(/does not fit in the 900 s of work/);
    expect(() => validateModelCapacity('dev', STAGE_CAPACITY.dev, 100, 366 * 24 * 60)).toThrow(
      /one-year limit/,
    );
    expect(() => validateModelCapacity('dev', STAGE_CAPACITY.dev, 100, 0)).toThrow(/positive/);
  });

  it('derives the admitted rate from the binding quota at the headroom', () => {
    // prod Haiku 4.5: 7,500 + 5 x 2,200 = 18,500 tokens; min(200, 1,000,000 / 18,500) x 0.9 = 48.65.
    const model = STAGE_CAPACITY.prod[HAIKU_4_5];
    if (model === undefined) throw new Error('prod has no Haiku 4.5 capacity');
    expect(admittedCallsPerMinute(model)).toBeCloseTo((1_000_000 / 18_500) * 0.9, 9);
  });

  it('passes the quotas and policy to the function as valid admission settings', () => {
    const settings = AdmissionSettingsSchema.parse(admissionSettingsFor(STAGE_CAPACITY.staging));
    expect(settings.enabled).toBe(true);
    expect(settings.models[HAIKU_4_5]?.quota).toEqual({
      requestsPerMinute: 50,
      tokensPerMinute: 200_000,
      outputTokenBurnDown: 5,
    });
    expect(settings.models[HAIKU_4_5]).not.toHaveProperty('callSeconds');
  });
});
