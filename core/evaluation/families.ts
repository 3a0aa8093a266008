/**
 * Breaks evaluated documents down by layout family and by split (tuning or
 * held-out), so a held-out score can be read beside the tuned one. Pure: the
 * caller reads each document's layout record (the corpus generator's
 * `<id>.layout.json` sidecar) and passes it in.
 */

import { type EvaluationSummary, type Scores, scores, summarise } from './metrics.ts';
import { addCounts, type DocumentEvaluation, NO_OUTCOMES, type OutcomeCounts } from './outcomes.ts';

/** Which side of the held-out protocol a document's layout family is on. */
export type LayoutSplit = 'tuning' | 'held-out';

/** A document's layout family and split, as the sidecar records them. */
export interface LayoutRecord {
  readonly family: string;
  readonly split: LayoutSplit;
}

/** Label used for documents without a layout record. */
export const UNLABELLED = 'unlabelled';

/** A sidecar's parsed content, or null when it is not a layout record. */
export function parseLayoutRecord(value: unknown): LayoutRecord | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { family, split } = value as { family?: unknown; split?: unknown };
  if (typeof family !== 'string' || family.length === 0) return null;
  if (split !== 'tuning' && split !== 'held-out') return null;
  return { family, split };
}

/** One scored document with its layout, when known. */
export interface LayoutDocument {
  readonly id: string;
  readonly layout: LayoutRecord | null;
  readonly evaluation: DocumentEvaluation;
}

/** Micro scores and document count of one group. */
export interface GroupScores extends OutcomeCounts, Scores {
  readonly documents: number;
}

/** One family's scores. */
export interface FamilyScores extends GroupScores {
  readonly family: string;
  readonly split: LayoutSplit | typeof UNLABELLED;
}

/** Per split (full summaries, so per field too) and per family (micro). */
export interface LayoutBreakdown {
  readonly splits: { readonly [split: string]: EvaluationSummary };
  readonly families: readonly FamilyScores[];
}

/** Tuning first, then held-out, then unlabelled. */
function order(split: string): number {
  return ['tuning', 'held-out'].indexOf(split) + 1 || 3;
}

function groupScores(counts: OutcomeCounts, documents: number): GroupScores {
  return { ...counts, ...scores(counts), documents };
}

/**
 * Summaries per split and micro scores per family (sorted by split, tuning
 * first, then family name). Documents without a layout record form the
 * `unlabelled` split and family.
 */
export function breakdownByLayout(documents: readonly LayoutDocument[]): LayoutBreakdown {
  const bySplit = new Map<string, DocumentEvaluation[]>();
  const byFamily = new Map<
    string,
    { split: FamilyScores['split']; counts: OutcomeCounts; n: number }
  >();
  for (const document of documents) {
    const split = document.layout?.split ?? UNLABELLED;
    const family = document.layout?.family ?? UNLABELLED;
    bySplit.set(split, [...(bySplit.get(split) ?? []), document.evaluation]);
    const counts = Object.values(document.evaluation.fields).reduce(
      (sum, outcome) => addCounts(sum, outcome.counts),
      NO_OUTCOMES,
    );
    const previous = byFamily.get(family);
    byFamily.set(family, {
      split,
      counts: addCounts(previous?.counts ?? NO_OUTCOMES, counts),
      n: (previous?.n ?? 0) + 1,
    });
  }
  const splits = Object.fromEntries(
    [...bySplit.entries()]
      .sort(([a], [b]) => order(a) - order(b))
      .map(([split, evaluations]) => [split, summarise(evaluations)]),
  );
  const families = [...byFamily.entries()]
    .map(([family, entry]) => ({
      family,
      split: entry.split,
      ...groupScores(entry.counts, entry.n),
    }))
    .sort((a, b) => order(a.split) - order(b.split) || a.family.localeCompare(b.family));
  return { splits, families };
}

/** Per-document outcome counts, as `medextract eval --json` lists them. */
export interface DocumentCounts extends OutcomeCounts {
  readonly id: string;
}

/**
 * Micro scores per family from per-document counts (the `documentResults`
 * of `medextract eval --json`) and each document's layout record.
 */
export function familyScoresFromCounts(
  documents: readonly DocumentCounts[],
  layoutOf: (id: string) => LayoutRecord | null,
): FamilyScores[] {
  const byFamily = new Map<
    string,
    { split: FamilyScores['split']; counts: OutcomeCounts; n: number }
  >();
  for (const document of documents) {
    const layout = layoutOf(document.id);
    const family = layout?.family ?? UNLABELLED;
    const previous = byFamily.get(family);
    const { tp, fa, fd, fn, tn } = document;
    byFamily.set(family, {
      split: layout?.split ?? UNLABELLED,
      counts: addCounts(previous?.counts ?? NO_OUTCOMES, { tp, fa, fd, fn, tn }),
      n: (previous?.n ?? 0) + 1,
    });
  }
  return [...byFamily.entries()]
    .map(([family, entry]) => ({
      family,
      split: entry.split,
      ...groupScores(entry.counts, entry.n),
    }))
    .sort((a, b) => order(a.split) - order(b.split) || a.family.localeCompare(b.family));
}

/** Rows `[field, tuning F1, held-out F1]` for every field either split scored. */
export function fieldsSideBySide(
  tuning: EvaluationSummary,
  heldOut: EvaluationSummary,
): [field: string, tuning: number | null, heldOut: number | null][] {
  const paths = [
    ...new Set([...Object.keys(tuning.fields), ...Object.keys(heldOut.fields)]),
  ].sort();
  return paths.map((path) => [
    path,
    tuning.fields[path]?.f1 ?? null,
    heldOut.fields[path]?.f1 ?? null,
  ]);
}
