/**
 * Per-function memory recommendations from measured figures: the smallest
 * standard Lambda memory size with at least 30% headroom over the p99 of
 * max memory used, the monthly GB-second and request cost at the observed
 * rate now and at that size, the saving, and a flag for functions whose
 * cold starts spend more time in init than p95 invocations spend running.
 * Prices come from the one AWS price table (`core/costing/aws-prices.ts`).
 */
import { AWS_PRICES, PRICES_READ_ON, PRICES_REGION } from '#core/costing/aws-prices.ts';

/** The memory sizes offered as suggestions (MB), smallest first. */
export const STANDARD_MEMORY_SIZES_MB = [
  128, 256, 512, 768, 1024, 1536, 2048, 3008, 4096, 5120, 6144, 8192, 10240,
] as const;

/** A suggested size must be at least this multiple of p99 max memory used (30% headroom). */
export const MEMORY_HEADROOM = 1.3;

/** The month the figures are scaled to: 730 hours, as the cost model uses. */
export const SECONDS_PER_MONTH = 730 * 3600;

export interface LambdaPricing {
  /** Micro-dollars per GB-second. */
  readonly microUsdPerGbSecond: number;
  /** Micro-dollars per request. */
  readonly microUsdPerRequest: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly region: string;
  readonly readOn: string;
  readonly source: string;
}

/** Arm (Graviton) on-demand prices, the architecture every function runs on. */
export const ARM_LAMBDA_PRICING: LambdaPricing = {
  microUsdPerGbSecond:
    (AWS_PRICES.lambdaArmGbSecond.usd * 1_000_000) / AWS_PRICES.lambdaArmGbSecond.per,
  microUsdPerRequest: (AWS_PRICES.lambdaRequest.usd * 1_000_000) / AWS_PRICES.lambdaRequest.per,
  architecture: 'arm64',
  region: PRICES_REGION,
  readOn: PRICES_READ_ON,
  source: AWS_PRICES.lambdaArmGbSecond.source,
};

/** The measured figures of one function a recommendation reads. */
export interface MeasuredFunction {
  readonly functionName: string;
  readonly invocations: number;
  readonly billedDurationMsTotal: number;
  readonly memorySizeMb: number;
  /** p99 of per-invocation max memory used; null when nothing was measured. */
  readonly maxMemoryUsedP99Mb: number | null;
  readonly durationMs: { readonly p95: number } | null;
  readonly initDurationMs: { readonly p95: number } | null;
}

export type RecommendationAction = 'lower' | 'raise' | 'keep' | 'none';

export interface MemoryRecommendation {
  readonly functionName: string;
  readonly action: RecommendationAction;
  readonly currentMemoryMb: number;
  /** null when no memory was measured (`action: 'none'`). */
  readonly suggestedMemoryMb: number | null;
  /** Headroom of the suggested size over p99 max memory used, percent (one decimal). */
  readonly headroomPercent: number | null;
  readonly invocationsPerMonth: number;
  /** GB-seconds and requests at the observed rate, integer micro-dollars a month. */
  readonly monthlyCostMicroUsd: number;
  readonly suggestedMonthlyCostMicroUsd: number;
  /** Current minus suggested; negative when the suggestion is to raise memory. */
  readonly monthlySavingMicroUsd: number;
  /** Init p95 at least as long as the invocation's p95: cold starts are mostly init. */
  readonly initDominated: boolean;
  readonly reason: string;
}

/** Lambda's largest memory size, MB. */
const LARGEST_MEMORY_MB = 10240;

/** The smallest standard size with the headroom, or the largest size when none has it. */
export const suggestedSizeFor = (p99UsedMb: number): number =>
  STANDARD_MEMORY_SIZES_MB.find((size) => size >= p99UsedMb * MEMORY_HEADROOM) ?? LARGEST_MEMORY_MB;

/**
 * The monthly cost, integer micro-dollars, of `billedMs` billed milliseconds
 * at `memoryMb` and `invocations` requests, both scaled from
 * `observedSeconds` to a month. Duration is assumed not to change with size.
 */
export const monthlyCostMicroUsd = (
  billedMs: number,
  invocations: number,
  memoryMb: number,
  observedSeconds: number,
  pricing: LambdaPricing,
): number => {
  const scale = SECONDS_PER_MONTH / observedSeconds;
  const gbSeconds = (billedMs / 1000) * (memoryMb / 1024) * scale;
  return Math.round(
    gbSeconds * pricing.microUsdPerGbSecond + invocations * scale * pricing.microUsdPerRequest,
  );
};

/** One recommendation per measured function, in the given order. */
export const recommendMemory = (
  functions: readonly MeasuredFunction[],
  observedSeconds: number,
  pricing: LambdaPricing = ARM_LAMBDA_PRICING,
): MemoryRecommendation[] => {
  if (!(observedSeconds > 0)) throw new Error('OBSERVED_WINDOW_EMPTY: observedSeconds must be > 0');
  return functions.map((fn) => {
    const current = monthlyCostMicroUsd(
      fn.billedDurationMsTotal,
      fn.invocations,
      fn.memorySizeMb,
      observedSeconds,
      pricing,
    );
    const initP95 = fn.initDurationMs?.p95;
    const durationP95 = fn.durationMs?.p95;
    const initDominated =
      initP95 !== undefined && durationP95 !== undefined && initP95 >= durationP95;
    const invocationsPerMonth = Math.round((fn.invocations * SECONDS_PER_MONTH) / observedSeconds);
    const used = fn.maxMemoryUsedP99Mb;
    if (used === null || fn.invocations === 0) {
      return {
        functionName: fn.functionName,
        action: 'none' as const,
        currentMemoryMb: fn.memorySizeMb,
        suggestedMemoryMb: null,
        headroomPercent: null,
        invocationsPerMonth,
        monthlyCostMicroUsd: current,
        suggestedMonthlyCostMicroUsd: current,
        monthlySavingMicroUsd: 0,
        initDominated,
        reason: 'No memory measurements in the window.',
      };
    }
    const suggested = suggestedSizeFor(used);
    const suggestedCost = monthlyCostMicroUsd(
      fn.billedDurationMsTotal,
      fn.invocations,
      suggested,
      observedSeconds,
      pricing,
    );
    const action: RecommendationAction =
      suggested < fn.memorySizeMb ? 'lower' : suggested > fn.memorySizeMb ? 'raise' : 'keep';
    const headroomPercent = Math.round(((suggested - used) / used) * 1000) / 10;
    const reasons = {
      lower: `p99 memory used ${used} MB fits ${suggested} MB with ${headroomPercent}% headroom; duration assumed unchanged (Lambda allots CPU with memory: confirm with a run at ${suggested} MB).`,
      raise: `p99 memory used ${used} MB leaves less than 30% headroom at ${fn.memorySizeMb} MB.`,
      keep: `${fn.memorySizeMb} MB is the smallest standard size with 30% headroom over p99 memory used ${used} MB.`,
    };
    return {
      functionName: fn.functionName,
      action,
      currentMemoryMb: fn.memorySizeMb,
      suggestedMemoryMb: suggested,
      headroomPercent,
      invocationsPerMonth,
      monthlyCostMicroUsd: current,
      suggestedMonthlyCostMicroUsd: suggestedCost,
      monthlySavingMicroUsd: current - suggestedCost,
      initDominated,
      reason: reasons[action],
    };
  });
};
