/**
 * Every hand-written source file has one job, stated in a header comment,
 * and stays under 500 lines; word lists are the listed exceptions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRepoRoot } from '#infra/repo-paths.ts';

const MAX_LINES = 500;

/** Data, not logic: vocabulary the corpus generator draws from. */
const WORD_LISTS = new Set(['local/corpus/vocabulary.ts']);

const sources = (): { path: string; text: string }[] =>
  execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.mjs'],
    {
      cwd: fromRepoRoot('.'),
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((path) => path.length > 0 && !path.endsWith('.d.ts'))
    .map((path) => ({ path, text: readFileSync(fromRepoRoot(path), 'utf8') }));

/** A header is a comment before any code, after an optional shebang. */
const hasHeader = (text: string): boolean => /^(#![^\n]*\n)?\s*(\/\*\*|\/\/)/.test(text);

describe('source files', () => {
  const files = sources();

  it('each start with a header comment that states their job', () => {
    // Act
    const missing = files.filter((file) => !hasHeader(file.text)).map((file) => file.path);

    // Assess
    expect(files.length).toBeGreaterThan(200);
    expect(missing).toEqual([]);
  });

  it(`stay under ${MAX_LINES} lines, word lists excepted`, () => {
    // Act
    const long = files
      .filter((file) => !WORD_LISTS.has(file.path))
      .map((file) => ({ path: file.path, lines: file.text.split('\n').length - 1 }))
      .filter((file) => file.lines > MAX_LINES);

    // Assess
    expect(long).toEqual([]);
  });

  it('tells a header from code', () => {
    expect(hasHeader('/**\n * One job.\n */\nexport const a = 1;\n')).toBe(true);
    expect(hasHeader('#!/usr/bin/env node\n// One job.\n')).toBe(true);
    expect(hasHeader("import { a } from './a.ts';\n/** late */\n")).toBe(false);
  });
});
