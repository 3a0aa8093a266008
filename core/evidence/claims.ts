/**
 * Separates a tool answer into the extraction fields and the quotes of a
 * version that asks for evidence, and lists the leaf paths whose value the
 * normaliser changed (a reformatted date, a converted unit), which lower
 * that value's confidence.
 */
import { leafValues } from './paths.ts';

export interface SplitAnswer {
  /** The tool input without `evidence`: what is validated against the version's schema. */
  readonly fields: unknown;
  /** The raw `evidence` entries, unparsed; empty when absent. */
  readonly evidence: readonly unknown[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const splitEvidence = (toolInput: unknown, property = 'evidence'): SplitAnswer => {
  if (!isRecord(toolInput) || !Object.hasOwn(toolInput, property)) {
    return { fields: toolInput, evidence: [] };
  }
  const { [property]: evidence, ...fields } = toolInput;
  return { fields, evidence: Array.isArray(evidence) ? evidence : [] };
};

/** Leaf paths whose value differs between the raw answer and the normalised fields. */
export const normalisedPaths = (raw: unknown, normalised: unknown): string[] => {
  const before = new Map(leafValues(raw).map((leaf) => [leaf.path, leaf.value]));
  return leafValues(normalised)
    .filter((leaf) => before.has(leaf.path) && before.get(leaf.path) !== leaf.value)
    .map((leaf) => leaf.path);
};
