/**
 * Item keys and shapes of the experiments table that the pipeline reads:
 * the `production` alias and the running-experiment pointer (one per prompt
 * family, holding a snapshot of the allocation so selection needs one read).
 */
import * as z from 'zod/mini';

export const PROMPT_FAMILY = 'medical-record';
export const PRODUCTION_ALIAS = 'production';

const semver = z.string().check(z.regex(/^\d+\.\d+\.\d+$/));

export const aliasKey = (family: string, alias: string = PRODUCTION_ALIAS) => ({
  pk: `ALIAS#${family}#${alias}`,
  sk: 'CURRENT',
});

export const runningKey = (family: string) => ({ pk: `RUNNING#${family}`, sk: 'CURRENT' });

export const AliasItemSchema = z.object({
  version: semver,
  updatedAt: z.string(),
});
export type AliasItem = z.infer<typeof AliasItemSchema>;

export const RunningItemSchema = z.object({
  experimentId: z.string().check(z.minLength(1)),
  seed: z.string().check(z.minLength(1)),
  control: semver,
  treatment: semver,
  weights: z.tuple([z.number(), z.number()]),
  coverage: z.number().check(z.gte(0), z.lte(1)),
});
export type RunningItem = z.infer<typeof RunningItemSchema>;
