/**
 * Released prompt versions are immutable: the manifest's hashes must match the
 * files on disk, and any change, added or removed file is named. Drafts are
 * created and released through the same module the CLI uses.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeProblem,
  formatJson,
  hashFolder,
  PromptAdminError,
  readManifest,
  verifyManifest,
} from '#adapters/prompts/manifest.ts';
import { familyDir, loadPromptRegistry, PromptFolderError } from '#adapters/prompts/registry.ts';
import { createDraft, releaseVersion } from '#adapters/prompts/release.ts';
import { copyFamily, editFile, editJson } from './temp-family.ts';

describe('the repository manifest', () => {
  it('matches every file of every released version', () => {
    // Act
    const problems = verifyManifest(familyDir()).map(describeProblem);

    // Assess: a failure lists e.g. "v1.1.0/system.md: released file changed ...".
    expect(problems).toEqual([]);
  });

  it('releases exactly the seed versions with their four files', () => {
    // Act
    const manifest = readManifest(familyDir());

    // Assess
    expect(Object.keys(manifest.versions)).toEqual(['1.0.0', '1.1.0', '2.0.0', '2.1.0', '2.2.0']);
    for (const entry of Object.values(manifest.versions)) {
      expect(Object.keys(entry.files)).toEqual([
        'metadata.json',
        'schema.json',
        'system.md',
        'user.md',
      ]);
    }
  });
});

describe('tamper detection', () => {
  it('names the version and file of a changed released file', () => {
    // Prepare
    const dir = copyFamily();
    editFile(dir, 'v1.1.0/system.md', (text) => text.replace('Never guess', 'Feel free to guess'));

    // Act
    const problems = verifyManifest(dir);

    // Assess
    expect(problems).toEqual([{ version: '1.1.0', file: 'system.md', problem: 'changed' }]);
    expect(problems.map(describeProblem)).toEqual([
      'v1.1.0/system.md: released file changed (sha256 differs from manifest.json)',
    ]);
  });

  it('detects a one-byte whitespace change', () => {
    // Prepare
    const dir = copyFamily();
    editFile(dir, 'v2.0.0/schema.json', (text) => `${text} `);

    // Act
    const problems = verifyManifest(dir);

    // Assess
    expect(problems).toEqual([{ version: '2.0.0', file: 'schema.json', problem: 'changed' }]);
  });

  it('names added and removed files and a missing folder', () => {
    // Prepare
    const dir = copyFamily();
    writeFileSync(join(dir, 'v2.0.0', 'examples.md'), 'extra');
    mkdirSync(join(dir, 'v2.0.0', 'nested'));
    writeFileSync(join(dir, 'v2.0.0', 'nested', 'x.txt'), 'extra');
    rmSync(join(dir, 'v1.0.0', 'user.md'));
    rmSync(join(dir, 'v1.1.0'), { recursive: true });

    // Act
    const problems = verifyManifest(dir).map(describeProblem);

    // Assess
    expect(problems).toEqual([
      'v1.0.0/user.md: file removed from a released version',
      'v1.1.0: released version folder is missing',
      'v2.0.0/examples.md: file added to a released version',
      'v2.0.0/nested/x.txt: file added to a released version',
    ]);
  });

  it('makes the registry refuse a tampered released version', () => {
    // Prepare
    const dir = copyFamily();
    editJson(dir, 'v2.0.0/metadata.json', (metadata) => {
      metadata.modelId = 'some.other-model';
    });

    // Act
    let caught: unknown;
    try {
      loadPromptRegistry(dir);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(PromptFolderError);
    expect(caught instanceof Error ? caught.message : '').toBe(
      'v2.0.0/metadata.json: released file changed (sha256 differs from manifest.json)',
    );
  });

  it('hashes file bytes with sha256, keyed by relative path', () => {
    // Prepare
    const dir = copyFamily(['1.0.0']);
    writeFileSync(join(dir, 'v1.0.0', 'user.md'), 'abc');

    // Act
    const hashes = hashFolder(join(dir, 'v1.0.0'));

    // Assess
    expect(hashes['user.md']).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(Object.keys(hashes)).toEqual(['metadata.json', 'schema.json', 'system.md', 'user.md']);
  });
});

describe('createDraft', () => {
  it('copies a version to a higher draft with bumped metadata', () => {
    // Prepare
    const dir = copyFamily();

    // Act
    const created = createDraft(dir, '2.1.0', '2.1.5', '2026-01-02');
    const registry = loadPromptRegistry(dir);
    const draft = registry.get('2.1.5');

    // Assess
    expect(created).toBe(join(dir, 'v2.1.5'));
    expect(registry.list()).toContainEqual({ version: '2.1.5', status: 'draft' });
    expect(draft.metadata.version).toBe('2.1.5');
    expect(draft.metadata.created).toBe('2026-01-02');
    expect(draft.metadata.changelog[0]).toBe(
      'Draft from 2.1.0: replace this line with what changed.',
    );
    expect(draft.metadata.changelog.slice(1)).toEqual(registry.get('2.1.0').metadata.changelog);
    expect(draft.metadata.input).toEqual({ images: true });
    expect(draft.schema).toEqual(registry.get('2.1.0').schema);
    expect(draft.system).toBe(registry.get('2.1.0').system);
    expect(verifyManifest(dir)).toEqual([]);
  });

  it('refuses an existing, released, lower or malformed target version', () => {
    // Prepare
    const dir = copyFamily();
    createDraft(dir, '1.1.0', '1.2.0', '2026-01-02');

    // Act / Assess
    expect(() => createDraft(dir, '1.0.0', '1.2.0')).toThrow(/v1\.2\.0 already exists/);
    expect(() => createDraft(dir, '2.0.0', '1.9.0')).toThrow(/1\.9\.0 is not higher than 2\.0\.0/);
    expect(() => createDraft(dir, '2.0.0', '2.0.0')).toThrow(/v2\.0\.0 already exists/);
    expect(() => createDraft(dir, '2.0.0', 'v3.0.0')).toThrow(PromptAdminError);
    expect(() => createDraft(dir, '4.0.0', '5.0.0')).toThrow(/v4\.0\.0 does not exist/);
  });
});

describe('releaseVersion', () => {
  it('refuses a draft whose changelog still has the draft line', () => {
    // Prepare
    const dir = copyFamily();
    createDraft(dir, '2.1.0', '2.1.1', '2026-01-02');

    // Act / Assess
    expect(() => releaseVersion(dir, '2.1.1')).toThrow(/describe the change in changelog\[0\]/);
    expect(Object.keys(readManifest(dir).versions)).toEqual([
      '1.0.0',
      '1.1.0',
      '2.0.0',
      '2.1.0',
      '2.2.0',
    ]);
  });

  it('freezes a finished draft in the manifest', () => {
    // Prepare
    const dir = copyFamily();
    createDraft(dir, '2.1.0', '2.1.1', '2026-01-02');
    editJson(dir, 'v2.1.1/metadata.json', (metadata) => {
      metadata.changelog = ['Clarifies that pack-years are recorded only when stated.'];
    });

    // Act
    const manifest = releaseVersion(dir, '2.1.1', '2026-01-03');

    // Assess
    expect(Object.keys(manifest.versions)).toEqual([
      '1.0.0',
      '1.1.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
      '2.2.0',
    ]);
    expect(manifest.versions['2.1.1']).toEqual({
      released: '2026-01-03',
      files: hashFolder(join(dir, 'v2.1.1')),
    });
    expect(readManifest(dir)).toEqual(manifest);
    expect(loadPromptRegistry(dir).list()).toContainEqual({ version: '2.1.1', status: 'released' });
    expect(() => releaseVersion(dir, '2.1.1')).toThrow(/2\.1\.1 is already released/);
  });

  it('refuses an invalid draft and an unknown version', () => {
    // Prepare
    const dir = copyFamily();
    createDraft(dir, '2.0.0', '3.0.0', '2026-01-02');
    editFile(dir, 'v3.0.0/user.md', (text) => text.replace('{{DOCUMENT_TEXT}}', ''));

    // Act / Assess
    expect(() => releaseVersion(dir, '3.0.0')).toThrow(PromptFolderError);
    expect(() => releaseVersion(dir, '9.0.0')).toThrow(/v9\.0\.0 does not exist/);
    expect(() => releaseVersion(dir, '1.0.0')).toThrow(/1\.0\.0 is already released/);
  });
});

describe('formatJson', () => {
  it('reproduces the committed layout of every metadata and schema file', () => {
    // Prepare
    const files = ['v1.0.0', 'v1.1.0', 'v2.0.0', 'v2.1.0', 'v2.2.0'].flatMap((version) =>
      ['metadata.json', 'schema.json'].map((file) =>
        readFileSync(join(familyDir(), version, file), 'utf8'),
      ),
    );

    // Act
    const formatted = files.map((text) => formatJson(JSON.parse(text)));

    // Assess
    expect(formatted).toEqual(files);
  });
});
