/**
 * The model-slot store contract over the pure slot functions, in memory, for
 * the admission tests (the DynamoDB store runs in the stack tests), and the
 * admission settings those tests share: one slot a second for one model.
 */
import type { SlotStore } from '#adapters/model-slots.ts';
import type { AdmissionSettings } from '#contracts/model-admission.ts';
import {
  breakerOpen,
  initialSlots,
  reportPressure,
  reserveSlot,
  type SlotState,
} from '#core/quota/model-slots.ts';

/** A store whose models start with no reservation, or with `backlog` (model -> next slot time). */
export const memorySlotStore = (
  backlog: Readonly<Record<string, number>> = {},
): SlotStore & { readonly state: Map<string, SlotState> } => {
  const state = new Map<string, SlotState>(
    Object.entries(backlog).map(([modelId, tat]) => [modelId, { ...initialSlots(), tat }]),
  );
  const get = (modelId: string) => state.get(modelId) ?? initialSlots();
  return {
    state,
    read: async (modelId) => get(modelId),
    reserve: async (modelId, now, cost, policy) => {
      const before = get(modelId);
      const reserved = reserveSlot(before, now, cost, policy);
      state.set(modelId, reserved.state);
      return { ...reserved, breakerOpen: breakerOpen(before, now) };
    },
    reportPressure: async (modelId, now, policy) => {
      const reported = reportPressure(get(modelId), now, policy);
      state.set(modelId, reported.state);
      return reported.opened;
    },
  };
};

/** 60 requests a minute (a slot a second); ten-minute horizon; at most 30 minutes of waiting. */
export const slotPerSecond = (modelId: string): AdmissionSettings => ({
  enabled: true,
  minuteMs: 60_000,
  maxAdmissionWaitMinutes: 30,
  models: {
    [modelId]: {
      quota: { requestsPerMinute: 60, tokensPerMinute: 100_000_000, outputTokenBurnDown: 1 },
      expectedInputTokens: 3_000,
      expectedOutputTokens: 600,
      headroom: 1,
      burstCalls: 1,
      horizonSeconds: 600,
      breaker: { threshold: 5, windowSeconds: 60, cooldownSeconds: 60 },
    },
  },
});
