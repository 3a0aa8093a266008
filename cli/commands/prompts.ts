/**
 * `medextract prompts ...`: parses the flags of list, show, diff and
 * alias show/set, calls the prompt use cases and prints their results.
 */
import type { Command } from 'commander';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import type { PromptCatalog } from '#services/context.ts';
import {
  diffPrompts,
  listPrompts,
  requireServable,
  setAlias,
  showAlias,
  showPrompt,
} from '#services/prompts.ts';
import { printJson, printTable, type TargetFlags, withTargetOptions } from '../output.ts';
import { withTarget } from '../target.ts';
import { type ActorFlags, actorOf } from './actor.ts';

/**
 * The versions as the prompt commands see them: the folder the functions
 * ship, with each draft's schema linted by Ajv's strict mode as it loads,
 * since these commands are where a draft is looked at (ADR 64). The lint is
 * imported on use, so no other command loads Ajv.
 */
const authoringCatalog = async (): Promise<PromptCatalog> => {
  const { lintSchema } = await import('#adapters/prompts/schema-lint.ts');
  return loadPromptRegistry(familyDir(), { lintSchema });
};

export const registerPrompts = (program: Command): void => {
  const prompts = program
    .command('prompts')
    .description('prompt versions bundled with this build, and the production alias');

  prompts
    .command('list')
    .description('every bundled version: status, model, fields')
    .option('--json', 'print JSON instead of tables')
    .action(async (flags: { json?: boolean }) => {
      const rows = listPrompts(await authoringCatalog());
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
    .action(async (version: string, flags: { json?: boolean }) => {
      const details = showPrompt(version, await authoringCatalog());
      if (flags.json) {
        printJson(details);
        return;
      }
      const m = details.metadata;
      printTable(
        ['field', 'value'],
        [
          ['version', `${details.version} (${details.status})`],
          ['family', details.family],
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
        `Schema: ${details.schema.fieldPaths} field paths; top level: ${details.schema.topLevel.map((t) => `${t.path} (${t.type})`).join(', ')}\n`,
      );
    });

  prompts
    .command('diff')
    .description('schema paths added/removed/changed and metadata changes from <a> to <b>')
    .argument('<a>', 'older version')
    .argument('<b>', 'newer version')
    .option('--json', 'print JSON instead of tables')
    .action(async (a: string, b: string, flags: { json?: boolean }) => {
      const diff = diffPrompts(a, b, await authoringCatalog());
      if (flags.json) {
        printJson(diff);
        return;
      }
      const { schema, metadata } = diff;
      process.stdout.write(`${diff.from} -> ${diff.to}\n`);
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
      const state = await showAlias(target);
      if (flags.json) {
        printJson(state);
        return;
      }
      const { current, moves } = state;
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
    // Checked before opening the stack, so a wrong version fails fast.
    const catalog = await authoringCatalog();
    requireServable(version, catalog);
    await withTarget(flags, async (target) => {
      const move = await setAlias(target, { version, actor, reason: flags.reason ?? '' }, catalog);
      if (flags.json) printJson(move);
      else process.stdout.write(`production: ${move.before ?? '-'} -> ${move.after}\n`);
    });
  });
};
