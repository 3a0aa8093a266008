/**
 * Test-file order for `npm test`: the longest files start first, so the two
 * workers end together instead of one running a two-minute file alone at
 * the end. A file's expected time is the figure measured below, otherwise a
 * guess from its folder (vitest's own cache of durations is not used: it is
 * absent on a clean clone and, shared by every checkout using this install,
 * says more about the load of the moment than about the file). The files
 * of a project that shares its workers (`isolate: false`) stay together in
 * the queue, since vitest hands a shared worker its next file only when
 * that file is next in line; the block goes where its longest file's time
 * says.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds per file from `.ci/report.json` of a clean-clone `.ci/run`
 * (2026-12-02 16:45 UTC, 2 cores, with the shared corpus), rounded, for the
 * files that took 4 s or more; the validation equivalence test scaled to its
 * work after that run. Only the order they give matters; a stale
 * figure costs wall time, never a result. Refresh from a CI report with
 * `node -e` over `testResults[].{name,startTime,endTime}`.
 */
export const MEASURED_SECONDS: Readonly<Record<string, number>> = {
  'test/integration/chaos.test.ts': 45,
  'test/integration/experiment-e2e.test.ts': 34,
  'test/integration/eval-e2e.test.ts': 30,
  'test/functions/load-document-corpus-scan.test.ts': 29,
  'test/integration/npm-start.test.ts': 22,
  'test/console/console.test.ts': 19,
  'test/integration/pipeline.test.ts': 19,
  'test/integration/scanned.test.ts': 19,
  'test/integration/cli-invoke.test.ts': 16,
  'test/integration/cli-usage.test.ts': 12,
  'test/integration/admission.test.ts': 10,
  'test/local/sqs-event-source.test.ts': 10,
  'test/integration/cli-running-stack.test.ts': 9,
  'test/local/dynamodb-lifetime.test.ts': 9,
  'test/unit/domain/validation-equivalence.test.ts': 9,
  'test/functions/load-document.test.ts': 8,
  'test/infra/render-bundle.test.ts': 8,
  'test/integration/eval-layouts-e2e.test.ts': 8,
  'test/console/review.test.ts': 6,
  'test/functions/bilevel-render.test.ts': 6,
  'test/functions/pdf-limits.test.ts': 6,
  'test/infra/policy-gate.test.ts': 6,
  'test/integration/cli-process.test.ts': 6,
  'test/integration/ledger-stack.test.ts': 5,
  'test/local/dynamodb.test.ts': 5,
  'test/unit/rule-extractor/layout-families.test.ts': 5,
  'test/infra/http1-only-bundles.test.ts': 4,
  'test/infra/sdk-through-require.test.ts': 4,
  'test/infra/semver-stand-in.test.ts': 4,
};

/** A file without a measured time: integration files are long, others short. */
const guessSeconds = (file: string): number =>
  file.startsWith('test/integration/') ? 15 : file.startsWith('test/console/') ? 10 : 2;

export class LongestFirstSequencer extends BaseSequencer {
  private expectedSeconds(spec: TestSpecification): number {
    const file = relative(this.ctx.config.root, spec.moduleId);
    return MEASURED_SECONDS[file] ?? guessSeconds(file);
  }

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // One queue entry per isolated file, one per shared project's block.
    const entries = new Map<string, { seconds: number; specs: TestSpecification[] }>();
    for (const spec of files) {
      const seconds = this.expectedSeconds(spec);
      const key = spec.project.config.isolate
        ? `file:${spec.moduleId}`
        : `project:${spec.project.name}`;
      const entry = entries.get(key) ?? { seconds: 0, specs: [] };
      entry.seconds = spec.project.config.isolate ? seconds : Math.max(entry.seconds, seconds);
      entry.specs.push(spec);
      entries.set(key, entry);
    }
    const byLongest = (a: { seconds: number }, b: { seconds: number }) => b.seconds - a.seconds;
    return [...entries.values()].sort(byLongest).flatMap((entry) =>
      entry.specs
        .map((spec) => ({ seconds: this.expectedSeconds(spec), spec }))
        .sort(byLongest)
        .map(({ spec }) => spec),
    );
  }
}
