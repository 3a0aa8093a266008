/**
 * Reads and validates one prompt version folder (`prompts/<family>/v<semver>/`).
 * Every defect becomes a PromptFolderError whose message names the file and the
 * problem, so a bad folder fails at load or release time, never mid-request.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { subschemaAt } from '#core/extraction/completeness.ts';
import { SEMVER_PATTERN, versionFolder } from '#core/prompts/semver.ts';
import {
  type Comparator,
  DOCUMENT_BLOCK,
  DOCUMENT_PLACEHOLDER,
  MetadataSchema,
  type PromptMetadata,
  type PromptVersion,
} from '#core/prompts/types.ts';
import type { SchemaLint } from './schema-lint.ts';

/** Files every version folder must hold. */
export const PROMPT_FILES = ['system.md', 'user.md', 'schema.json', 'metadata.json'] as const;

/** A prompt folder is missing a file or holds one that is malformed. */
export class PromptFolderError extends Error {
  override readonly name = 'PromptFolderError';
  constructor(
    /** Path of the offending file relative to the family folder, e.g. `v1.0.0/schema.json`. */
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

function readText(dir: string, file: string): string {
  const label = `${basename(dir)}/${file}`;
  const path = join(dir, file);
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new PromptFolderError(label, 'is not a file');
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof PromptFolderError) throw error;
    throw new PromptFolderError(label, 'missing file');
  }
  if (text.trim().length === 0) throw new PromptFolderError(label, 'file is empty');
  return text;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line} column ${column} (position ${position})`;
}

function parseJson(dir: string, file: string): unknown {
  const text = readText(dir, file);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    // "Unexpected end of JSON input" carries no position: the end is where it broke.
    const at = position ? Number(position[1]) : text.length;
    throw new PromptFolderError(
      `${basename(dir)}/${file}`,
      `invalid JSON at ${lineAndColumn(text, at)}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseMetadata(dir: string): PromptMetadata {
  const result = MetadataSchema.safeParse(parseJson(dir, 'metadata.json'));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  throw new PromptFolderError(
    `${basename(dir)}/metadata.json`,
    `key ${key}: ${issue?.message ?? 'invalid'}`,
  );
}

/**
 * Every object in an output schema must be closed and fully required, so the
 * model cannot add fields and must say `null` rather than leave one out.
 * Returns the JSON pointer of the first open object, if any.
 */
function findLaxObject(node: unknown, pointer: string): string | null {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = findLaxObject(item, `${pointer}/${index}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (!isRecord(node)) return null;
  const properties = node.properties;
  const isObjectType =
    node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
  if (isObjectType || isRecord(properties)) {
    if (node.additionalProperties !== false)
      return `${pointer} (additionalProperties is not false)`;
    const keys = isRecord(properties) ? Object.keys(properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    const notRequired = keys.filter((key) => !required.includes(key));
    if (notRequired.length > 0) return `${pointer} (not required: ${notRequired.join(', ')})`;
  }
  for (const [key, child] of Object.entries(node)) {
    // `enum`/`const` values are data, not subschemas.
    if (key === 'enum' || key === 'const' || key === 'required') continue;
    const found = findLaxObject(child, `${pointer}/${key}`);
    if (found !== null) return found;
  }
  return null;
}

function parseSchema(
  dir: string,
  released: boolean,
  lintSchema: SchemaLint | undefined,
): Record<string, unknown> {
  const label = `${basename(dir)}/schema.json`;
  const schema = parseJson(dir, 'schema.json');
  if (!isRecord(schema) || schema.type !== 'object') {
    throw new PromptFolderError(label, 'the root must be a JSON Schema with "type": "object"');
  }
  // A released version's bytes are the ones that passed the lint when it was
  // released (the manifest's hashes say so), so only a draft is linted.
  if (!released && lintSchema) {
    try {
      lintSchema(schema);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new PromptFolderError(label, `does not compile with ajv: ${message}`);
    }
  }
  const lax = findLaxObject(schema, '#');
  if (lax !== null) throw new PromptFolderError(label, `object is not strict at ${lax}`);
  return schema;
}

function checkTemplate(dir: string, userTemplate: string, system: string): void {
  const folder = basename(dir);
  const placeholders = [...userTemplate.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[0]);
  const extra = placeholders.filter((p) => p !== DOCUMENT_PLACEHOLDER);
  if (extra.length > 0) {
    throw new PromptFolderError(`${folder}/user.md`, `extra placeholder ${extra.join(', ')}`);
  }
  if (placeholders.length === 0) {
    throw new PromptFolderError(`${folder}/user.md`, `placeholder ${DOCUMENT_PLACEHOLDER} missing`);
  }
  if (placeholders.length > 1) {
    throw new PromptFolderError(
      `${folder}/user.md`,
      `placeholder ${DOCUMENT_PLACEHOLDER} appears ${placeholders.length} times, expected once`,
    );
  }
  if (!userTemplate.includes(DOCUMENT_BLOCK)) {
    throw new PromptFolderError(
      `${folder}/user.md`,
      `placeholder ${DOCUMENT_PLACEHOLDER} must sit alone inside <document> and </document> lines`,
    );
  }
  if (/\{\{[^{}]*\}\}/.test(system)) {
    throw new PromptFolderError(`${folder}/system.md`, 'placeholders are not allowed here');
  }
}

function checkFieldPaths(
  dir: string,
  metadata: PromptMetadata,
  schema: Record<string, unknown>,
): void {
  const label = `${basename(dir)}/metadata.json`;
  for (const [path, spec] of Object.entries(metadata.fields)) {
    const node = subschemaAt(schema, path);
    if (node === undefined) {
      throw new PromptFolderError(label, `fields.${path}: no such property in schema.json`);
    }
    checkListItems(label, path, spec.comparator, node);
  }
}

function checkListItems(
  label: string,
  path: string,
  comparator: Comparator,
  node: Record<string, unknown>,
): void {
  if (comparator.type !== 'list') return;
  if (node.type !== 'array' || !isRecord(node.items)) {
    throw new PromptFolderError(label, `fields.${path}: list comparator on a non-array property`);
  }
  const { item } = comparator;
  if ('type' in item && typeof item.type === 'string') return;
  const itemProperties = node.items.properties;
  for (const property of Object.keys(item)) {
    if (!isRecord(itemProperties) || !Object.hasOwn(itemProperties, property)) {
      throw new PromptFolderError(
        label,
        `fields.${path}: item property ${property} is not in schema.json`,
      );
    }
  }
}

/** How a version folder is loaded. */
export interface LoadVersionOptions {
  /**
   * The caller verified the folder's files against the release manifest, so
   * its schema is not linted again (it was when the version was released).
   */
  readonly released?: boolean;
  /**
   * The authoring lint (`schema-lint.ts`, Ajv strict mode) for an unreleased
   * version's schema. Authoring callers pass it; the functions do not, and
   * every draft they can load passed it when `cdk synth` bundled it
   * (`infra/prompt-versions.ts`, ADR 64).
   */
  readonly lintSchema?: SchemaLint;
}

/**
 * Loads and validates the version folder `dir` (named `v<semver>`).
 * Throws PromptFolderError naming the file and the problem.
 */
export function loadPromptVersion(
  dir: string,
  { released = false, lintSchema }: LoadVersionOptions = {},
): PromptVersion {
  const folder = basename(dir);
  const match = /^v(.*)$/.exec(folder);
  const folderVersion = match?.[1] ?? '';
  if (!SEMVER_PATTERN.test(folderVersion)) {
    throw new PromptFolderError(folder, 'folder name is not v<major>.<minor>.<patch>');
  }
  for (const file of PROMPT_FILES) readText(dir, file);

  const metadata = parseMetadata(dir);
  if (metadata.version !== folderVersion) {
    throw new PromptFolderError(
      `${folder}/metadata.json`,
      `key version: ${metadata.version} does not match folder ${versionFolder(folderVersion)}`,
    );
  }
  const schema = parseSchema(dir, released, lintSchema);
  const system = readText(dir, 'system.md');
  const userTemplate = readText(dir, 'user.md');
  checkTemplate(dir, userTemplate, system);
  checkFieldPaths(dir, metadata, schema);

  return {
    family: metadata.family,
    version: metadata.version,
    metadata,
    system,
    userTemplate,
    schema,
  };
}
