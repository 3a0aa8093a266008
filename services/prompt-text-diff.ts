/**
 * Line diff of two prompt versions' texts (system prompt and user template):
 * the lines each side has that the other lacks, in order, from a longest
 * common subsequence. Pure; prompts are a few hundred lines at most.
 */

import { defaultCatalog, type PromptCatalog } from './context.ts';
import { requirePrompt } from './prompts.ts';

export interface DiffLine {
  readonly op: 'same' | 'added' | 'removed';
  readonly text: string;
}

/** The lines of `a` and `b` as kept, removed (only in `a`) and added (only in `b`). */
export const diffLines = (a: string, b: string): DiffLine[] => {
  const x = a.split('\n');
  const y = b.split('\n');
  const rows = x.length + 1;
  const cols = y.length + 1;
  const lcs = new Uint32Array(rows * cols);
  for (let i = x.length - 1; i >= 0; i -= 1) {
    for (let j = y.length - 1; j >= 0; j -= 1) {
      lcs[i * cols + j] =
        x[i] === y[j]
          ? (lcs[(i + 1) * cols + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * cols + j] ?? 0, lcs[i * cols + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push({ op: 'same', text: x[i] ?? '' });
      i += 1;
      j += 1;
    } else if (
      j < y.length &&
      (i >= x.length || (lcs[i * cols + j + 1] ?? 0) >= (lcs[(i + 1) * cols + j] ?? 0))
    ) {
      out.push({ op: 'added', text: y[j] ?? '' });
      j += 1;
    } else {
      out.push({ op: 'removed', text: x[i] ?? '' });
      i += 1;
    }
  }
  return out;
};

export interface TextDiff {
  readonly changed: boolean;
  readonly lines: DiffLine[];
}

const textDiff = (a: string, b: string): TextDiff => {
  const lines = diffLines(a, b);
  return { changed: lines.some((l) => l.op !== 'same'), lines };
};

export interface PromptTextDiff {
  readonly from: string;
  readonly to: string;
  readonly system: TextDiff;
  readonly userTemplate: TextDiff;
}

/** How the system prompt and user template changed from version `a` to `b`. */
export const diffPromptTexts = (
  a: string,
  b: string,
  catalog: PromptCatalog = defaultCatalog(),
): PromptTextDiff => {
  const va = requirePrompt(a, catalog);
  const vb = requirePrompt(b, catalog);
  return {
    from: va.version,
    to: vb.version,
    system: textDiff(va.system, vb.system),
    userTemplate: textDiff(va.userTemplate, vb.userTemplate),
  };
};
