/**
 * The create-experiment body (the original product's snake_case fields) read
 * as the use case's experiment definition, with the same defaults as
 * `medextract experiments create`.
 */
import type { z } from '@hono/zod-openapi';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import type { Guardrail } from '#core/experiments/criteria.ts';
import type { ExperimentInput } from '#core/experiments/lifecycle.ts';
import { InvalidInputError } from '#services/errors.ts';
import { idFromName } from '#services/experiment-ids.ts';
import { bareVersion, type CreateExperimentBodySchema } from '../schemas.ts';

type CreateBody = z.infer<typeof CreateExperimentBodySchema>;

const guardrailOf = (g: NonNullable<CreateBody['guardrails']>[number]): Guardrail =>
  'max_relative_change' in g
    ? { metric: g.metric, maxRelativeChange: g.max_relative_change }
    : { metric: g.metric, direction: g.direction, limit: g.limit };

export const experimentInputOf = (body: CreateBody): ExperimentInput => {
  const id = body.id ?? idFromName(body.name);
  if (id === '') {
    throw new InvalidInputError(
      'INVALID_NAME',
      'the name has no letters or digits; pass an id',
      'id',
    );
  }
  const coverage = body.coverage ?? 1;
  return {
    id,
    name: body.name,
    family: PROMPT_FAMILY,
    control: bareVersion(body.control_version),
    treatment: bareVersion(body.treatment_version),
    allocation: body.weights
      ? { weights: body.weights, coverage }
      : { preset: body.traffic_allocation ?? '50/50', coverage },
    ...(body.seed ? { seed: body.seed } : {}),
    successCriteria: {
      primaryMetric: body.primary_metric ?? 'completeness',
      minimumDetectableEffect: body.minimum_detectable_effect ?? 0.05,
      alpha: body.alpha ?? 0.05,
      minimumDocumentsPerArm: body.minimum_documents_per_arm ?? 100,
      guardrails: (body.guardrails ?? []).map(guardrailOf),
    },
    sequential: body.sequential === true,
    expectedTotalDocuments: body.expected_total_documents ?? 5000,
  };
};
