/** `medextract cost`: the report from the real stage settings, ASL and prompts, and its usage errors. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costReport } from '#cli/commands/cost.ts';
import { UsageError } from '#cli/output.ts';
import { SERVICES } from '#core/costing/cost-model.ts';

describe('costReport', () => {
  it('prices the prod stage with the serving version and every service', async () => {
    // Act
    const report = await costReport({ stage: 'prod', docs: '100000', pages: '1' });

    // Assess
    expect(report.servingVersion).toBe('2.2.0');
    expect(report.bedrockByVersion.map((v) => v.version)).toEqual([
      '1.0.0',
      '1.1.0',
      '2.0.0',
      '2.1.0',
      '2.2.0',
    ]);
    const serving = report.bedrockByVersion.find((v) => v.version === '2.2.0');
    expect(report.byService.Bedrock).toBe(serving?.usdPer1000Documents);
    for (const service of SERVICES) expect(report.byService[service]).toBeGreaterThan(0);
    const sum = SERVICES.reduce((s, x) => s + report.byService[x], 0);
    expect(report.totalUsdPer1000Documents).toBeCloseTo(sum, 12);
    // prod tables are provisioned: capacity lines, no request-unit lines.
    expect(report.lines.some((l) => l.item.includes('provisioned writes'))).toBe(true);
    expect(report.lines.some((l) => l.unit === 'write request unit')).toBe(false);
  }, 60_000);

  it('charges more per document for more pages and less for more volume', async () => {
    // Act
    const one = await costReport({ stage: 'dev', docs: '100000', pages: '1' });
    const three = await costReport({ stage: 'dev', docs: '100000', pages: '3' });
    const many = await costReport({ stage: 'dev', docs: '10000000', pages: '1' });

    // Assess
    expect(three.byService.Bedrock).toBeGreaterThan(one.byService.Bedrock);
    expect(many.byService.KMS).toBeLessThan(one.byService.KMS);
  }, 60_000);

  it.each([
    [{ stage: 'qa', docs: '1', pages: '1' }, /Unknown stage "qa"/],
    [{ stage: 'prod', docs: '0', pages: '1' }, /--docs must be a positive number/],
    [{ stage: 'prod', docs: '10', pages: 'two' }, /--pages must be a positive number/],
  ])('refuses %j', async (flags, message) => {
    // Act / Assess
    await expect(costReport(flags)).rejects.toThrow(UsageError);
    await expect(costReport(flags)).rejects.toThrow(message);
  });

  it('refuses a profile file that is not a usage profile, saying which field', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'medextract-cost-'));
    const path = join(dir, 'profile.json');
    await writeFile(path, JSON.stringify({ measuredOn: '2026-12-01' }));

    // Act / Assess
    await expect(
      costReport({ stage: 'prod', docs: '10', pages: '1', profile: path }),
    ).rejects.toThrow(/--profile: not a usage profile \(command:/);
  });
});
