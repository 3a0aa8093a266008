/**
 * `--stage` and `--region` for a deployed stage: the stage must be one the
 * CDK app defines, and the region defaults to the one its config deploys to.
 */
import { UsageError } from './output.ts';

export interface StageChoice {
  readonly stage: string;
  readonly region: string;
}

/** Checks a stage name against a list and fills in its region (pure). */
export const chooseStage = (
  stage: string,
  region: string | undefined,
  stages: readonly string[],
  regionOf: (stage: string) => string,
): StageChoice => {
  if (!stages.includes(stage)) {
    throw new UsageError(
      `--stage must be one of ${stages.join(', ')} (or omitted for the local stack); got '${stage}'`,
    );
  }
  return { stage, region: region ?? regionOf(stage) };
};

/** The stage and region a command targets, from the CDK app's stage configs. */
export const resolveStage = async (stage: string, region?: string): Promise<StageChoice> => {
  // Loaded only for deployed stages: the stage configs pull in the CDK library.
  const { STAGES, configFor, parseStage } = await import('#infra/config.ts');
  return chooseStage(stage, region, STAGES, (name) => configFor(parseStage(name)).region);
};
