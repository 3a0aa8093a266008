// One run, every test. Under CI a JSON report is written as well so `.ci/run`
// can print the real pass/fail counts. Coverage settings apply to
// `npm run test:coverage` (package.json names the test folders it runs).
//
// Two projects (docs/adr/0026-test-suite-speed.md): pure in-process tests
// share worker threads and their module cache (`isolate: false`), so a
// module such as the CDK app or zod is transformed and loaded once per
// worker instead of once per file, and an infra file reuses the stage a
// previous file synthesised; everything that sets `process.env` before an
// import, starts emulators or child processes keeps a fresh process per file.
// Handler-part and emulator files that need neither share a forked process
// per worker, and the CLI tests spawn a bundle of the CLI built once per run
// (docs/adr/0043-test-suite-cli-bundle-and-shared-process.md).
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/helpers/sequencer.ts';

/** Folders whose files touch no environment, emulator or child process. */
const SHARED_MODULE_FOLDERS = ['unit', 'statemachine', 'architecture', 'infra'];
const sharedModuleTests = SHARED_MODULE_FOLDERS.map((folder) => `test/${folder}/**/*.test.ts`);
/** CDK's local bundling hands `process.stderr` to a child process, which a worker thread cannot. */
const needsOwnProcess = ['test/infra/bundling.test.ts', 'test/infra/render-bundle.test.ts'];
/**
 * Handler-part and emulator tests that set no `process.env`, mock nothing,
 * patch no stream and start no stack or child process: one forked process
 * per worker runs them in turn and keeps its module cache (pdf.js, the SDK,
 * the OCR engine), instead of a fresh process importing them for each file.
 */
const sharedProcessTests = [
  ...['bilevel-png', 'geometry-real-pdfs', 'grounding-corpus', 'page-content', 'page-ocr']
    .concat(['page-render', 'pdf-limits', 'result-record', 'text-layout'])
    .map((name) => `test/functions/${name}.test.ts`),
  ...['despeckle', 'ocr', 'reserved-concurrency', 's3-notifications', 's3-sqs', 'sqs-event-source']
    .concat(['sfn-durable-start', 'sfn-ended-events', 'sfn-history', 'sfn-persistence'])
    .concat(['sfn-server', 'startup-proofs'])
    .map((name) => `test/local/${name}.test.ts`),
];
/** Use-case tests: each creates its own stage's tables on one DynamoDB Local for the run. */
const sharedDynamoDbTests = ['test/services/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Stacks started by tests (and the `npm start` they spawn) get unlimited
    // Bedrock quota and concurrency unless a test configures capacity itself.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      MEDEXTRACT_LOCAL_CAPACITY: 'unlimited',
    },
    hookTimeout: 120_000,
    // Three workers on two cores: much of an integration file's time is spent
    // waiting on emulators, child processes and the JVM, so with two workers the
    // cores sat a third idle (docs/adr/0058-three-test-workers-on-two-cores.md).
    maxWorkers: 3,
    // The longest files first, whatever their project (test/helpers/sequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/report.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared-modules',
          include: sharedModuleTests,
          exclude: needsOwnProcess,
          pool: 'threads',
          isolate: false,
          // The first test of a file may synthesise a whole CDK stage (CPU
          // work of 10-40 s on a busy 2-core machine); no test here measures speed.
          testTimeout: 90_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'shared-dynamodb',
          include: sharedDynamoDbTests,
          pool: 'threads',
          isolate: false,
          globalSetup: ['test/helpers/shared-dynamodb.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: [...sharedModuleTests, ...sharedDynamoDbTests, ...sharedProcessTests],
          pool: 'forks',
          // The CLI tests spawn a bundle of the CLI built once per run instead of
          // loading every module through tsx per subprocess (test/helpers/cli-bundle.ts).
          // Stacks and table tests use the run's one DynamoDB Local, each file under a
          // stage of its own (docs/adr/0048-one-dynamodb-local-per-test-run.md).
          globalSetup: ['test/helpers/cli-bundle-setup.ts', 'test/helpers/shared-dynamodb.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'shared-process',
          include: sharedProcessTests,
          pool: 'forks',
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'own-process', include: needsOwnProcess, pool: 'forks' },
      },
    ],
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
