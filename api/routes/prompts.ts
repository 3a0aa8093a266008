/**
 * Prompt routes: bundled versions (list, show with schema and metadata, diff
 * including the texts) and the production alias (show, audited move, audit).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { defaultCatalog } from '#services/context.ts';
import { diffPromptTexts } from '#services/prompt-text-diff.ts';
import {
  diffPrompts,
  listPrompts,
  requirePrompt,
  setAlias,
  showAlias,
  showPrompt,
} from '#services/prompts.ts';
import { type ApiDeps, json, jsonBody } from '../deps.ts';
import { problemResponses } from '../problem.ts';
import {
  AliasMoveSchema,
  AliasStateSchema,
  bareVersion,
  MoveAliasBodySchema,
  PromptDetailsSchema,
  PromptDiffSchema,
  PromptListSchema,
  VersionParam,
} from '../schemas.ts';

const tags = ['prompts'];

export const promptRoutes = (deps: ApiDeps) => {
  const catalog = deps.catalog ?? defaultCatalog();
  const app = new OpenAPIHono();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/versions',
      tags,
      summary: 'List the bundled prompt versions',
      responses: {
        200: json(PromptListSchema, 'Every bundled version, oldest first'),
        ...problemResponses(),
      },
    }),
    (c) => c.json({ versions: listPrompts(catalog) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/versions/{version}',
      tags,
      summary: 'One version with its metadata and output schema',
      request: { params: z.object({ version: VersionParam }) },
      responses: {
        200: json(PromptDetailsSchema, 'The version'),
        ...problemResponses(400, 404),
      },
    }),
    (c) => {
      const version = bareVersion(c.req.valid('param').version);
      const details = showPrompt(version, catalog);
      return c.json({ ...details, outputSchema: requirePrompt(version, catalog).schema }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/diff/{from}/{to}',
      tags,
      summary: 'What changed between two versions: schema, metadata and the prompt texts',
      request: { params: z.object({ from: VersionParam, to: VersionParam }) },
      responses: { 200: json(PromptDiffSchema, 'The diff'), ...problemResponses(400, 404) },
    }),
    (c) => {
      const { from, to } = c.req.valid('param');
      const [a, b] = [bareVersion(from), bareVersion(to)];
      const diff = diffPrompts(a, b, catalog);
      const text = diffPromptTexts(a, b, catalog);
      return c.json(
        { ...diff, text: { system: text.system, userTemplate: text.userTemplate } },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/aliases/production',
      tags,
      summary: 'The version the production alias names, and every move of it',
      responses: {
        200: json(AliasStateSchema, 'The alias and its audit trail'),
        ...problemResponses(),
      },
    }),
    async (c) => c.json(await showAlias(deps.ctx), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/aliases/production',
      tags,
      summary: 'Move the production alias to a released version, with a reason (audited)',
      request: { body: jsonBody(MoveAliasBodySchema) },
      responses: {
        200: json(AliasMoveSchema, 'The audit entry of the move'),
        ...problemResponses(400, 404, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const move = await setAlias(
        deps.ctx,
        {
          version: bareVersion(body.version),
          reason: body.reason,
          actor: body.actor ?? deps.callerOf(c),
        },
        catalog,
      );
      return c.json(move, 200);
    },
  );

  return app;
};
