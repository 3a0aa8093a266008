/**
 * Applying a reviewer's decisions to an extraction, pure: each decision's
 * path must name an existing value; `accept` keeps it, `correct` replaces it
 * (the value before is returned so every change can be undone by hand). The
 * caller validates the result against the prompt version's schema.
 */
import { readFieldPath, writeFieldPath } from './field-path.ts';

/** One decision on one value (the shape of `ReviewDecisionSchema` in contracts/evidence.ts). */
export type ReviewDecision =
  | { readonly path: string; readonly action: 'accept' }
  | { readonly path: string; readonly action: 'correct'; readonly value?: unknown };

export interface AppliedDecision<D extends ReviewDecision = ReviewDecision> {
  readonly decision: D;
  /** The value at the path before this decision. */
  readonly previous: unknown;
}

export type ApplyResult<D extends ReviewDecision = ReviewDecision> =
  | { readonly ok: true; readonly fields: unknown; readonly applied: AppliedDecision<D>[] }
  | { readonly ok: false; readonly path: string; readonly index: number };

/** Applies `decisions` in order to `fields`; the first path that does not resolve stops it. */
export const applyDecisions = <D extends ReviewDecision>(
  fields: unknown,
  decisions: readonly D[],
): ApplyResult<D> => {
  let current = fields;
  const applied: AppliedDecision<D>[] = [];
  for (const [index, decision] of decisions.entries()) {
    const before = readFieldPath(current, decision.path);
    if (!before.found) return { ok: false, path: decision.path, index };
    if (decision.action === 'correct') {
      current = writeFieldPath(current, decision.path, decision.value ?? null);
    }
    applied.push({ decision, previous: before.value });
  }
  return { ok: true, fields: current, applied };
};
