/**
 * The local Bedrock stand-in's quota: per-model request and token buckets
 * (core/quota/token-bucket.ts) checked before each Converse call and charged
 * with input + output x burn-down after it, plus an injectable outage during
 * which every call answers ServiceUnavailableException. Settings are
 * replaceable at run time through the control API; `minuteMs` compresses the
 * quota's minute when a test or bench scales time.
 */
import * as z from 'zod';
import {
  admitCall,
  chargeTokens,
  MINUTE_MS,
  type ModelQuota,
  type QuotaBuckets,
  quotaBuckets,
  tokensBurned,
} from '#core/quota/token-bucket.ts';

const modelQuotaSchema = z
  .object({
    requestsPerMinute: z.number().positive(),
    tokensPerMinute: z.number().positive(),
    outputTokenBurnDown: z.number().min(1).default(1),
  })
  .strict();

export const quotaSettingsSchema = z
  .object({
    /** Off: unlimited capacity (unit tests of the wire). */
    enabled: z.boolean().default(true),
    /** Quotas by model id as the request URL names it (inference profile or foundation model). */
    models: z.record(z.string(), modelQuotaSchema).default({}),
    /** Applies to model ids not listed; absent means unlisted models are not limited. */
    fallback: modelQuotaSchema.optional(),
    /** Length of the quota's minute in real milliseconds (60000 unless time is scaled). */
    minuteMs: z.number().positive().default(MINUTE_MS),
    /** Epoch ms until which every call answers 503 ServiceUnavailableException. */
    outageUntil: z.number().int().min(0).default(0),
  })
  .strict();
export type QuotaSettings = z.input<typeof quotaSettingsSchema>;
type ParsedQuota = z.output<typeof quotaSettingsSchema>;

/** Per-model counters the benches read to compute quota use. */
export interface ModelUsage {
  readonly admitted: number;
  readonly throttled: number;
  readonly tokensBurned: number;
  readonly firstAdmittedAt: number | null;
  readonly lastAdmittedAt: number | null;
}

export type QuotaCheck =
  | { readonly kind: 'admitted' }
  | { readonly kind: 'throttled'; readonly dimension: 'requests' | 'tokens' }
  | { readonly kind: 'outage' };

interface Usage {
  admitted: number;
  throttled: number;
  tokensBurned: number;
  firstAdmittedAt: number | null;
  lastAdmittedAt: number | null;
}

/** The quota state of one local Bedrock endpoint. */
export class LocalQuota {
  private settings: ParsedQuota;
  private readonly buckets = new Map<string, QuotaBuckets>();
  private usage = new Map<string, Usage>();

  constructor(
    settings: QuotaSettings = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = quotaSettingsSchema.parse(settings);
  }

  /** Replaces the settings and refills every bucket; throws on invalid settings. */
  configure(settings: unknown): ParsedQuota {
    this.settings = quotaSettingsSchema.parse(settings);
    this.buckets.clear();
    return this.settings;
  }

  get current(): ParsedQuota {
    return this.settings;
  }

  private quotaOf(modelId: string): ModelQuota | undefined {
    return this.settings.models[modelId] ?? this.settings.fallback;
  }

  private bucketsOf(modelId: string, quota: ModelQuota): QuotaBuckets {
    let buckets = this.buckets.get(modelId);
    if (buckets === undefined) {
      buckets = quotaBuckets(quota, this.now(), this.settings.minuteMs);
      this.buckets.set(modelId, buckets);
    }
    return buckets;
  }

  private usageOf(modelId: string): Usage {
    let usage = this.usage.get(modelId);
    if (usage === undefined) {
      usage = {
        admitted: 0,
        throttled: 0,
        tokensBurned: 0,
        firstAdmittedAt: null,
        lastAdmittedAt: null,
      };
      this.usage.set(modelId, usage);
    }
    return usage;
  }

  /** Called when a Converse request arrives: admitted, throttled (429) or in an outage (503). */
  check(modelId: string): QuotaCheck {
    const now = this.now();
    if (now < this.settings.outageUntil) return { kind: 'outage' };
    const quota = this.settings.enabled ? this.quotaOf(modelId) : undefined;
    if (quota === undefined) return { kind: 'admitted' };
    const decision = admitCall(this.bucketsOf(modelId, quota), now);
    this.buckets.set(modelId, decision.buckets);
    const usage = this.usageOf(modelId);
    if (!decision.admitted) {
      usage.throttled += 1;
      return {
        kind: 'throttled',
        dimension: decision.buckets.requests.level < 1 ? 'requests' : 'tokens',
      };
    }
    usage.admitted += 1;
    usage.firstAdmittedAt ??= now;
    usage.lastAdmittedAt = now;
    return { kind: 'admitted' };
  }

  /** Charges an answered call's tokens as Bedrock counts them. */
  charge(modelId: string, inputTokens: number, outputTokens: number): void {
    const quota = this.settings.enabled ? this.quotaOf(modelId) : undefined;
    if (quota === undefined) return;
    const burned = tokensBurned(quota, { inputTokens, outputTokens });
    this.buckets.set(modelId, chargeTokens(this.bucketsOf(modelId, quota), burned, this.now()));
    this.usageOf(modelId).tokensBurned += burned;
  }

  stats(): Record<string, ModelUsage> {
    return Object.fromEntries([...this.usage].map(([model, usage]) => [model, { ...usage }]));
  }

  resetStats(): void {
    this.usage = new Map();
  }
}
