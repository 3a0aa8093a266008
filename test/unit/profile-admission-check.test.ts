/**
 * The cost profile's admission check: a profiled run whose model calls were
 * deferred, or whose breaker opened, met the quota and must not be priced.
 */
import { describe, expect, it } from 'vitest';
import { admissionSummary } from '#test/bench/profile-reuse-hits.ts';

const line = (record: Record<string, unknown>): string => JSON.stringify(record);
const decision = (admitted: boolean, waitMs: number) =>
  line({ level: 'INFO', message: 'Model call admission', admitted, waitMs, breakerOpen: false });
const emf = line({ _aws: { CloudWatchMetrics: [] }, ModelCallsAdmitted: 1 });

describe('admissionSummary', () => {
  it('counts decisions admitted at once as a quota that was never reached', () => {
    // Act
    const summary = admissionSummary(
      [decision(true, 0), emf, decision(true, -3), decision(true, 0), ''].join('\n'),
    );

    // Assess
    expect(summary).toEqual({ decisions: 3, deferred: 0, breakerOpened: 0, maxWaitMs: 0 });
  });

  it('reports deferred calls, the longest wait and an opened breaker', () => {
    // Prepare: a saturated dev quota as its log reads.
    const log = [
      decision(true, 0),
      decision(true, 5292.7),
      decision(false, 61_000),
      line({ level: 'WARN', message: 'Model circuit breaker opened', cooldownMs: 60_000 }),
      decision(true, 59_986),
    ].join('\n');

    // Act
    const summary = admissionSummary(log);

    // Assess
    expect(summary).toEqual({ decisions: 4, deferred: 1, breakerOpened: 1, maxWaitMs: 61_000 });
  });
});
