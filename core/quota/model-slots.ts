/**
 * Admission of model calls by reservation (the generic cell rate algorithm):
 * one record per model holds the theoretical arrival time `tat` of the next
 * free slot. Each document reserves the next slot and waits until it; a slot
 * costs the larger of one request and the document's expected tokens at the
 * admitted rate. A reservation is not a lease: nothing is held, so a crashed,
 * timed-out or aborted execution leaks nothing, its unused slot simply passes.
 * A circuit breaker in the same record pushes every new slot past a cool-down
 * once throttling or 5xx answers are reported often enough. Pure: the clock
 * is passed in.
 */
import type { ModelQuota } from './token-bucket.ts';

/** How much of a quota admission uses and how the breaker reacts. */
export interface AdmissionPolicy {
  /** Fraction of the quota admitted (0 < headroom <= 1), leaving room for estimate error. */
  readonly headroom: number;
  /** Expected tokens one document burns (input + output x burn-down) for the prompt version. */
  readonly expectedTokensPerCall: number;
  /** Slots given at once before the rate applies (a small burst; Bedrock's bucket holds a minute). */
  readonly burstCalls: number;
  /** A slot further ahead than this is refused; the document asks again at the horizon. */
  readonly horizonMs: number;
  /** Reports of throttling / 5xx within `windowMs` that open the breaker. */
  readonly breakerThreshold: number;
  readonly breakerWindowMs: number;
  /** How long an open breaker holds every new slot back. */
  readonly breakerCooldownMs: number;
}

/** The stored record of one model's admission. */
export interface SlotState {
  /** Epoch ms at which the next slot starts. */
  readonly tat: number;
  /** Epoch ms until which the breaker is open (0 when it never opened). */
  readonly openUntil: number;
  /** Pressure reports in the current window, and when the window began. */
  readonly pressure: number;
  readonly pressureSince: number;
  /** Times the breaker opened (for metrics). */
  readonly opened: number;
}

export const initialSlots = (): SlotState => ({
  tat: 0,
  openUntil: 0,
  pressure: 0,
  pressureSince: 0,
  opened: 0,
});

/** Milliseconds of quota one call uses at the admitted rate: the binding one of requests and tokens. */
export const slotCostMs = (
  quota: ModelQuota,
  policy: AdmissionPolicy,
  minuteMs = 60_000,
): number => {
  if (!(policy.headroom > 0 && policy.headroom <= 1)) {
    throw new Error('ADMISSION_INVALID: headroom must be in (0, 1]');
  }
  const perRequest = minuteMs / (quota.requestsPerMinute * policy.headroom);
  const perTokens =
    (minuteMs * policy.expectedTokensPerCall) / (quota.tokensPerMinute * policy.headroom);
  return Math.max(perRequest, perTokens);
};

/** Admitted calls per minute for a quota and policy. */
export const admittedPerMinute = (quota: ModelQuota, policy: AdmissionPolicy): number =>
  60_000 / slotCostMs(quota, policy);

export type Reservation =
  | { readonly admitted: true; readonly notBefore: number; readonly state: SlotState }
  | { readonly admitted: false; readonly notBefore: number; readonly state: SlotState };

/**
 * Reserves the next slot: admitted with the time to start the call, or (slot
 * beyond the horizon, nothing reserved) refused with the time to ask again.
 */
export const reserveSlot = (
  state: SlotState,
  now: number,
  costMs: number,
  policy: AdmissionPolicy,
): Reservation => {
  const burstMs = Math.max(0, policy.burstCalls - 1) * costMs;
  const base = Math.max(state.tat, now - burstMs, state.openUntil);
  const notBefore = Math.max(now, state.openUntil, base);
  if (notBefore - now > policy.horizonMs) {
    return { admitted: false, notBefore: now + policy.horizonMs, state };
  }
  return { admitted: true, notBefore, state: { ...state, tat: base + costMs } };
};

/** Whether the breaker holds admission back at `now`. */
export const breakerOpen = (state: SlotState, now: number): boolean => now < state.openUntil;

/** Counts one throttling / 5xx report; enough of them within the window open the breaker. */
export const reportPressure = (
  state: SlotState,
  now: number,
  policy: AdmissionPolicy,
): { readonly state: SlotState; readonly opened: boolean } => {
  if (breakerOpen(state, now)) return { state, opened: false };
  const fresh = now - state.pressureSince > policy.breakerWindowMs;
  const pressure = (fresh ? 0 : state.pressure) + 1;
  const pressureSince = fresh ? now : state.pressureSince;
  if (pressure < policy.breakerThreshold) {
    return { state: { ...state, pressure, pressureSince }, opened: false };
  }
  return {
    state: {
      ...state,
      pressure: 0,
      pressureSince: now,
      openUntil: now + policy.breakerCooldownMs,
      opened: state.opened + 1,
    },
    opened: true,
  };
};

/** Milliseconds of slots reserved ahead of `now` (0 once every reservation has passed). */
export const reservedAheadMs = (state: SlotState, now: number): number =>
  Math.max(0, state.tat - now);
