/**
 * What changed between two prompt versions: every JSON Schema field path with
 * what it declares, the paths added, removed and changed, and the metadata
 * differences (model, inference settings, field specs). Pure.
 */
import * as z from 'zod';
import type { PromptVersion } from '#core/prompts/types.ts';

/** What a schema says about one field path (`patient.name`, `labs[].flag`). */
export interface SchemaPathInfo {
  readonly type: string;
  /** Listed in its parent's `required`. */
  readonly required: boolean;
  /** Constraints other than type and description (enum, pattern, format, bounds). */
  readonly constraints: Readonly<Record<string, unknown>>;
  readonly description: string | null;
}

const SchemaNode = z.looseObject({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  description: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  items: z.unknown().optional(),
  required: z.array(z.string()).optional(),
});

const STRUCTURAL_KEYS = new Set([
  'type',
  'description',
  'properties',
  'items',
  'required',
  'additionalProperties',
  '$schema',
  'title',
]);

/** Every field path of a JSON Schema with what it declares (pure). */
export const schemaPaths = (schema: unknown): Map<string, SchemaPathInfo> => {
  const paths = new Map<string, SchemaPathInfo>();
  const visit = (raw: unknown, path: string, required: boolean): void => {
    const node = SchemaNode.safeParse(raw);
    if (!node.success) return;
    const { type, description, properties, items, required: requiredChildren } = node.data;
    if (path !== '') {
      const constraints = Object.fromEntries(
        Object.entries(node.data).filter(([key]) => !STRUCTURAL_KEYS.has(key)),
      );
      paths.set(path, {
        type: Array.isArray(type) ? type.join('|') : (type ?? 'any'),
        required,
        constraints,
        description: description ?? null,
      });
    }
    for (const [name, child] of Object.entries(properties ?? {})) {
      visit(
        child,
        path === '' ? name : `${path}.${name}`,
        requiredChildren?.includes(name) ?? false,
      );
    }
    if (items !== undefined) visit(items, `${path}[]`, true);
  };
  visit(schema, '', true);
  return paths;
};

/** One changed path and the attributes that differ. */
export interface PathChange {
  readonly path: string;
  readonly changed: readonly string[];
}

/** Schema paths added, removed and changed from `a` to `b` (pure). */
export interface SchemaDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly PathChange[];
}

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

export const diffSchemas = (a: unknown, b: unknown): SchemaDiff => {
  const before = schemaPaths(a);
  const after = schemaPaths(b);
  const added = [...after.keys()].filter((p) => !before.has(p));
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const changed: PathChange[] = [];
  for (const [path, info] of after) {
    const old = before.get(path);
    if (!old) continue;
    const attributes: string[] = [];
    if (old.type !== info.type) attributes.push(`type ${old.type} -> ${info.type}`);
    if (old.required !== info.required) {
      attributes.push(info.required ? 'now required' : 'no longer required');
    }
    const keys = new Set([...Object.keys(old.constraints), ...Object.keys(info.constraints)]);
    for (const key of [...keys].sort()) {
      if (!same(old.constraints[key], info.constraints[key])) attributes.push(key);
    }
    if (old.description !== info.description) attributes.push('description');
    if (attributes.length > 0) changed.push({ path, changed: attributes });
  }
  return { added, removed, changed };
};

/** Metadata differences between two versions: model, inference, field specs (pure). */
export const diffMetadata = (a: PromptVersion, b: PromptVersion): string[] => {
  const changes: string[] = [];
  const ma = a.metadata;
  const mb = b.metadata;
  if (ma.modelId !== mb.modelId) changes.push(`modelId: ${ma.modelId} -> ${mb.modelId}`);
  for (const key of ['maxTokens', 'temperature'] as const) {
    if (ma.inference[key] !== mb.inference[key]) {
      changes.push(`inference.${key}: ${ma.inference[key]} -> ${mb.inference[key]}`);
    }
  }
  const fields = new Set([...Object.keys(ma.fields), ...Object.keys(mb.fields)]);
  for (const field of [...fields].sort()) {
    const fa = ma.fields[field];
    const fb = mb.fields[field];
    if (!fa)
      changes.push(
        `field ${field}: added (${fb?.required ? 'required' : 'optional'}, weight ${fb?.weight})`,
      );
    else if (!fb) changes.push(`field ${field}: removed`);
    else {
      if (fa.required !== fb.required)
        changes.push(`field ${field}: required ${fa.required} -> ${fb.required}`);
      if (fa.weight !== fb.weight)
        changes.push(`field ${field}: weight ${fa.weight} -> ${fb.weight}`);
      if (!same(fa.comparator, fb.comparator)) changes.push(`field ${field}: comparator changed`);
    }
  }
  if (a.system !== b.system) changes.push('system prompt text changed');
  if (a.userTemplate !== b.userTemplate) changes.push('user template text changed');
  return changes;
};
