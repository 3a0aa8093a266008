/**
 * Chooses the prompt version for one document: the running experiment's
 * deterministic arm when the document is enrolled, else the production
 * alias, else the configured default. Pure; the reads are injected.
 */

import type { AliasItem, RunningItem } from '#contracts/experiments-items.ts';
import { ARMS, type Arm, type SelectVariantOutput } from '#contracts/task-schemas.ts';
import { assignArm } from '#core/experiments/assignment.ts';

export interface SelectionContext {
  readonly running: RunningItem | null;
  readonly alias: AliasItem | null;
  readonly defaultVersion: string;
}

/** The version choice alone; whether an earlier extraction is reused is decided after it. */
export type VariantSelection = Omit<SelectVariantOutput, 'reuse'>;

export const selectVariant = (documentId: string, ctx: SelectionContext): VariantSelection => {
  const fallback = ctx.alias
    ? { promptVersion: ctx.alias.version, resolvedBy: 'alias' as const }
    : { promptVersion: ctx.defaultVersion, resolvedBy: 'default' as const };
  if (!ctx.running) return { ...fallback, experimentId: null, arm: null };
  const arm = assignArm({
    seed: ctx.running.seed,
    documentId,
    allocation: { weights: [...ctx.running.weights], coverage: ctx.running.coverage },
    arms: ARMS,
  });
  const typedArm: Arm | undefined = ARMS.find((candidate) => candidate === arm);
  if (typedArm === undefined) return { ...fallback, experimentId: null, arm: null };
  return {
    promptVersion: typedArm === 'control' ? ctx.running.control : ctx.running.treatment,
    experimentId: ctx.running.experimentId,
    arm: typedArm,
    resolvedBy: 'experiment',
  };
};

/**
 * Caches one async read for `ttlMs`. Only the mutable pointers (alias,
 * running experiment) go through it; prompt versions are bundled. With a
 * TTL, calls that overlap a read in flight share it, as they would share its
 * result a moment later (a Lambda container runs one invocation at a time,
 * so on AWS calls never overlap; an in-process runtime runs many at once).
 * A TTL of 0 reads on every call.
 */
export const cached = <T>(
  read: () => Promise<T>,
  ttlMs: number,
  now: () => number = Date.now,
): (() => Promise<T>) => {
  let entry: { value: T; expires: number } | undefined;
  let inFlight: Promise<T> | undefined;
  const readAndKeep = async (): Promise<T> => {
    const value = await read();
    entry = { value, expires: now() + ttlMs };
    return value;
  };
  return async () => {
    if (entry && entry.expires > now()) return entry.value;
    if (ttlMs <= 0) return readAndKeep();
    if (!inFlight) {
      inFlight = readAndKeep().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  };
};
