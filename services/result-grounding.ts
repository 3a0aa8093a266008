/**
 * Reads the grounding a result JSON carries beside its fields (evidence,
 * confidence and review; ADR 28), or null for results recorded without it.
 */
import { readJson } from '#adapters/s3-json.ts';
import { type Grounding, GroundingSchema } from '#contracts/evidence.ts';
import type { ServiceContext } from './context.ts';

export const readResultGrounding = async (
  ctx: ServiceContext,
  resultUri: string,
): Promise<Grounding | null> => {
  const result: unknown = await readJson(ctx.clients.s3, resultUri).catch(() => null);
  const parsed = GroundingSchema.safeParse(result);
  return parsed.success ? parsed.data : null;
};
