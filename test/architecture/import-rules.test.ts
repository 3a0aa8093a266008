/**
 * Enforces the layout's import rules on the real tree, and proves the checker
 * catches each kind of break on files made to break it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { findViolations, type SourceFile } from './import-rules.ts';

const trackedSources = (): SourceFile[] =>
  execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.mjs'],
    {
      cwd: fromRepoRoot('.'),
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((path) => path.length > 0)
    .map((path) => ({ path, text: readFileSync(fromRepoRoot(path), 'utf8') }));

describe('import rules', () => {
  it('hold for every source file in the repository', () => {
    // Prepare
    const files = trackedSources();

    // Act
    const violations = findViolations(files);

    // Assess
    expect(files.length).toBeGreaterThan(200);
    expect(violations).toEqual([]);
  });

  it.each([
    [
      'core imports the AWS SDK',
      'core/extraction/x.ts',
      "import { S3Client } from '@aws-sdk/client-s3';",
      'core is pure: no @aws-sdk/client-s3',
    ],
    [
      'core reads the environment',
      'core/experiments/x.ts',
      'export const stage = process.env.STAGE;',
      'core reads no environment',
    ],
    [
      'core reads files',
      'core/evaluation/x.ts',
      "import { readFileSync } from 'node:fs';",
      'core is pure: no node:fs',
    ],
    [
      'core imports an adapter',
      'core/extraction/x.ts',
      "import { readJson } from '#adapters/s3-json.ts';",
      'core may not import adapters',
    ],
    [
      'contracts import a service',
      'contracts/x.ts',
      "import { a } from '../services/a.ts';",
      'contracts may not import services',
    ],
    [
      'a function imports infra',
      'functions/score/x.ts',
      "import { configFor } from '#infra/config.ts';",
      'functions may not import infra',
    ],
    [
      'a function imports a service',
      'functions/score/x.ts',
      "import { a } from '#services/a.ts';",
      'functions may not import services',
    ],
    [
      'local imports the CLI',
      'local/stack.ts',
      "import { main } from '../cli/main.ts';",
      'local may not import cli',
    ],
    [
      'the CLI imports a handler statically',
      'cli/commands/invoke.ts',
      "import { handler } from '#functions/score/handler.ts';",
      'cli may not import functions',
    ],
    [
      'another CLI file imports a handler lazily',
      'cli/commands/dlq.ts',
      "const m = await import('#functions/starter/starter.ts');",
      'cli may not import functions',
    ],
    [
      'infra imports a function module',
      'infra/constructs/x.ts',
      "import { h } from '../../functions/score/score.ts';",
      'infra may not import functions',
    ],
    [
      'a service imports the API',
      'services/x.ts',
      "import { createApi } from '#api/app.ts';",
      'services may not import api',
    ],
    [
      'a CLI command other than npm start imports the API',
      'cli/commands/metrics.ts',
      "import { startApiServer } from '#api/server.ts';",
      'cli may not import api',
    ],
    [
      'the API imports the CLI',
      'api/routes/x.ts',
      "import { parseSince } from '#cli/commands/metrics.ts';",
      'api may not import cli',
    ],
    [
      'the API imports the local stack',
      'api/server.ts',
      "import { startLocalStack } from '#local/stack.ts';",
      'api may not import local',
    ],
  ])('reports %s', (_name, path, text, rule) => {
    // Prepare
    const file: SourceFile = { path, text };

    // Act
    const violations = findViolations([file]);

    // Assess
    expect(violations.map((v) => v.rule)).toEqual([rule]);
  });

  it('lets npm start wire the API in', () => {
    // Prepare
    const file: SourceFile = {
      path: 'cli/start.ts',
      text: "import { startApiServer } from '#api/server.ts';",
    };

    // Act
    const violations = findViolations([file]);

    // Assess
    expect(violations).toEqual([]);
  });

  it('lets the invoke command load a handler with a dynamic import', () => {
    // Prepare
    const file: SourceFile = {
      path: 'cli/commands/invoke.ts',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
      text: 'const module = await import(`#functions/${name}/handler.ts`);',
    };

    // Act
    const violations = findViolations([file]);

    // Assess
    expect(violations).toEqual([]);
  });
});
