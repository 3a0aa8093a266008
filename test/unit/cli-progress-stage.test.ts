/** `medextract` progress lines (terminal vs pipe) and `--stage` validation with the stage's region. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '#cli/output.ts';
import { progressReporter } from '#cli/progress.ts';
import { chooseStage, resolveStage } from '#cli/stage.ts';

const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
};

describe('progressReporter', () => {
  it('rewrites one line on a terminal and ends it with a newline', () => {
    const out = stream(true);
    const report = progressReporter(out, 'process', 'documents done');
    report(1, 2);
    report(2, 2, 'a document FAILED NOT_PDF');
    expect(out.writes).toEqual([
      '\r\x1b[2Kprocess: 1/2 documents done',
      '\r\x1b[2Kprocess: 2/2 documents done (a document FAILED NOT_PDF)\n',
    ]);
  });

  it('writes plain lines at most once per interval off a terminal, and always the last', () => {
    const out = stream(false);
    let now = 0;
    const report = progressReporter(out, 'redrive', 'executions ended', {
      intervalMs: 1000,
      now: () => now,
    });
    report(1, 4);
    now = 500;
    report(2, 4);
    now = 1500;
    report(3, 4);
    now = 1600;
    report(4, 4);
    report(4, 4);
    expect(out.writes).toEqual([
      'redrive: 1/4 executions ended\n',
      'redrive: 3/4 executions ended\n',
      'redrive: 4/4 executions ended\n',
    ]);
  });
});

describe('--stage', () => {
  it('refuses a stage the app does not define', () => {
    expect(() => chooseStage('qa', undefined, ['dev', 'prod'], () => 'x')).toThrow(UsageError);
    expect(() => chooseStage('qa', undefined, ['dev', 'prod'], () => 'x')).toThrow(
      "--stage must be one of dev, prod (or omitted for the local stack); got 'qa'",
    );
  });

  it("defaults the region to the stage's own and keeps an explicit one", () => {
    expect(chooseStage('dev', undefined, ['dev'], () => 'eu-west-1')).toEqual({
      stage: 'dev',
      region: 'eu-west-1',
    });
    expect(chooseStage('dev', 'us-west-2', ['dev'], () => 'eu-west-1').region).toBe('us-west-2');
  });

  it('reads the stages and regions from the CDK app config', async () => {
    const { configFor } = await import('#infra/config.ts');
    for (const stage of ['dev', 'staging', 'prod'] as const) {
      expect(await resolveStage(stage)).toEqual({ stage, region: configFor(stage).region });
    }
    await expect(resolveStage('qa')).rejects.toThrow(UsageError);
  });
});
