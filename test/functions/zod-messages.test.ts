/**
 * In a function bundle (zod/mini only, no classic zod to load a locale) the
 * issues of a rejected task input still carry English messages naming the
 * broken rule, because the shared handler module configures them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { FUNCTION_BUNDLE_OPTIONS } from '#test/bench/bundles.ts';

const dir = mkdtempSync(join(tmpdir(), 'medextract-zod-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles a snippet with the functions' settings and prints the issues' messages. */
const messagesOf = async (name: string, prelude: string): Promise<string[]> => {
  const outfile = join(dir, `${name}.mjs`);
  await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    stdin: {
      contents: `${prelude}
import { LoadDocumentInputSchema } from '#contracts/task-schemas.ts';
const parsed = LoadDocumentInputSchema.safeParse({ documentId: 'x', executionId: '', attempt: -1 });
process.stdout.write(JSON.stringify(parsed.error?.issues.map((issue) => issue.message) ?? []));`,
      resolveDir: fromRepoRoot('.'),
      loader: 'ts',
    },
    outfile,
  });
  return JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf-8' })) as string[];
};

describe('zod/mini messages in a function bundle', () => {
  it('are English and name the broken rule once the shared module is loaded', async () => {
    const messages = await messagesOf('configured', "import '#functions/shared/zod-messages.ts';");
    expect(messages).toEqual([
      'Invalid string: must match pattern /^[0-9a-f]{64}$/',
      'Too small: expected string to have >=1 characters',
      'Too small: expected number to be >=0',
    ]);
  });

  it('would all read "Invalid input" without it', async () => {
    expect(await messagesOf('bare', '')).toEqual([
      'Invalid input',
      'Invalid input',
      'Invalid input',
    ]);
  });
});
