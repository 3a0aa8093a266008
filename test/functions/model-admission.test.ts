/**
 * AdmitModelCall / ReportModelPressure in the admit-model-call function, over an
 * in-memory slot store: slots at the quota's rate for the prompt version's
 * model, refusal past the horizon, the breaker opening on pressure and
 * closing by itself, and no admission at all when the stage turns it off.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import type { SlotStore } from '#adapters/model-slots.ts';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import type { AdmissionSettings } from '#contracts/model-admission.ts';
import { admitModelCall, parseAdmissionSettings } from '#functions/admit-model-call/admission.ts';
import { createObservability } from '#functions/shared/powertools.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { memorySlotStore } from '#test/helpers/memory-slots.ts';

const MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const VERSION = '1.0.0';

const settings = (enabled = true): AdmissionSettings => ({
  enabled,
  minuteMs: 60_000,
  models: {
    [MODEL]: {
      // 60 requests a minute: a slot a second at headroom 1 (tokens do not bind here).
      quota: { requestsPerMinute: 60, tokensPerMinute: 10_000_000, outputTokenBurnDown: 1 },
      expectedInputTokens: 3_000,
      expectedOutputTokens: 600,
      headroom: 1,
      burstCalls: 1,
      horizonSeconds: 5,
      breaker: { threshold: 2, windowSeconds: 10, cooldownSeconds: 30 },
    },
  },
});

beforeAll(() => setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }));

const deps = (store: SlotStore, now: { t: number }, enabled = true) => ({
  settings: settings(enabled),
  store,
  version: (v: string) => bundledPrompts().get(v),
  observability: createObservability('invoke-model'),
  now: () => now.t,
});

const ask = (action: 'admit' | 'pressure', readmissions = 0) => ({
  action,
  documentId: 'doc-1',
  promptVersion: VERSION,
  readmissions,
});

describe('model-call admission', () => {
  it('gives slots a second apart for the version model, refusing past the horizon', async () => {
    const store = memorySlotStore();
    const now = { t: 1_000_000 };
    const starts: Array<[boolean, number]> = [];
    for (let i = 0; i < 8; i += 1) {
      const out = await admitModelCall(deps(store, now), ask('admit'));
      expect(out.modelId).toBe(MODEL);
      starts.push([out.admitted, Date.parse(out.notBefore) - now.t]);
    }
    expect(starts).toEqual([
      [true, 0],
      [true, 1_000],
      [true, 2_000],
      [true, 3_000],
      [true, 4_000],
      [true, 5_000],
      [false, 5_000],
      [false, 5_000],
    ]);
  });

  it('opens the breaker on sustained pressure, holds new slots past the cool-down, then resumes', async () => {
    const store = memorySlotStore();
    const now = { t: 2_000_000 };
    const first = await admitModelCall(deps(store, now), ask('pressure', 0));
    expect(first).toMatchObject({ admitted: false, readmissions: 1, breakerOpen: false });
    const second = await admitModelCall(deps(store, now), ask('pressure', 1));
    expect(second).toMatchObject({ admitted: false, readmissions: 2, breakerOpen: true });
    const held = await admitModelCall(deps(store, now), ask('admit', 2));
    // The slot is 30 s out, beyond the 5 s horizon: refused, ask again later.
    expect(held).toMatchObject({ admitted: false, breakerOpen: true });
    now.t += 30_000;
    const resumed = await admitModelCall(deps(store, now), ask('admit', 2));
    expect(resumed).toMatchObject({ admitted: true, breakerOpen: false });
    expect(Date.parse(resumed.notBefore)).toBe(now.t);
    expect(store.state.get(MODEL)?.opened).toBe(1);
  });

  it('admits at once and touches no store when the stage has admission off', async () => {
    const store: SlotStore = {
      read: () => Promise.reject(new Error('no store expected')),
      reserve: () => Promise.reject(new Error('no store expected')),
      reportPressure: () => Promise.reject(new Error('no store expected')),
    };
    const now = { t: 3_000_000 };
    for (let i = 0; i < 3; i += 1) {
      const out = await admitModelCall(deps(store, now, false), ask('admit'));
      expect(out).toMatchObject({ admitted: true, notBefore: new Date(now.t).toISOString() });
    }
  });

  it('reads the stage settings from the environment, refusing a bad value', () => {
    expect(parseAdmissionSettings(undefined)).toEqual({ enabled: false, models: {} });
    expect(parseAdmissionSettings(JSON.stringify(settings()))).toMatchObject({ enabled: true });
    expect(() => parseAdmissionSettings('{"enabled":true,"models":{"m":{}}}')).toThrow();
  });
});
