/**
 * The extraction-reuse table's grants and switch (ADR 40): with reuse on,
 * select-variant may only GetItem it and record-result may only PutItem it;
 * a stage that opts out gets the switch off and no grant on the table at all.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configFor } from '#infra/config.ts';
import { addPipeline, createApp } from '#infra/medextract-app.ts';
import {
  arnOf,
  logicalId,
  resourceById,
  type Synthesised,
  statementsOf,
  synthStage,
  TEST_APP_PROPS,
} from './synth.ts';

const optedOut = (): Synthesised => {
  const dev = configFor('dev');
  const app = createApp(TEST_APP_PROPS);
  const stack = addPipeline(app, {
    ...dev,
    documents: { ...dev.documents, reuseIdenticalDocuments: false },
  });
  return { app, stack, template: Template.fromStack(stack) };
};

const reuseGrants = (synth: Synthesised) => {
  const { stack } = synth;
  const table = arnOf(stack, stack.storage.reuse);
  const onTable = (role: Parameters<typeof statementsOf>[1]) =>
    statementsOf(synth, role)
      .filter((st) => JSON.stringify(st.resources).includes(JSON.stringify(table)))
      .flatMap((st) => st.actions);
  const fns = stack.workflow.functions;
  return {
    selectVariant: onTable(fns.selectVariant.role),
    recordResult: onTable(fns.recordResult.role),
    others: [fns.loadDocument, fns.invokeModel, fns.score, fns.recordFailure].flatMap((fn) =>
      onTable(fn.role),
    ),
  };
};

const switchOf = (synth: Synthesised, fn: { function: Parameters<typeof logicalId>[1] }) => {
  const resource = resourceById(synth.template, logicalId(synth.stack, fn.function));
  return (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables
    .REUSE_IDENTICAL_DOCUMENTS;
};

describe('extraction reuse in the stack', () => {
  it('is on by default: a consistent lookup for select-variant, the first write for record-result', () => {
    // Prepare
    const prod = synthStage('prod');

    // Act
    const grants = reuseGrants(prod);

    // Assess
    expect(grants.selectVariant).toEqual(['dynamodb:GetItem']);
    expect(grants.recordResult).toEqual(['dynamodb:PutItem']);
    expect(grants.others).toEqual([]);
    expect(switchOf(prod, prod.stack.workflow.functions.selectVariant)).toBe('true');
    expect(switchOf(prod, prod.stack.workflow.functions.recordResult)).toBe('true');
  });

  it('a stage that opts out switches it off and grants nothing on the table', () => {
    // Prepare
    const stage = optedOut();

    // Act
    const grants = reuseGrants(stage);

    // Assess
    expect(grants).toEqual({ selectVariant: [], recordResult: [], others: [] });
    expect(switchOf(stage, stage.stack.workflow.functions.selectVariant)).toBe('false');
    expect(switchOf(stage, stage.stack.workflow.functions.recordResult)).toBe('false');
  });
});
