/**
 * `medextract prompts ...`: the bundled prompt versions (list, show, diff),
 * and the `production` alias on a stack (show, set) with its audit trail.
 * Versions are read from `prompts/`; only the alias lives in DynamoDB.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import type { PromptVersion } from '#core/prompts/types.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';
import { type ActorFlags, actorOf, repositoryFor } from './experiments.ts';

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

const versionOrUsage = (version: string): PromptVersion => {
  const clean = version.replace(/^v/, '');
  if (!bundledPrompts().versions().includes(clean)) {
    throw new UsageError(
      `no prompt version ${version} (bundled: ${bundledPrompts().versions().join(', ')})`,
    );
  }
  return bundledPrompts().get(clean);
};

const statusOf = (version: string): string =>
  bundledPrompts()
    .list()
    .find((v) => v.version === version)?.status ?? 'unknown';

export const registerPrompts = (program: Command): void => {
  const prompts = program
    .command('prompts')
    .description('prompt versions bundled with this build, and the production alias');

  prompts
    .command('list')
    .description('every bundled version: status, model, fields')
    .option('--json', 'print JSON instead of tables')
    .action((flags: { json?: boolean }) => {
      const rows = bundledPrompts()
        .list()
        .map(({ version, status }) => {
          const { metadata } = bundledPrompts().get(version);
          const fields = Object.entries(metadata.fields);
          return {
            version,
            status,
            created: metadata.created,
            modelId: metadata.modelId,
            fields: fields.length,
            requiredFields: fields.filter(([, spec]) => spec.required).length,
            latestChange: metadata.changelog[0] ?? '',
          };
        });
      if (flags.json) printJson(rows);
      else
        printTable(
          ['version', 'status', 'created', 'model', 'fields', 'required'],
          rows.map((r) => [r.version, r.status, r.created, r.modelId, r.fields, r.requiredFields]),
        );
    });

  prompts
    .command('show')
    .description('metadata, required fields and weights, schema summary')
    .argument('<version>', 'e.g. 2.0.0')
    .option('--json', 'print JSON instead of tables')
    .action((version: string, flags: { json?: boolean }) => {
      const pv = versionOrUsage(version);
      const paths = schemaPaths(pv.schema);
      const topLevel = [...paths.entries()].filter(
        ([path]) => !path.includes('.') && !path.includes('[]'),
      );
      if (flags.json) {
        printJson({
          version: pv.version,
          family: pv.family,
          status: statusOf(pv.version),
          metadata: pv.metadata,
          schema: {
            fieldPaths: paths.size,
            topLevel: topLevel.map(([path, info]) => ({
              path,
              type: info.type,
              required: info.required,
            })),
          },
        });
        return;
      }
      const m = pv.metadata;
      printTable(
        ['field', 'value'],
        [
          ['version', `${pv.version} (${statusOf(pv.version)})`],
          ['family', pv.family],
          ['created', m.created],
          ['model', m.modelId],
          [
            'inference',
            `maxTokens ${m.inference.maxTokens}, temperature ${m.inference.temperature}`,
          ],
          ['changelog', m.changelog.join('\n')],
        ],
      );
      printTable(
        ['field path', 'required', 'weight', 'comparator'],
        Object.entries(m.fields).map(([path, spec]) => [
          path,
          spec.required ? 'yes' : 'no',
          spec.weight,
          spec.comparator.type,
        ]),
      );
      process.stdout.write(
        `Schema: ${paths.size} field paths; top level: ${topLevel.map(([path, info]) => `${path} (${info.type})`).join(', ')}\n`,
      );
    });

  prompts
    .command('diff')
    .description('schema paths added/removed/changed and metadata changes from <a> to <b>')
    .argument('<a>', 'older version')
    .argument('<b>', 'newer version')
    .option('--json', 'print JSON instead of tables')
    .action((a: string, b: string, flags: { json?: boolean }) => {
      const va = versionOrUsage(a);
      const vb = versionOrUsage(b);
      const schema = diffSchemas(va.schema, vb.schema);
      const metadata = diffMetadata(va, vb);
      if (flags.json) {
        printJson({ from: va.version, to: vb.version, schema, metadata });
        return;
      }
      process.stdout.write(`${va.version} -> ${vb.version}\n`);
      printTable(
        ['change', 'schema path', 'detail'],
        [
          ...schema.added.map((p) => ['added', p, null]),
          ...schema.removed.map((p) => ['removed', p, null]),
          ...schema.changed.map((c) => ['changed', c.path, c.changed.join(', ')]),
        ],
      );
      if (metadata.length > 0) {
        process.stdout.write('Metadata:\n');
        for (const line of metadata) process.stdout.write(`  - ${line}\n`);
      }
    });

  const alias = prompts
    .command('alias')
    .description(`the production alias of ${PROMPT_FAMILY} on a stack`);

  withTargetOptions(
    alias.command('show').description('the version the production alias names, and its moves'),
  ).action(async (flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      const repo = repositoryFor(target);
      const current = await repo.getAlias(PROMPT_FAMILY);
      const moves = await repo.aliasHistory(PROMPT_FAMILY);
      if (flags.json) {
        printJson({ alias: 'production', current, moves });
        return;
      }
      process.stdout.write(
        `production -> ${current ? `${current.version} (since ${current.updatedAt})` : 'not set'}\n`,
      );
      if (moves.length > 0) {
        printTable(
          ['at', 'actor', 'change', 'experiment', 'reason'],
          moves.map((m) => [
            m.at,
            m.actor,
            `${m.before ?? '-'} -> ${m.after}`,
            m.experimentId,
            m.reason,
          ]),
        );
      }
    });
  });

  withTargetOptions(
    alias
      .command('set')
      .description('move the production alias by hand (audited); experiments promote it otherwise')
      .argument('<version>', 'released version, e.g. 1.1.0')
      .requiredOption('--reason <text>', 'why (required)')
      .option('--actor <name>', 'who is acting, for the audit trail (default: $USER)'),
  ).action(async (version: string, flags: ActorFlags) => {
    const actor = actorOf(flags);
    const pv = versionOrUsage(version);
    if (statusOf(pv.version) !== 'released') {
      throw new UsageError(`${pv.version} is a draft; only released versions can serve production`);
    }
    await withTarget(flags, async (target) => {
      const move = await repositoryFor(target).moveAlias(
        PROMPT_FAMILY,
        pv.version,
        actor,
        flags.reason ?? '',
      );
      if (flags.json) printJson(move);
      else process.stdout.write(`production: ${move.before ?? '-'} -> ${move.after}\n`);
    });
  });
};
