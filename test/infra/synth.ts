/**
 * Test helper: synthesises one stage without bundling (esbuild is skipped
 * through the `aws:cdk:bundling-stacks` context) or the built-in
 * CloudFormation validation, once per worker (the shared-modules project keeps
 * its module cache across files), and
 * offers small lookups over the template by construct rather than by counts.
 */
import { type App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import * as z from 'zod';
import { configFor, type Stage } from '#infra/config.ts';
import { addPipeline, createApp } from '#infra/medextract-app.ts';
import type { PipelineStack } from '#infra/stacks/pipeline-stack.ts';

/** Context that skips esbuild for every stack. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/**
 * Props of a test app: no esbuild, and no built-in CloudFormation validation.
 * That validation (aws-cdk-lib's wasm engine, on by default in `app.synth()`
 * and `Template.fromStack`) turns every error it finds into a warning unless
 * `@aws-cdk/core:validateAgainstDefaultRules` is set, which this app does not
 * set (and may not edit the templates), so it decides nothing a test asserts; it costs about 10 s
 * of CPU to start and several seconds per stage. The policy gate's packs are
 * registered validation plugins and still run where a test adds them.
 */
export const TEST_APP_PROPS = {
  context: NO_BUNDLING,
  builtinCloudFormationValidation: false,
} as const;

export interface Synthesised {
  readonly app: App;
  readonly stack: PipelineStack;
  readonly template: Template;
}

const built = new Map<Stage, { app: App; stack: PipelineStack }>();
const cache = new Map<Stage, Synthesised>();

/**
 * The stage's app and stack (enough for cdk-nag's validateScope, which only
 * reads the tree), cached per worker: the policy gate's read-only checks and
 * the template tests share one build of each stage, synthesised or not.
 */
export const buildStage = (stage: Stage): { app: App; stack: PipelineStack } => {
  const cached = built.get(stage);
  if (cached) return cached;
  const app = createApp(TEST_APP_PROPS);
  const entry = { app, stack: addPipeline(app, configFor(stage)) };
  built.set(stage, entry);
  return entry;
};

/** The stage's app, stack and template (no policy gate, no bundling), cached per worker. */
export const synthStage = (stage: Stage): Synthesised => {
  const cached = cache.get(stage);
  if (cached) return cached;
  const { app, stack } = buildStage(stage);
  const synthesised = { app, stack, template: Template.fromStack(stack) };
  cache.set(stage, synthesised);
  return synthesised;
};

/** Logical id of a construct's CloudFormation resource. */
export const logicalId = (stack: PipelineStack, construct: IConstruct): string => {
  const resource = construct.node.defaultChild ?? construct;
  if (!(resource instanceof CfnElement)) throw new Error(`${construct.node.path} is no resource`);
  return z.string().parse(stack.resolve(resource.logicalId));
};

const ResourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).default({}),
  DeletionPolicy: z.string().optional(),
  UpdateReplacePolicy: z.string().optional(),
  DependsOn: z.union([z.string(), z.array(z.string())]).optional(),
});
export type TemplateResource = z.infer<typeof ResourceSchema>;

/** Every resource of the template, by logical id. */
export const resourcesOf = (template: Template): Record<string, TemplateResource> =>
  z.record(z.string(), ResourceSchema).parse(template.toJSON().Resources);

/** Resources of one CloudFormation type, by logical id. */
export const resourcesOfType = (template: Template, type: string): [string, TemplateResource][] =>
  Object.entries(resourcesOf(template)).filter(([, resource]) => resource.Type === type);

/** One resource by logical id; throws when absent. */
export const resourceById = (template: Template, id: string): TemplateResource => {
  const resource = resourcesOf(template)[id];
  if (resource === undefined) throw new Error(`No resource ${id}`);
  return resource;
};

/** A policy statement as it appears in the template, with arrays normalised. */
export interface Statement {
  readonly sid: string | undefined;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
  readonly principal: unknown;
  readonly condition: unknown;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Statements of the inline DefaultPolicy attached to `role`. */
export const statementsOf = (synth: Synthesised, role: iam.IRole): Statement[] => {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) throw new Error(`${role.node.path} has no DefaultPolicy`);
  const resource = resourceById(synth.template, logicalId(synth.stack, policy));
  return statementsIn(resource.Properties.PolicyDocument);
};

const StatementSchema = z.object({
  Sid: z.string().optional(),
  Effect: z.string(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Principal: z.unknown().optional(),
  Condition: z.unknown().optional(),
});

/** Statements of a policy document (identity or resource policy). */
export const statementsIn = (document: unknown): Statement[] =>
  z
    .object({ Statement: z.array(StatementSchema) })
    .parse(document)
    .Statement.map((st) => ({
      sid: st.Sid,
      effect: st.Effect,
      actions: asArray(st.Action).map(String),
      resources: asArray(st.Resource),
      principal: st.Principal,
      condition: st.Condition,
    }));

/** Every action granted in the statements, sorted and deduplicated. */
export const actionsOf = (statements: readonly Statement[]): string[] =>
  [...new Set(statements.flatMap((st) => st.actions))].sort();

/** `{ 'Fn::GetAtt': [id, 'Arn'] }` for a construct. */
export const arnOf = (stack: PipelineStack, construct: IConstruct): unknown => ({
  'Fn::GetAtt': [logicalId(stack, construct), 'Arn'],
});
