/**
 * Experiment routes: create, list, get, start, status, analyze (optionally
 * sequential), complete, promote (with force and reason), abort, history and
 * per-arm metrics, each one call to the experiment use cases.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { defaultCatalog, rollupsOf } from '#services/context.ts';
import { analyzeFromRollups, readExperimentRollups } from '#services/experiment-analysis.ts';
import {
  abortExperiment,
  completeExperiment,
  createExperiment,
  experimentHistory,
  experimentStatus,
  getExperiment,
  listExperiments,
  promoteExperiment,
  startExperiment,
} from '#services/experiments.ts';
import { summarise } from '#services/metrics.ts';
import { type ApiDeps, json, jsonBody } from '../deps.ts';
import { ProblemError, problemOf, problemResponses } from '../problem.ts';
import {
  AbortBodySchema,
  ActorBodySchema,
  AnalysedExperimentSchema,
  AnalyzeQuery,
  ArmMetricsSchema,
  CreateExperimentBodySchema,
  ExperimentListQuery,
  ExperimentListSchema,
  ExperimentSchema,
  ExperimentStatusSchema,
  HistorySchema,
  PromoteBodySchema,
  PromotedSchema,
} from '../schemas.ts';
import { experimentInputOf } from './experiment-input.ts';

const tags = ['experiments'];
const IdParam = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'an experiment id'),
});
const transition = (summary: string, body: typeof ActorBodySchema | typeof AbortBodySchema) =>
  ({
    method: 'post',
    tags,
    summary,
    request: { params: IdParam, body: { ...jsonBody(body), required: false } },
  }) as const;

export const experimentRoutes = (deps: ApiDeps) => {
  const catalog = deps.catalog ?? defaultCatalog();
  const { ctx } = deps;
  const app = new OpenAPIHono();
  const who = (c: Context, body: { actor?: string | undefined; reason?: string | undefined }) => ({
    actor: body.actor ?? deps.callerOf(c),
    ...(body.reason ? { reason: body.reason } : {}),
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Create a Draft experiment (presets 50/50, 80/20, 95/5, or weights and coverage)',
      request: { body: jsonBody(CreateExperimentBodySchema) },
      responses: {
        201: json(ExperimentSchema, 'The Draft experiment'),
        ...problemResponses(400, 409, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createExperiment(ctx, experimentInputOf(body), who(c, body), catalog);
      return c.json(created, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Experiments, newest first, optionally of one status',
      request: { query: ExperimentListQuery },
      responses: { 200: json(ExperimentListSchema, 'The experiments'), ...problemResponses(400) },
    }),
    async (c) =>
      c.json({ experiments: await listExperiments(ctx, c.req.valid('query').status) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One experiment',
      request: { params: IdParam },
      responses: { 200: json(ExperimentSchema, 'The experiment'), ...problemResponses(400, 404) },
    }),
    async (c) => c.json(await getExperiment(ctx, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      ...transition(
        'Draft -> Running: documents are split between the arms from now on',
        ActorBodySchema,
      ),
      path: '/{id}/start',
      responses: {
        200: json(ExperimentSchema, 'The running experiment'),
        ...problemResponses(400, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json') ?? {};
      return c.json(await startExperiment(ctx, c.req.valid('param').id, who(c, body)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/status',
      tags,
      summary: 'State, whether it serves traffic, documents per arm and the sample-ratio check',
      request: { params: IdParam },
      responses: {
        200: json(ExperimentStatusSchema, 'The status'),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const report = await experimentStatus(ctx, c.req.valid('param').id);
      return c.json(
        {
          experiment: report.experiment,
          serving: report.serving,
          runningExperimentId: report.running?.experimentId ?? null,
          arms: report.arms,
          srm: report.srm,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/analysis',
      tags,
      summary: 'The analysis of both arms; `sequential=true` reads it with always-valid intervals',
      request: { params: IdParam, query: AnalyzeQuery },
      responses: {
        200: json(AnalysedExperimentSchema, 'The analysis'),
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) => {
      const experiment = await getExperiment(ctx, c.req.valid('param').id);
      const { sequential } = c.req.valid('query');
      const read =
        sequential === undefined
          ? experiment
          : { ...experiment, sequential: sequential === 'true' };
      const { analysis } = await analyzeFromRollups(rollupsOf(ctx), read);
      return c.json({ experiment, analysis }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...transition('Running -> Completed, recording the decision', ActorBodySchema),
      path: '/{id}/complete',
      responses: {
        200: json(AnalysedExperimentSchema, 'The completed experiment and its analysis'),
        ...problemResponses(400, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json') ?? {};
      const done = await completeExperiment(ctx, c.req.valid('param').id, who(c, body));
      return c.json({ experiment: done.experiment, analysis: done.analysis }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/promote',
      tags,
      summary: 'Completed -> Promoted: moves the production alias to the treatment',
      request: { params: IdParam, body: { ...jsonBody(PromoteBodySchema), required: false } },
      responses: {
        200: json(PromotedSchema, 'The promotion and the alias move'),
        ...problemResponses(400, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json') ?? {};
      const outcome = await promoteExperiment(ctx, c.req.valid('param').id, {
        ...who(c, body),
        ...(body.force ? { force: true } : {}),
      });
      if (outcome.outcome === 'refused') {
        throw new ProblemError(
          problemOf(
            409,
            'PROMOTION_REFUSED',
            `${outcome.message} (decision ${outcome.decision}; force with a reason to override)`,
            outcome.reasons.map((message) => ({ field: 'decision', message })),
          ),
        );
      }
      return c.json(outcome, 200);
    },
  );

  app.openapi(
    createRoute({
      ...transition('Draft or Running -> Aborted; a reason is required', AbortBodySchema),
      path: '/{id}/abort',
      request: { params: IdParam, body: jsonBody(AbortBodySchema) },
      responses: {
        200: json(ExperimentSchema, 'The aborted experiment'),
        ...problemResponses(400, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const aborted = await abortExperiment(ctx, c.req.valid('param').id, {
        actor: body.actor ?? deps.callerOf(c),
        reason: body.reason,
      });
      return c.json(aborted, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/history',
      tags,
      summary: 'The audit trail: every transition and the alias moves it caused',
      request: { params: IdParam },
      responses: { 200: json(HistorySchema, 'The history'), ...problemResponses(400, 404) },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      await getExperiment(ctx, id);
      const entries = await experimentHistory(ctx, id);
      return c.json({ entries: entries.map((e) => ({ ...e })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/metrics',
      tags,
      summary: 'Metrics per arm since the experiment started (null before it started)',
      request: { params: IdParam },
      responses: { 200: json(ArmMetricsSchema, 'Per-arm readouts'), ...problemResponses(400, 404) },
    }),
    async (c) => {
      const experiment = await getExperiment(ctx, c.req.valid('param').id);
      if (!experiment.startedAt) {
        return c.json(
          { experimentId: experiment.id, since: null, control: null, treatment: null },
          200,
        );
      }
      const rollups = await readExperimentRollups(rollupsOf(ctx), experiment);
      return c.json(
        {
          experimentId: experiment.id,
          since: experiment.startedAt,
          control: summarise(experiment.control, rollups.control),
          treatment: summarise(experiment.treatment, rollups.treatment),
        },
        200,
      );
    },
  );

  return app;
};
