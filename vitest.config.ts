// One run, every test. Under CI a JSON report is written as well so `.ci/run`
// can print the real pass/fail counts. Coverage settings apply to
// `npm run test:coverage` (package.json names the test folders it runs).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Stacks started by tests (and the `npm start` they spawn) get unlimited
    // Bedrock quota and concurrency unless a test configures capacity itself.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      MEDEXTRACT_LOCAL_CAPACITY: 'unlimited',
    },
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/report.json' },
    // `npm run test:coverage`: every source file counts, tested or not.
    coverage: {
      provider: 'v8',
      include: [
        'core/**/*.ts',
        'functions/**/*.ts',
        'local/**/*.ts',
        'cli/**/*.ts',
        'infra/**/*.ts',
        'events/**/*.ts',
      ],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      // Just below what the unit, handler and state-machine tests measured
      // (statements / branches / functions / lines: 60.65 / 56.89 / 58.07 /
      // 61.56 % on Node 20, 60.53 / 56.83 / 57.87 / 61.43 % on Node 24): a
      // drop fails the run.
      thresholds: { statements: 60, branches: 56, functions: 57, lines: 61 },
    },
  },
});
