/**
 * `medextract experiments ...`: create, start, watch, analyse, complete,
 * promote and abort prompt experiments, and read their audit trail. The
 * lifecycle rules are the domain module's; this file parses flags, calls the
 * repository and prints. Exit 2 for usage errors and refused transitions,
 * 1 when the analysis refuses a promotion.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  type ExperimentsRepository,
  experimentsRepository,
  type HistoryEntry,
} from '#adapters/experiments-repository.ts';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import type { ExperimentAnalysis, MetricRow } from '#core/experiments/analysis/schemas.ts';
import { GUARDRAIL_METRICS, type Guardrail, PRIMARY_METRICS } from '#core/experiments/criteria.ts';
import {
  ALLOCATION_PRESET_NAMES,
  EXPERIMENT_STATUSES,
  type Experiment,
  type ExperimentInput,
  InvalidTransitionError,
  PromotionRefusedError,
} from '#core/experiments/lifecycle.ts';
import { srmCheck } from '#core/experiments/stats/srm.ts';
import { formatUsd } from '#core/extraction/cost.ts';
import {
  type ArmRollups,
  analyzeFromRollups,
  readExperimentRollups,
} from '#services/experiment-analysis.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { type Target, withTarget } from '../target.ts';

/** Flags of commands that change something: who is acting. */
export interface ActorFlags extends TargetFlags {
  readonly actor?: string;
  readonly reason?: string;
}

/** `--actor`, else `$USER`; audit entries always name a person. */
export const actorOf = (flags: { readonly actor?: string }): string => {
  const actor = (flags.actor ?? process.env.USER ?? '').trim();
  if (actor === '') throw new UsageError('no actor: pass --actor <name> (or set $USER)');
  return actor;
};

/** The repository over the target's experiments table. */
export const repositoryFor = (target: Target): ExperimentsRepository =>
  experimentsRepository({ client: target.clients.dynamodb, table: target.tables.experiments });

const rollupSource = (target: Target) => ({
  client: target.clients.dynamodb,
  table: target.tables.metrics,
});

/** Released versions of the bundled family: drafts are mutable, so they cannot be compared. */
const releasedVersions = (): string[] =>
  bundledPrompts()
    .list()
    .filter((v) => v.status === 'released')
    .map((v) => v.version);

const requireReleased = (version: string, role: string): void => {
  const entry = bundledPrompts()
    .list()
    .find((v) => v.version === version);
  if (!entry) {
    const known = bundledPrompts().versions().join(', ');
    throw new UsageError(`--${role} ${version} is not a bundled prompt version (${known})`);
  }
  if (entry.status !== 'released') {
    throw new UsageError(
      `--${role} ${version} is a draft; release it (npm run prompts:release) before experimenting`,
    );
  }
};

const number = (flag: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a number between ${min} and ${max}, got '${text}'`);
  }
  return value;
};

const GuardrailMetric = z.enum(GUARDRAIL_METRICS);

/**
 * `metric:0.2` (relative change on the harmful side, 0.2 = 20 %) or
 * `metric:increase:5` / `metric:decrease:0.02` (absolute, in the metric's unit).
 */
export const parseGuardrail = (text: string): Guardrail => {
  const parts = text.split(':');
  const metric = GuardrailMetric.safeParse(parts[0]);
  if (!metric.success) {
    throw new UsageError(
      `--guardrail ${text}: metric must be one of ${GUARDRAIL_METRICS.join(', ')}`,
    );
  }
  if (parts.length === 2) {
    return { metric: metric.data, maxRelativeChange: number('--guardrail', parts[1] ?? '', 0, 10) };
  }
  const direction = parts[1];
  if (parts.length === 3 && (direction === 'increase' || direction === 'decrease')) {
    return {
      metric: metric.data,
      direction,
      limit: number('--guardrail', parts[2] ?? '', 0, Number.MAX_SAFE_INTEGER),
    };
  }
  throw new UsageError(
    `--guardrail ${text}: write metric:maxRelativeChange (latencyP95:0.2) or metric:increase|decrease:limit`,
  );
};

/** A readable id from a name: lower-case letters, digits and dashes. */
export const idFromName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');

interface CreateFlags extends ActorFlags {
  readonly name: string;
  readonly id?: string;
  readonly control: string;
  readonly treatment: string;
  readonly preset?: string;
  readonly weights?: string;
  readonly coverage: string;
  readonly primary: string;
  readonly mde: string;
  readonly alpha: string;
  readonly minDocs: string;
  readonly guardrail: string[];
  readonly sequential?: boolean;
  readonly expectedDocs: string;
  readonly seed?: string;
}

const PresetSchema = z.enum(ALLOCATION_PRESET_NAMES);
const PrimarySchema = z.enum(PRIMARY_METRICS);

/** The experiment definition the create flags describe. */
export const inputFromFlags = (flags: CreateFlags): ExperimentInput => {
  const id = flags.id ?? idFromName(flags.name);
  if (id === '') throw new UsageError('--name has no letters or digits; pass --id');
  requireReleased(flags.control, 'control');
  requireReleased(flags.treatment, 'treatment');
  const coverage = number('--coverage', flags.coverage, 0, 1);
  if (flags.preset && flags.weights) throw new UsageError('pass --preset or --weights, not both');
  let allocation: ExperimentInput['allocation'];
  if (flags.weights) {
    const parts = flags.weights.split(',').map((w) => number('--weights', w, 0, 1));
    const [control, treatment] = parts;
    if (parts.length !== 2 || control === undefined || treatment === undefined) {
      throw new UsageError('--weights takes two numbers, control,treatment (e.g. 0.7,0.3)');
    }
    allocation = { weights: { control, treatment }, coverage };
  } else {
    const preset = PresetSchema.safeParse(flags.preset ?? '50/50');
    if (!preset.success) {
      throw new UsageError(`--preset must be one of ${ALLOCATION_PRESET_NAMES.join(', ')}`);
    }
    allocation = { preset: preset.data, coverage };
  }
  const primary = PrimarySchema.safeParse(flags.primary);
  if (!primary.success) {
    throw new UsageError(`--primary must be one of ${PRIMARY_METRICS.join(', ')}`);
  }
  return {
    id,
    name: flags.name,
    family: PROMPT_FAMILY,
    control: flags.control,
    treatment: flags.treatment,
    allocation,
    ...(flags.seed ? { seed: flags.seed } : {}),
    successCriteria: {
      primaryMetric: primary.data,
      minimumDetectableEffect: number('--mde', flags.mde, 0, 10),
      alpha: number('--alpha', flags.alpha, 0, 0.2),
      minimumDocumentsPerArm: number('--min-docs', flags.minDocs, 8, 10_000_000),
      guardrails: flags.guardrail.map(parseGuardrail),
    },
    sequential: flags.sequential === true,
    expectedTotalDocuments: number('--expected-docs', flags.expectedDocs, 16, 100_000_000),
  };
};

const percent = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(digits)}%`;

const formatP = (p: number | null): string | null =>
  p === null ? null : p < 0.0001 ? '<0.0001' : p.toFixed(4);

const signedPercent = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

const allocationText = (exp: Experiment): string => {
  const { weights, coverage, preset } = exp.allocation;
  const split = `${Math.round(weights.control * 100)}/${Math.round(weights.treatment * 100)}`;
  return `${preset === 'custom' ? split : preset}${coverage < 1 ? `, coverage ${percent(coverage, 0)}` : ''}`;
};

const printExperiment = (exp: Experiment): void => {
  const criteria = exp.successCriteria;
  const guardrails = criteria.guardrails.map((g) =>
    'direction' in g
      ? `${g.metric} ${g.direction} <= ${g.limit}`
      : `${g.metric} <= ${percent(g.maxRelativeChange, 0)} worse`,
  );
  const rows: Array<[string, unknown]> = [
    ['id', exp.id],
    ['name', exp.name],
    ['status', exp.status],
    ['control', exp.control],
    ['treatment', exp.treatment],
    ['allocation', allocationText(exp)],
    ['seed', exp.seed],
    [
      'primary metric',
      `${criteria.primaryMetric} (MDE ${percent(criteria.minimumDetectableEffect, 0)}, alpha ${criteria.alpha})`,
    ],
    ['guardrails', guardrails.length > 0 ? guardrails.join('; ') : 'none'],
    ['min documents/arm', criteria.minimumDocumentsPerArm],
    [
      'analysis',
      exp.sequential ? `sequential (N* ${exp.expectedTotalDocuments})` : 'fixed-horizon',
    ],
    ['created', exp.createdAt],
    ['started', exp.startedAt],
    ['completed', exp.completedAt],
    ['promoted', exp.promotedAt],
    ['aborted', exp.abortedAt],
    ['decision', exp.decision],
  ];
  printTable(
    ['field', 'value'],
    rows.filter(([, value]) => value !== undefined),
  );
};

const metricValue = (row: MetricRow, value: number | null): string => {
  if (value === null) return '-';
  switch (row.metric) {
    case 'successRate':
    case 'allRequiredPresent':
      return percent(value);
    case 'costPerDocument':
      return formatUsd(value);
    case 'completeness':
      return value.toFixed(3);
    default:
      return value.toFixed(1);
  }
};

/** Prints an analysis readout: SRM, metrics, guardrails, latency, failures, decision. */
export const printAnalysis = (exp: Experiment, analysis: ExperimentAnalysis): void => {
  const { srm } = analysis;
  const level = `${Math.round((1 - analysis.alpha) * 100)}% CI`;
  process.stdout.write(
    `Experiment ${exp.id}: control ${exp.control} vs treatment ${exp.treatment} (${allocationText(exp)}), ${analysis.method}\n`,
  );
  process.stdout.write(
    `Sample ratio: ${srm.status} (observed ${srm.observed.join(' / ')}, expected ${srm.expected
      .map((e) => e.toFixed(1))
      .join(' / ')}, chi-square ${srm.chi2.toFixed(2)}, p = ${formatP(srm.pValue)})\n`,
  );
  printTable(
    ['metric', 'role', 'control', 'treatment', `relative lift (${level})`, 'p', 'outcome'],
    analysis.metrics.map((row) => [
      row.metric,
      row.role,
      metricValue(row, row.control.value),
      metricValue(row, row.treatment.value),
      row.relativeLift
        ? `${signedPercent(row.relativeLift.estimate)} (${signedPercent(row.relativeLift.ci.lower)} to ${signedPercent(row.relativeLift.ci.upper)})`
        : null,
      formatP(row.adjustedPValue ?? row.pValue),
      row.outcome,
    ]),
  );
  if (analysis.guardrails.length > 0) {
    printTable(
      ['guardrail', 'estimate', 'bound', 'status'],
      analysis.guardrails.map((g) => {
        const show = (x: number | null) =>
          x === null ? null : g.change === 'relative' ? signedPercent(x) : x.toPrecision(3);
        return [g.rule, show(g.estimate), show(g.bound), g.status];
      }),
    );
  }
  const lat = analysis.latency;
  printTable(
    ['latency (ms)', 'p50', 'p95', 'p99'],
    (['control', 'treatment'] as const).map((arm) => [
      arm,
      lat[arm]?.p50.toFixed(0),
      lat[arm]?.p95.toFixed(0),
      lat[arm]?.p99.toFixed(0),
    ]),
  );
  if (analysis.failures.length > 0) {
    printTable(
      ['failure reason', 'control', 'treatment'],
      analysis.failures.map((f) => [f.reason, f.control, f.treatment]),
    );
  }
  process.stdout.write(`Decision: ${analysis.decision}\n`);
  for (const reason of analysis.reasons) process.stdout.write(`  - ${reason}\n`);
  for (const caveat of analysis.caveats) process.stdout.write(`Note: ${caveat}\n`);
};

const armsTable = (exp: Experiment, rollups: ArmRollups): void => {
  const minimum = exp.successCriteria.minimumDocumentsPerArm;
  printTable(
    ['arm', 'version', 'documents', 'succeeded', 'failed', `of ${minimum} needed`],
    (['control', 'treatment'] as const).map((arm) => {
      const r = rollups[arm];
      return [
        arm,
        exp[arm],
        r.documents,
        r.succeeded,
        r.failed,
        percent(Math.min(1, r.documents / minimum), 0),
      ];
    }),
  );
};

const printHistory = (entries: readonly HistoryEntry[]): void =>
  printTable(
    ['#', 'at', 'actor', 'action', 'change', 'reason', 'decision'],
    entries.map((e, i) =>
      e.kind === 'experiment'
        ? [i + 1, e.at, e.actor, e.action, `${e.before ?? '-'} -> ${e.after}`, e.reason, e.decision]
        : [
            i + 1,
            e.at,
            e.actor,
            `alias ${e.alias} move`,
            `${e.before ?? '-'} -> ${e.after}`,
            e.reason,
            null,
          ],
    ),
  );

const withActor = <T extends { option: (flags: string, description: string) => T }>(
  command: T,
): T => command.option('--actor <name>', 'who is acting, for the audit trail (default: $USER)');

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const registerExperiments = (program: Command): void => {
  const experiments = program
    .command('experiments')
    .description('A/B experiments between prompt versions: lifecycle, analysis, audit trail');

  withActor(
    withTargetOptions(
      experiments
        .command('create')
        .description('create a Draft experiment (control vs treatment prompt versions)')
        .requiredOption('--name <name>', 'human-readable name')
        .option('--id <id>', 'experiment id (default: derived from the name)')
        .requiredOption('--control <version>', 'control prompt version, e.g. 1.1.0')
        .requiredOption('--treatment <version>', 'treatment prompt version, e.g. 2.0.0')
        .option(
          '--preset <split>',
          `allocation preset: ${ALLOCATION_PRESET_NAMES.join(', ')} (default 50/50)`,
        )
        .option('--weights <c,t>', 'custom weights, control,treatment (e.g. 0.7,0.3)')
        .option('--coverage <share>', 'share of documents enrolled (0-1]', '1')
        .option(
          '--primary <metric>',
          `primary metric: ${PRIMARY_METRICS.join(', ')}`,
          'completeness',
        )
        .option('--mde <relative>', 'minimum detectable effect, relative (0.05 = 5%)', '0.05')
        .option('--alpha <alpha>', 'significance level', '0.05')
        .option('--min-docs <n>', 'documents per arm before any decision', '100')
        .option(
          '--guardrail <rule>',
          'metric:maxRelativeChange or metric:increase|decrease:limit (repeatable)',
          collect,
          [],
        )
        .option('--sequential', 'always-valid intervals: safe to read at any time')
        .option(
          '--expected-docs <n>',
          'N*: total documents at which a decision is expected',
          '5000',
        )
        .option('--seed <seed>', 'assignment seed (default: the id)')
        .option('--reason <text>', 'why, for the audit trail'),
    ),
  ).action(async (flags: CreateFlags) => {
    const actor = actorOf(flags);
    const input = inputFromFlags(flags);
    await withTarget(flags, async (target) => {
      const created = await repositoryFor(target).create(input, {
        actor,
        knownVersions: releasedVersions(),
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (flags.json) printJson(created);
      else {
        process.stdout.write(`Created experiment ${created.id} (Draft)\n`);
        printExperiment(created);
      }
    });
  });

  withActor(
    withTargetOptions(
      experiments
        .command('start')
        .description('Draft -> Running: documents are split between the arms from now on')
        .argument('<id>', 'experiment id')
        .option('--reason <text>', 'why, for the audit trail'),
    ),
  ).action(async (id: string, flags: ActorFlags) => {
    const actor = actorOf(flags);
    await withTarget(flags, async (target) => {
      const started = await repositoryFor(target).start(id, {
        actor,
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (flags.json) printJson(started);
      else
        process.stdout.write(
          `Started ${started.id} at ${started.startedAt}: ${started.control} (control) vs ${started.treatment} (treatment), ${allocationText(started)}\n`,
        );
    });
  });

  withTargetOptions(
    experiments
      .command('list')
      .description('experiments, newest first')
      .option('--status <status>', `only this status: ${EXPERIMENT_STATUSES.join(', ')}`),
  ).action(async (flags: TargetFlags & { status?: string }) => {
    const status =
      flags.status === undefined ? undefined : z.enum(EXPERIMENT_STATUSES).safeParse(flags.status);
    if (status && !status.success) {
      throw new UsageError(`--status must be one of ${EXPERIMENT_STATUSES.join(', ')}`);
    }
    await withTarget(flags, async (target) => {
      const list = await repositoryFor(target).list(status?.data);
      if (flags.json) printJson(list);
      else
        printTable(
          ['id', 'name', 'status', 'control', 'treatment', 'allocation', 'created', 'decision'],
          list.map((e) => [
            e.id,
            e.name,
            e.status,
            e.control,
            e.treatment,
            allocationText(e),
            e.createdAt,
            e.decision,
          ]),
        );
    });
  });

  withTargetOptions(
    experiments
      .command('status')
      .description('definition, state, and documents per arm so far')
      .argument('<id>', 'experiment id'),
  ).action(async (id: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      const repo = repositoryFor(target);
      const exp = await repo.require(id);
      const running = await repo.getRunning(exp.family);
      const rollups = exp.startedAt ? await readExperimentRollups(rollupSource(target), exp) : null;
      const srm = rollups
        ? srmCheck(
            [rollups.control.documents, rollups.treatment.documents],
            [exp.allocation.weights.control, exp.allocation.weights.treatment],
          )
        : null;
      if (flags.json) {
        printJson({
          experiment: exp,
          runningPointer: running?.experimentId === exp.id ? running : null,
          arms: rollups
            ? Object.fromEntries(
                (['control', 'treatment'] as const).map((arm) => [
                  arm,
                  {
                    version: exp[arm],
                    documents: rollups[arm].documents,
                    succeeded: rollups[arm].succeeded,
                    failed: rollups[arm].failed,
                  },
                ]),
              )
            : null,
          srm,
        });
        return;
      }
      printExperiment(exp);
      const serving =
        running?.experimentId === exp.id
          ? 'yes (the pipeline splits documents by this experiment)'
          : running
            ? `no (${running.experimentId} is running)`
            : 'no (no experiment is running)';
      process.stdout.write(`Serving traffic: ${serving}\n`);
      if (rollups && srm) {
        armsTable(exp, rollups);
        process.stdout.write(`Sample ratio check: ${srm.status} (p = ${srm.pValue.toFixed(4)})\n`);
      }
    });
  });

  withTargetOptions(
    experiments
      .command('analyze')
      .description('analyse the arms from the metric roll-ups: SRM, metrics, guardrails, decision')
      .argument('<id>', 'experiment id'),
  ).action(async (id: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      const exp = await repositoryFor(target).require(id);
      const { analysis } = await analyzeFromRollups(rollupSource(target), exp);
      if (flags.json) printJson({ experimentId: exp.id, status: exp.status, analysis });
      else printAnalysis(exp, analysis);
    });
  });

  withActor(
    withTargetOptions(
      experiments
        .command('complete')
        .description('Running -> Completed: stop splitting traffic and record the decision')
        .argument('<id>', 'experiment id')
        .option('--reason <text>', 'why, for the audit trail'),
    ),
  ).action(async (id: string, flags: ActorFlags) => {
    const actor = actorOf(flags);
    await withTarget(flags, async (target) => {
      const repo = repositoryFor(target);
      const exp = await repo.require(id);
      if (exp.status !== 'Running')
        throw new InvalidTransitionError(id, 'complete', exp.status, ['Running']);
      const { analysis } = await analyzeFromRollups(rollupSource(target), exp);
      const completed = await repo.complete(id, {
        actor,
        decision: analysis.decision,
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (flags.json) printJson({ experiment: completed, analysis });
      else {
        process.stdout.write(
          `Completed ${completed.id} at ${completed.completedAt}; the pipeline serves the production alias again.\n`,
        );
        process.stdout.write(`Decision at completion: ${analysis.decision}\n`);
        for (const reason of analysis.reasons) process.stdout.write(`  - ${reason}\n`);
      }
    });
  });

  withActor(
    withTargetOptions(
      experiments
        .command('promote')
        .description('Completed -> Promoted: move the production alias to the treatment')
        .argument('<id>', 'experiment id')
        .option('--force', "promote although the decision is not 'ship' (never when unhealthy)")
        .option('--reason <text>', 'why; required with --force'),
    ),
  ).action(async (id: string, flags: ActorFlags & { force?: boolean }) => {
    const actor = actorOf(flags);
    if (flags.force && !flags.reason?.trim()) throw new UsageError('--force needs --reason');
    await withTarget(flags, async (target) => {
      const repo = repositoryFor(target);
      const exp = await repo.require(id);
      if (exp.status !== 'Completed')
        throw new InvalidTransitionError(id, 'promote', exp.status, ['Completed']);
      const { analysis } = await analyzeFromRollups(rollupSource(target), exp);
      try {
        const { experiment, alias } = await repo.promote(id, {
          actor,
          decision: analysis.decision,
          force: flags.force === true,
          ...(flags.reason ? { reason: flags.reason } : {}),
        });
        if (flags.json) printJson({ experiment, alias, decision: analysis.decision });
        else
          process.stdout.write(
            `Promoted ${experiment.id} (decision ${analysis.decision}${flags.force && analysis.decision !== 'ship' ? ', forced' : ''}): ` +
              `alias ${alias.alias} ${alias.before ?? '-'} -> ${alias.after}\n`,
          );
      } catch (error) {
        if (!(error instanceof PromotionRefusedError)) throw error;
        if (flags.json)
          printJson({
            refused: error.message,
            decision: analysis.decision,
            reasons: analysis.reasons,
          });
        else {
          process.stderr.write(`medextract: ${error.message}\n`);
          for (const reason of analysis.reasons) process.stderr.write(`  - ${reason}\n`);
          if (analysis.decision !== 'unhealthy') {
            process.stderr.write('To promote anyway, record why: --force --reason "<why>"\n');
          }
        }
        process.exitCode = 1;
      }
    });
  });

  withActor(
    withTargetOptions(
      experiments
        .command('abort')
        .description('Draft or Running -> Aborted: stop without promoting')
        .argument('<id>', 'experiment id')
        .requiredOption('--reason <text>', 'why (required)'),
    ),
  ).action(async (id: string, flags: ActorFlags) => {
    const actor = actorOf(flags);
    await withTarget(flags, async (target) => {
      const aborted = await repositoryFor(target).abort(id, { actor, reason: flags.reason ?? '' });
      if (flags.json) printJson(aborted);
      else process.stdout.write(`Aborted ${aborted.id} at ${aborted.abortedAt}\n`);
    });
  });

  withTargetOptions(
    experiments
      .command('history')
      .description('the audit trail: every transition and the alias moves it caused, in order')
      .argument('<id>', 'experiment id'),
  ).action(async (id: string, flags: TargetFlags) => {
    await withTarget(flags, async (target) => {
      const entries = await repositoryFor(target).history(id);
      if (flags.json) printJson(entries);
      else printHistory(entries);
    });
  });
};
