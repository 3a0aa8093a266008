/**
 * `medextract experiments ...`: parses the flags of create, start, list,
 * status, analyze, complete, promote, abort and history, calls the experiment
 * use cases and prints their results. Exit 2 for usage errors and refused
 * transitions, 1 when the analysis refuses a promotion.
 */
import type { Command } from 'commander';
import * as z from 'zod';
import { PRIMARY_METRICS } from '#core/experiments/criteria.ts';
import { ALLOCATION_PRESET_NAMES, EXPERIMENT_STATUSES } from '#core/experiments/lifecycle.ts';
import {
  abortExperiment,
  analyzeExperimentById,
  completeExperiment,
  createExperiment,
  experimentHistory,
  experimentStatus,
  listExperiments,
  promoteExperiment,
  startExperiment,
} from '#services/experiments.ts';
import {
  printJson,
  printTable,
  type TargetFlags,
  UsageError,
  withTargetOptions,
} from '../output.ts';
import { withTarget } from '../target.ts';
import { type ActorFlags, actorOf, withActor } from './actor.ts';
import { type CreateFlags, inputFromFlags } from './experiment-flags.ts';
import {
  allocationText,
  armsTable,
  printAnalysis,
  printExperiment,
  printHistory,
} from './experiment-print.ts';

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
      const created = await createExperiment(target, input, {
        actor,
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
      const started = await startExperiment(target, id, {
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
      const list = await listExperiments(target, status?.data);
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
      const report = await experimentStatus(target, id);
      const { experiment: exp, running, rollups, srm } = report;
      if (flags.json) {
        printJson({
          experiment: exp,
          runningPointer: report.serving === 'this' ? running : null,
          arms: report.arms,
          srm,
        });
        return;
      }
      printExperiment(exp);
      const serving =
        report.serving === 'this'
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
      const { experiment: exp, analysis } = await analyzeExperimentById(target, id);
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
      const { experiment: completed, analysis } = await completeExperiment(target, id, {
        actor,
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
      const result = await promoteExperiment(target, id, {
        actor,
        force: flags.force === true,
        ...(flags.reason ? { reason: flags.reason } : {}),
      });
      if (result.outcome === 'promoted') {
        const { experiment, alias, decision } = result;
        if (flags.json) printJson({ experiment, alias, decision });
        else
          process.stdout.write(
            `Promoted ${experiment.id} (decision ${decision}${result.forced ? ', forced' : ''}): ` +
              `alias ${alias.alias} ${alias.before ?? '-'} -> ${alias.after}\n`,
          );
        return;
      }
      if (flags.json)
        printJson({ refused: result.message, decision: result.decision, reasons: result.reasons });
      else {
        process.stderr.write(`medextract: ${result.message}\n`);
        for (const reason of result.reasons) process.stderr.write(`  - ${reason}\n`);
        if (result.decision !== 'unhealthy') {
          process.stderr.write('To promote anyway, record why: --force --reason "<why>"\n');
        }
      }
      process.exitCode = 1;
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
      const aborted = await abortExperiment(target, id, { actor, reason: flags.reason ?? '' });
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
      const entries = await experimentHistory(target, id);
      if (flags.json) printJson(entries);
      else printHistory(entries);
    });
  });
};
