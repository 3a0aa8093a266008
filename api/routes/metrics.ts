/**
 * Metrics routes: readouts over all versions and per version, the hourly
 * series of a version, and the comparison of two versions, from the
 * aggregator's roll-ups.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { defaultCatalog } from '#services/context.ts';
import { metricsSince } from '#services/metrics.ts';
import { compareVersions } from '#services/metrics-compare.ts';
import { hourlySeries } from '#services/metrics-series.ts';
import { parseSinceText } from '#services/time-window.ts';
import { type ApiDeps, json, jsonBody } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import {
  bareVersion,
  CompareBodySchema,
  ComparisonSchema,
  HourlySeriesSchema,
  MetricsReportSchema,
  SinceQuery,
  VersionMetricsReportSchema,
  VersionParam,
} from '../schemas.ts';

const tags = ['metrics'];
const sinceOf = (text: string | undefined) => parseSinceText(text ?? '24h');

export const metricsRoutes = (deps: ApiDeps) => {
  const catalog = deps.catalog ?? defaultCatalog();
  const app = new OpenAPIHono();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/prompts',
      tags,
      summary: 'Every version with documents in the window, and all documents',
      request: { query: SinceQuery },
      responses: { 200: json(MetricsReportSchema, 'The readout'), ...problemResponses(400) },
    }),
    async (c) =>
      c.json(
        await metricsSince(deps.ctx, { since: sinceOf(c.req.valid('query').since) }, catalog),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/prompts/{version}',
      tags,
      summary:
        'One version: documents, success and failures by reason, completeness, cost, tokens, latency',
      request: { params: z.object({ version: VersionParam }), query: SinceQuery },
      responses: {
        200: json(VersionMetricsReportSchema, 'The readout of the version'),
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const version = bareVersion(c.req.valid('param').version);
      const since = sinceOf(c.req.valid('query').since);
      const report = await metricsSince(deps.ctx, { since, version }, catalog);
      const [metrics] = report.versions;
      if (!metrics) throw new Error('metricsSince returned no row for a named version');
      return c.json({ since: report.since, metrics }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/prompts/{version}/hourly',
      tags,
      summary: 'One version per hour (hours with documents only), oldest first',
      request: { params: z.object({ version: VersionParam }), query: SinceQuery },
      responses: { 200: json(HourlySeriesSchema, 'The series'), ...problemResponses(400) },
    }),
    async (c) => {
      const version = bareVersion(c.req.valid('param').version);
      const since = sinceOf(c.req.valid('query').since);
      return c.json(await hourlySeries(deps.ctx, { version, since }, catalog), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/compare',
      tags,
      summary: 'Two versions side by side over the same window, with the change of each metric',
      request: { body: jsonBody(CompareBodySchema) },
      responses: {
        200: json(ComparisonSchema, 'The comparison'),
        ...problemResponses(400, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const comparison = await compareVersions(
        deps.ctx,
        {
          control: bareVersion(body.control_version),
          treatment: bareVersion(body.treatment_version),
          since: sinceOf(body.since),
        },
        catalog,
      );
      return c.json(comparison, 200);
    },
  );

  return app;
};
