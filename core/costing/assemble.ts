/**
 * Turns a stage's settings, the ASL's transition counts, the prompt versions,
 * a usage profile and the assumptions into the quantities the cost model
 * prices, for a given volume and page count. Every scaling rule (pages,
 * failures, retries, batching, retention) is written here once.
 */

import { type CachePlan, planPromptCache } from '#core/prompts/cache-plan.ts';
import { renderPrompt } from '#core/prompts/render.ts';
import { estimateToolRequestTokens } from '#core/prompts/token-estimate.ts';
import type { PromptVersion } from '#core/prompts/types.ts';
import type { TransitionCounts } from './asl-transitions.ts';
import type { CostAssumptions } from './assumptions.ts';
import { DAYS_PER_MONTH } from './aws-prices.ts';
import {
  type BedrockVersionUsage,
  CostInputError,
  type CostModelInput,
  type DynamoBilling,
  type FunctionUsage,
  type TableUsage,
} from './cost-model.ts';
import type { UsageProfile } from './usage-profile.ts';

/** The stage settings the model reads, as plain values. */
export interface StageCostSettings {
  readonly stage: string;
  readonly architecture: 'arm64' | 'x86_64';
  /** Configured memory by function name. */
  readonly memoryMb: Readonly<Record<string, number>>;
  readonly logRetentionDays: number;
  readonly billing: DynamoBilling;
  /** Each table's physical name, its key in the profile (the table suffix) and its index count. */
  readonly tables: readonly { name: string; profileKey: string; indexCount: number }[];
  readonly pointInTimeRecovery: boolean;
  readonly incomingToInfrequentAccessDays: number;
  readonly workExpirationDays: number;
  readonly ingestBatchSize: number;
  /** The version that serves traffic outside experiments. */
  readonly servingVersion: string;
}

export interface AssembleOptions {
  readonly settings: StageCostSettings;
  readonly transitions: TransitionCounts;
  readonly prompts: readonly PromptVersion[];
  readonly profile: UsageProfile;
  readonly assumptions: CostAssumptions;
  readonly documentsPerMonth: number;
  readonly pagesPerDocument: number;
}

/** The state that rejects bad input; failures are modelled as happening there. */
const FIRST_FAILING_STATE = 'LoadDocument';
const STARTER = 'starter';
const AGGREGATOR = 'aggregator';
const LOAD_DOCUMENT = 'load-document';
const INVOKE_MODEL = 'invoke-model';
const WCU_BYTES = 1_024;
/**
 * S3 Lifecycle does not move objects smaller than 128 KB to another storage
 * class by default (S3 User Guide, "Transitioning objects using Amazon S3
 * Lifecycle"), so small uploads stay in Standard and cost no transition.
 */
const MIN_TRANSITION_BYTES = 128 * 1_024;
const RCU_BYTES = 4_096;

const cacheNote = (plan: CachePlan): string => {
  if (plan.reason === 'model-not-supported') return 'the model has no prompt caching on Bedrock';
  if (plan.reason === 'below-minimum') {
    return `stable prefix ${plan.stablePrefixTokens} tokens, below the model's ${plan.minimumTokens}-token minimum`;
  }
  return `checkpoints after ${plan.checkpoints.map((c) => c.field).join(' and ')}`;
};

/** Input and output tokens of one document of `pages` pages under each version, with its cacheable prefix. */
export function bedrockUsage(
  prompts: readonly PromptVersion[],
  profile: UsageProfile,
  pages: number,
): BedrockVersionUsage[] {
  const documentText = 'x'.repeat(Math.round(profile.textCharsPerPage * pages));
  return prompts.map((version) => {
    const rendered = renderPrompt(version, documentText);
    const estimate = estimateToolRequestTokens(rendered);
    const outputTokens = profile.outputTokensByVersion[version.version];
    if (outputTokens === undefined) {
      throw new CostInputError(`the usage profile has no output tokens for ${version.version}`);
    }
    const plan = planPromptCache(rendered);
    return {
      version: version.version,
      modelId: rendered.modelId,
      inputTokens: estimate.inputTokens,
      outputTokens,
      cachedPrefixTokens: plan.cachedPrefixTokens,
      cacheNote: cacheNote(plan),
    };
  });
}

/** Quantities per document and per month for the cost model. */
export function assembleCostInput(options: AssembleOptions): CostModelInput {
  const { settings, transitions, profile, assumptions } = options;
  const pages = options.pagesPerDocument;
  if (!(Number.isFinite(pages) && pages > 0)) {
    throw new CostInputError('pagesPerDocument must be a positive number');
  }
  const failure = assumptions.failureShare;
  if (!(failure >= 0 && failure <= 1)) throw new CostInputError('failureShare must be in [0, 1]');
  const failurePath = transitions.failurePaths.find((p) => p.failedState === FIRST_FAILING_STATE);
  if (!failurePath) throw new CostInputError(`${FIRST_FAILING_STATE} has no catch path`);

  const versions = bedrockUsage(options.prompts, profile, pages);
  const serving = versions.find((v) => v.version === settings.servingVersion);
  if (!serving) throw new CostInputError(`no prompt version ${settings.servingVersion}`);

  // Transitions and task invocations: success path, failure path, retries.
  const retries = Object.values(assumptions.retriesPerDocument).reduce((a, b) => a + b, 0);
  const transitionsPerDocument =
    (1 - failure) * transitions.successTransitions + failure * failurePath.transitions + retries;
  const invocations: Record<string, number> = {};
  const invoke = (state: string, times: number): void => {
    const fn = transitions.taskFunctions[state];
    if (fn) invocations[fn] = (invocations[fn] ?? 0) + times;
  };
  for (const state of transitions.successPath) invoke(state, 1 - failure);
  for (const state of failurePath.states) invoke(state, failure);
  for (const [state, times] of Object.entries(assumptions.retriesPerDocument)) invoke(state, times);

  const functionProfile = (name: string) => {
    const found = profile.functions[name];
    if (!found) throw new CostInputError(`the usage profile has no duration for ${name}`);
    return found;
  };
  const memory = (name: string): number => {
    const mb = settings.memoryMb[name];
    if (mb === undefined)
      throw new CostInputError(`stage ${settings.stage} sets no memory for ${name}`);
    return mb;
  };
  const functions: Record<string, FunctionUsage> = {};
  const pageScale = pages / profile.meanPages;
  for (const name of [...Object.keys(invocations), STARTER, AGGREGATOR]) {
    const measured = functionProfile(name);
    const memoryMb = memory(name);
    // Timed on a whole local core; Lambda gives a function CPU in proportion to its memory.
    const cpuScale =
      assumptions.lambdaFullCpuMemoryMb > 0
        ? Math.max(1, assumptions.lambdaFullCpuMemoryMb / memoryMb)
        : 1;
    let durationMs = measured.durationMs * cpuScale;
    if (name === LOAD_DOCUMENT) durationMs *= pageScale;
    if (name === INVOKE_MODEL) {
      durationMs +=
        assumptions.bedrockFirstTokenMs +
        (serving.outputTokens / assumptions.bedrockOutputTokensPerSecond) * 1_000;
    }
    functions[name] = {
      invocationsPerDocument: invocations[name] ?? measured.invocationsPerDocument,
      durationMs,
      memoryMb,
    };
  }
  const totalInvocations = Object.values(functions).reduce(
    (sum, fn) => sum + fn.invocationsPerDocument,
    0,
  );

  // S3: requests measured per document; objects by prefix and lifecycle.
  const horizonDays = assumptions.storageHorizonMonths * DAYS_PER_MONTH;
  const bytes = (prefix: string): number => profile.s3.bytesPerDocumentByPrefix[prefix] ?? 0;
  const incomingBytes = profile.pdfBytesPerPage * pages;
  const movesToInfrequentAccess =
    incomingBytes >= MIN_TRANSITION_BYTES && horizonDays > settings.incomingToInfrequentAccessDays;
  const incomingStandardDays = movesToInfrequentAccess
    ? settings.incomingToInfrequentAccessDays
    : horizonDays;
  const objects = [
    {
      prefix: 'incoming/',
      bytesPerDocument: incomingBytes,
      standardDays: incomingStandardDays,
      infrequentAccessDays: horizonDays - incomingStandardDays,
    },
    {
      prefix: 'work/',
      bytesPerDocument: bytes('work/') * pageScale,
      standardDays: Math.min(settings.workExpirationDays, horizonDays),
      infrequentAccessDays: 0,
    },
    {
      prefix: 'results/',
      bytesPerDocument: bytes('results/'),
      standardDays: horizonDays,
      infrequentAccessDays: 0,
    },
    // Evidence, confidence and review per document, kept beside its result.
    {
      prefix: 'grounding/',
      bytesPerDocument: bytes('grounding/'),
      standardDays: horizonDays,
      infrequentAccessDays: 0,
    },
  ];

  const tables: TableUsage[] = settings.tables.map((table) => {
    const measured = profile.dynamodb[table.profileKey];
    if (!measured)
      throw new CostInputError(`the usage profile has no traffic for ${table.profileKey}`);
    return {
      name: table.name,
      indexCount: table.indexCount,
      writeUnitsPerDocument:
        measured.writesPerDocument * Math.max(1, Math.ceil(measured.itemBytes / WCU_BYTES)),
      readUnitsPerDocument:
        measured.readsPerDocument * Math.max(1, Math.ceil(measured.itemBytes / RCU_BYTES)),
      storedBytesPerDocument: measured.itemsPerDocument * measured.itemBytes,
    };
  });

  const functionLogBytes = Object.values(profile.logs).reduce((s, l) => s + l.bytesPerDocument, 0);
  const ingestedBytesPerDocument =
    functionLogBytes +
    totalInvocations * assumptions.lambdaPlatformLogBytesPerInvocation +
    profile.historyEventsPerDocument * assumptions.stepFunctionsLogBytesPerEvent;

  const batch = assumptions.ingestBatchSize ?? settings.ingestBatchSize;
  return {
    documentsPerMonth: options.documentsPerMonth,
    bedrock: {
      versions,
      servingVersion: settings.servingVersion,
      cacheHitRate: assumptions.promptCacheHitRate,
    },
    stepFunctions: { transitionsPerDocument },
    lambda: { architecture: settings.architecture, functions },
    sqs: {
      // Notification sends, one receive and one batch delete per batch, a DLQ send per failure.
      requestsPerDocument: profile.sqs.sendRequestsPerDocument + 2 / batch + failure,
      fixedRequestsPerMonth: assumptions.sqsIdlePollsPerMonth,
    },
    s3: {
      putRequestsPerDocument: profile.s3.putRequestsPerDocument,
      getRequestsPerDocument: profile.s3.getRequestsPerDocument,
      lifecycleTransitionsPerDocument: movesToInfrequentAccess ? 1 : 0,
      objects,
    },
    dynamodb: {
      billing: settings.billing,
      tables,
      storageMonths: assumptions.storageHorizonMonths,
      pointInTimeRecovery: settings.pointInTimeRecovery,
    },
    logs: { ingestedBytesPerDocument, retentionDays: settings.logRetentionDays },
    cloudwatch: {
      customMetrics: profile.emfMetricsPerVersion,
      dashboards: assumptions.dashboards,
      alarms: assumptions.alarms,
    },
    kms: {
      keys: assumptions.kmsKeys,
      requestsPerDocument: assumptions.kmsRequestsPerDocument,
      fixedRequestsPerMonth: assumptions.kmsFixedRequestsPerMonth,
    },
    xray: { tracesPerDocument: assumptions.tracesPerDocument },
  };
}
