/**
 * Evaluation use cases: run a labelled dataset through the pipeline under one
 * prompt version and score every result against its truth, or run it under
 * two versions and compare them with a paired bootstrap.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  AliasItemSchema,
  aliasKey,
  PROMPT_FAMILY,
  runningKey,
} from '#contracts/experiments-items.ts';
import { labelValues } from '#core/evaluation/calibration.ts';
import { evaluateDocument } from '#core/evaluation/index.ts';
import {
  buildEvalRun,
  type Comparison,
  compareRuns,
  documentTypeOf,
  type EvalRun,
  type EvaluatedDocument,
} from '#core/evaluation/report.ts';
import type { PromptVersion } from '#core/prompts/types.ts';
import type { PromptCatalog, ServiceContext } from './context.ts';
import { type GroundedResult, groundingOf, withGrounding } from './evaluation-grounding.ts';
import { processFiles } from './process-documents.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './service-error.ts';

/** One labelled document of a dataset: a PDF and its ground truth. */
export interface DatasetDocument {
  readonly id: string;
  readonly pdfPath: string;
  readonly truth: Record<string, unknown>;
}

/** A version of the catalog from `2.0.0` or `v2.0.0`. */
export const resolveVersion = (catalog: PromptCatalog, wanted: string): PromptVersion => {
  const version = wanted.replace(/^v/, '');
  if (!catalog.versions().includes(version)) {
    throw new NotFoundError(
      'UNKNOWN_PROMPT_VERSION',
      `unknown prompt version ${wanted}; known: ${catalog.versions().join(', ')}`,
      'version',
    );
  }
  return catalog.get(version);
};

/**
 * Points the `production` alias of the context's experiments table at a
 * version. Only for a throwaway local stack: a deployed alias moves through
 * the audited alias use case.
 */
export const setProductionAlias = async (ctx: ServiceContext, version: string): Promise<void> => {
  await ctx.clients.dynamodb.send(
    new PutCommand({
      TableName: ctx.tables.experiments,
      Item: { ...aliasKey(PROMPT_FAMILY), version, updatedAt: new Date().toISOString() },
    }),
  );
};

/**
 * On a stage whose alias is not moved: refuses before anything is uploaded
 * when a running experiment would split the documents between versions, or
 * the `production` alias names another version. (Without an alias item the
 * stage falls back to its default version, which only the results reveal.)
 */
export const checkStageResolves = async (ctx: ServiceContext, version: string): Promise<void> => {
  const read = (key: { pk: string; sk: string }) =>
    ctx.clients.dynamodb.send(
      new GetCommand({ TableName: ctx.tables.experiments, Key: key, ConsistentRead: true }),
    );
  const [alias, running] = await Promise.all([
    read(aliasKey(PROMPT_FAMILY)),
    read(runningKey(PROMPT_FAMILY)),
  ]);
  if (running.Item !== undefined) {
    throw new ConflictError(
      'EXPERIMENT_RUNNING',
      'an experiment is running on this stage, so documents may get another version; evaluate without --stage',
    );
  }
  const current = AliasItemSchema.safeParse(alias.Item);
  if (current.success && current.data.version !== version) {
    throw new ConflictError(
      'ALIAS_NAMES_OTHER_VERSION',
      `the stage's production alias names ${current.data.version}, not ${version}; evaluate without --stage`,
    );
  }
};

/**
 * Scores one pipeline result; a failed document is scored as predicting
 * nothing (all FN) and has no calibration labels.
 */
export const scoreResult = (
  version: PromptVersion,
  document: DatasetDocument,
  result: GroundedResult,
): EvaluatedDocument => {
  const predicted = result.status === 'SUCCEEDED' ? result.fields : null;
  const grounding = predicted === null ? null : (result.calibrationMaps ?? groundingOf(result));
  return {
    id: document.id,
    type: documentTypeOf(document.id, document.truth),
    status: result.status,
    outcome: result.outcome,
    reason: result.status === 'FAILED' ? (result.reason ?? 'UNKNOWN') : null,
    evaluation: evaluateDocument(version.metadata.fields, document.truth, predicted),
    calibration:
      grounding === null
        ? null
        : labelValues({
            fields: version.metadata.fields,
            truth: document.truth,
            predicted,
            confidence: grounding.confidence,
            evidence: grounding.evidence,
          }),
  };
};

/** How one version is run over the dataset. */
export interface RunVersionOptions {
  /** Inserted after `incoming/`, so each run gets its own keys and document ids. */
  readonly keyPrefix: string;
  /** Move the context's `production` alias to the version first (throwaway stacks only). */
  readonly moveAlias: boolean;
  readonly timeoutMs: number;
  /** Documents in flight at once (default: all). */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every dataset document through the pipeline under one version and
 * scores the results. A document extracted with another version is a
 * conflict: the run would not measure the version asked for.
 */
export const runVersion = async (
  ctx: ServiceContext,
  dataset: readonly DatasetDocument[],
  version: PromptVersion,
  options: RunVersionOptions,
): Promise<EvalRun> => {
  if (options.moveAlias) await setProductionAlias(ctx, version.version);
  const processed = await processFiles(
    ctx,
    dataset.map((document) => ({ path: document.pdfPath })),
    {
      timeoutMs: options.timeoutMs,
      keyPrefix: options.keyPrefix,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.onProgress
        ? { onProgress: (done: number, total: number) => options.onProgress?.(done, total) }
        : {}),
    },
  );
  const results = await Promise.all(processed.map((result) => withGrounding(ctx, result)));
  const other = results.filter(
    (result) => result.promptVersion !== null && result.promptVersion !== version.version,
  );
  if (other.length > 0) {
    const seen = [...new Set(other.map((result) => result.promptVersion))].join(', ');
    throw new ConflictError(
      'PROMPT_VERSION_MISMATCH',
      `${other.length} documents were extracted with prompt version ${seen}, not ${version.version}; ` +
        'point the stage at the version first or evaluate without --stage',
    );
  }
  return buildEvalRun(
    version.version,
    dataset.map((document, index) => {
      const result = results[index];
      if (result === undefined) throw new Error('internal: a document has no pipeline result');
      return scoreResult(version, document, result);
    }),
  );
};

export interface EvaluationRequest {
  readonly dataset: readonly DatasetDocument[];
  /** One version to score, or two to compare (b - a). */
  readonly versions: readonly PromptVersion[];
  /** Move the alias to each version first: only on a throwaway local stack. */
  readonly moveAlias: boolean;
  readonly timeoutMs: number;
  /** Documents in flight at once (default: all). */
  readonly concurrency?: number;
  /** Bootstrap resamples and seed of a comparison. */
  readonly iterations: number;
  readonly seed: string;
  readonly onProgress?: (version: string) => ((done: number, total: number) => void) | undefined;
}

export type EvaluationOutcome =
  | { readonly kind: 'run'; readonly runs: readonly [EvalRun] }
  | {
      readonly kind: 'comparison';
      readonly runs: readonly [EvalRun, EvalRun];
      readonly comparison: Comparison;
    };

/** Runs the dataset under each version and, for two, compares them. */
export const evaluateDataset = async (
  ctx: ServiceContext,
  request: EvaluationRequest,
): Promise<EvaluationOutcome> => {
  const [versionA, versionB, ...rest] = request.versions;
  if (versionA === undefined || rest.length > 0) {
    throw new InvalidInputError('VERSION_COUNT', 'evaluate one version or compare two');
  }
  if (versionB !== undefined && versionA.version === versionB.version) {
    throw new InvalidInputError('SAME_VERSION', 'a comparison needs two different versions');
  }
  if (versionB !== undefined && !request.moveAlias) {
    throw new InvalidInputError(
      'COMPARE_NEEDS_ALIAS',
      'a comparison moves the production alias, so it runs only on a throwaway stack',
    );
  }
  if (!request.moveAlias) await checkStageResolves(ctx, versionA.version);
  const run = (version: PromptVersion) => {
    const onProgress = request.onProgress?.(version.version);
    return runVersion(ctx, request.dataset, version, {
      keyPrefix: `eval-${version.version}/`,
      moveAlias: request.moveAlias,
      timeoutMs: request.timeoutMs,
      ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
      ...(onProgress ? { onProgress } : {}),
    });
  };
  const runA = await run(versionA);
  if (versionB === undefined) return { kind: 'run', runs: [runA] };
  const runB = await run(versionB);
  return {
    kind: 'comparison',
    runs: [runA, runB],
    comparison: compareRuns(runA, runB, { iterations: request.iterations, seed: request.seed }),
  };
};

/** True when any document of any run FAILED. */
export const anyFailed = (runs: readonly EvalRun[]): boolean =>
  runs.some((run) => run.documents.some((document) => document.status === 'FAILED'));
