import { defineConfig } from 'vitest/config';

// One run, every test. Under CI a JSON report is written as well so `.ci/run`
// can print the real pass/fail counts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/report.json' },
  },
});
