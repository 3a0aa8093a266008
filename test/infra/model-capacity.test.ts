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
      /MODEL_CAPACITY_INVALID: prod: admission allows 29 concurrent model calls/,
    );
  });

  it('refuses a horizon that leaves no time for the call before the execution deadline', () => {
    const model = STAGE_CAPACITY.dev[HAIKU_4_5];
    if (model === undefined) throw new Error('dev has no Haiku 4.5 capacity');
    expect(() =>
      validateModelCapacity('dev', { [HAIKU_4_5]: { ...model, horizonSeconds: 895 } }, 100),
    ).toThrow(/horizon/);
  });

  it('derives the admitted rate from the binding quota at the headroom', () => {
    // prod Haiku 4.5: 3,000 + 5 x 600 = 6,000 tokens; min(200, 1,000,000 / 6,000) x 0.9 = 150.
    const model = STAGE_CAPACITY.prod[HAIKU_4_5];
    if (model === undefined) throw new Error('prod has no Haiku 4.5 capacity');
    expect(admittedCallsPerMinute(model)).toBeCloseTo(150, 9);
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
