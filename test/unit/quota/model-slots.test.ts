/** Slot reservation: the admitted rate, burst, horizon, no leak from unused slots, the breaker. */
import { describe, expect, it } from 'vitest';
import {
  type AdmissionPolicy,
  admittedPerMinute,
  breakerOpen,
  initialSlots,
  reportPressure,
  reservedAheadMs,
  reserveSlot,
  slotCostMs,
} from '#core/quota/model-slots.ts';
import type { ModelQuota } from '#core/quota/token-bucket.ts';

const quota: ModelQuota = {
  requestsPerMinute: 100,
  tokensPerMinute: 200_000,
  outputTokenBurnDown: 5,
};
const policy: AdmissionPolicy = {
  headroom: 0.9,
  expectedTokensPerCall: 1_000,
  burstCalls: 3,
  horizonMs: 60_000,
  breakerThreshold: 3,
  breakerWindowMs: 10_000,
  breakerCooldownMs: 20_000,
};

describe('slot cost', () => {
  it('is bound by requests when documents are small and by tokens when they are large', () => {
    expect(slotCostMs(quota, policy)).toBeCloseTo(60_000 / 90, 9);
    const big = { ...policy, expectedTokensPerCall: 4_000 };
    expect(slotCostMs(quota, big)).toBeCloseTo((60_000 * 4_000) / 180_000, 9);
    expect(admittedPerMinute(quota, big)).toBeCloseTo(45, 9);
    expect(() => slotCostMs(quota, { ...policy, headroom: 0 })).toThrow(/ADMISSION_INVALID/);
  });
});

describe('reserveSlot', () => {
  const cost = 1_000;
  it('gives the burst at once, then one slot per cost, in order', () => {
    let state = initialSlots();
    const starts: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const r = reserveSlot(state, 100_000, cost, policy);
      expect(r.admitted).toBe(true);
      starts.push(r.notBefore - 100_000);
      state = r.state;
    }
    expect(starts).toEqual([0, 0, 0, 1_000, 2_000, 3_000]);
  });

  it('never admits more than the rate over any window', () => {
    let state = initialSlots();
    const starts: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const r = reserveSlot(state, 50_000 + i * 7, cost, { ...policy, horizonMs: 1e9 });
      state = r.state;
      starts.push(r.notBefore);
    }
    for (const start of starts) {
      const inWindow = starts.filter((s) => s >= start && s < start + 10_000).length;
      expect(inWindow).toBeLessThanOrEqual(10 + policy.burstCalls - 1);
    }
  });

  it('refuses a slot beyond the horizon without reserving it', () => {
    let state = initialSlots();
    for (let i = 0; i < 63; i += 1) state = reserveSlot(state, 0, cost, policy).state;
    const refused = reserveSlot(state, 0, cost, policy);
    expect(refused.admitted).toBe(false);
    expect(refused.state).toEqual(state);
    expect(refused.notBefore).toBe(policy.horizonMs);
  });

  it('leaks nothing: reservations nobody used pass with time', () => {
    const t = 100_000;
    let state = initialSlots();
    for (let i = 0; i < 30; i += 1) state = reserveSlot(state, t, cost, policy).state;
    expect(reservedAheadMs(state, t)).toBe(28_000);
    expect(reservedAheadMs(state, t + 28_000)).toBe(0);
    const later = reserveSlot(state, t + 40_000, cost, policy);
    expect(later.admitted && later.notBefore).toBe(t + 40_000);
  });
});

describe('breaker', () => {
  it('opens after enough pressure within the window, holds slots back, and closes by itself', () => {
    let state = initialSlots();
    state = reportPressure(state, 1_000, policy).state;
    state = reportPressure(state, 2_000, policy).state;
    expect(breakerOpen(state, 2_000)).toBe(false);
    const third = reportPressure(state, 3_000, policy);
    expect(third.opened).toBe(true);
    state = third.state;
    expect(breakerOpen(state, 22_999)).toBe(true);
    const held = reserveSlot(state, 5_000, 1_000, policy);
    expect(held.admitted && held.notBefore).toBe(23_000);
    expect(breakerOpen(state, 23_000)).toBe(false);
    expect(state.opened).toBe(1);
  });

  it('forgets pressure older than the window and ignores reports while open', () => {
    let state = initialSlots();
    state = reportPressure(state, 0, policy).state;
    state = reportPressure(state, 1_000, policy).state;
    const late = reportPressure(state, 20_000, policy);
    expect(late.opened).toBe(false);
    expect(late.state.pressure).toBe(1);
    state = reportPressure(reportPressure(late.state, 20_001, policy).state, 20_002, policy).state;
    expect(breakerOpen(state, 20_003)).toBe(true);
    expect(reportPressure(state, 20_004, policy).state).toEqual(state);
  });
});
