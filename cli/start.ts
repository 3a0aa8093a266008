/**
 * `npm start`: the whole pipeline on this machine. Starts the local stack on
 * fixed ports with its data in `.data/`, serves the HTTP API over it on
 * 127.0.0.1:8000, prints the endpoints and AWS CLI
 * commands, processes the bundled synthetic samples with a progress bar,
 * then watches `./inbox/` for PDFs until Ctrl-C.
 */
import { existsSync, mkdirSync, statSync, watch } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { type ApiServer, LOCAL_API_PORT, startApiServer } from '#api/server.ts';
import { printResultsTable } from '#cli/commands/process.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from '#cli/console-build.ts';
import { RULE_BASED_MODEL_ID } from '#local/bedrock/rule-extractor.ts';
import { generateSamples } from '#local/corpus/generate.ts';
import { DEFAULT_PORTS, type LocalStack, startLocalStack } from '#local/stack.ts';
import { type FileResult, processFiles } from '#services/process-documents.ts';
import {
  localDataDir,
  readRunningStack,
  removeStackFile,
  type Target,
  targetOfStack,
  writeStackFile,
} from './target.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const options = new Command()
  .name('npm start --')
  .option('--once', 'process the samples, print the results and exit (no inbox watching)')
  .option('--no-samples', 'skip the bundled samples')
  .option('--inbox <dir>', 'folder to watch for PDFs', 'inbox')
  .option('--free-ports', 'pick free ports instead of the fixed ones')
  .parse(process.argv)
  .opts<{ once?: boolean; samples: boolean; inbox: string; freePorts?: boolean }>();

const say = (line = '') => process.stdout.write(`${line}\n`);

const printWelcome = (stack: LocalStack, api: ApiServer, dataDir: string, inbox: string) => {
  const { endpoints } = stack;
  say(
    `MedExtract local stack ready in ${(stack.startupMs / 1000).toFixed(1)} s (data in ${dataDir})`,
  );
  say();
  say('Endpoints (127.0.0.1 only):');
  say(`  Web console     http://localhost:${api.port}/`);
  say(`  HTTP API        ${api.url}      (reference: ${api.url}/docs, ${api.url}/openapi.json)`);
  say(`  S3 + SQS        ${endpoints.s3}      (fauxqs)`);
  say(`  DynamoDB        ${endpoints.dynamodb}      (DynamoDB Local)`);
  say(`  Step Functions  ${endpoints.stepfunctions}      (runs statemachines/extract.asl.json)`);
  say(
    `  Bedrock         ${endpoints.bedrock}      (${RULE_BASED_MODEL_ID}: a rule-based extractor, not an LLM)`,
  );
  say();
  say('AWS CLI v2 against the local stack (any credentials work):');
  say('  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1');
  say(`  aws --endpoint-url ${endpoints.s3} s3 cp my.pdf s3://${stack.bucket}/incoming/my.pdf`);
  say(
    `  aws --endpoint-url ${endpoints.stepfunctions} stepfunctions list-executions --state-machine-arn ${stack.stateMachineArn}`,
  );
  say(
    `  aws --endpoint-url ${endpoints.dynamodb} dynamodb scan --table-name ${stack.tables.results}`,
  );
  say(
    `  aws --endpoint-url ${endpoints.sqs} sqs receive-message --queue-url ${stack.queues.extractionDlq}`,
  );
  say();
  say(`Try the API: curl ${api.url}/api/prompts/versions`);
  say(`Drop PDFs into ${inbox}/ to process them. Ctrl-C stops the stack.`);
  say();
};

const runWithProgress = async (
  target: Target,
  files: string[],
  label: string,
): Promise<FileResult[]> => {
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} documents`,
    hideCursor: true,
    clearOnComplete: false,
    stream: process.stdout,
  });
  bar.start(files.length, 0);
  const started = Date.now();
  const results = await processFiles(
    target,
    files.map((path) => ({ path })),
    { onProgress: (done) => bar.update(done), timeoutMs: 5 * 60_000 },
  );
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  say(
    `${files.length} documents in ${seconds.toFixed(1)} s (${(files.length / seconds).toFixed(2)} documents/s)`,
  );
  return results;
};

/** Waits until a dropped file has stopped growing, so half-copied files are not uploaded. */
const waitUntilStable = async (path: string): Promise<boolean> => {
  let previous = -1;
  for (let i = 0; i < 40; i += 1) {
    if (!existsSync(path)) return false;
    const size = statSync(path).size;
    if (size === previous && size > 0) return true;
    previous = size;
    await new Promise((r) => setTimeout(r, 250));
  }
  return existsSync(path);
};

const watchInbox = (target: Target, inbox: string): (() => void) => {
  const seen = new Set<string>();
  const watcher = watch(inbox, (_event, name) => {
    if (!name?.toLowerCase().endsWith('.pdf')) return;
    const path = join(inbox, name);
    if (seen.has(path)) return;
    seen.add(path);
    void (async () => {
      try {
        if (!(await waitUntilStable(path))) return;
        say(`inbox: uploading ${basename(path)}`);
        const results = await processFiles(target, [{ path }], { timeoutMs: 5 * 60_000 });
        printResultsTable(results);
      } catch (error) {
        say(
          `inbox: ${basename(path)} could not be processed (${error instanceof Error ? error.name : 'Error'})`,
        );
      } finally {
        // A later copy of the same name is a new upload.
        seen.delete(path);
      }
    })();
  });
  return () => watcher.close();
};

const main = async () => {
  const dataDir = localDataDir();
  const inbox = resolve(options.inbox);
  if (readRunningStack(dataDir)) {
    process.stderr.write(
      `A local stack is already running on ${dataDir} (see ${dataDir}/stack.json).\n`,
    );
    process.exitCode = 2;
    return;
  }
  mkdirSync(inbox, { recursive: true });
  if (await ensureConsoleBuilt()) say('Built the web console into console/dist.');
  say('Starting the MedExtract local stack...');
  // Test knobs (the chaos test compresses waits); unset for people.
  const knob = (name: string): number | undefined =>
    process.env[name] === undefined ? undefined : Number(process.env[name]);
  const retryScale = knob('MEDEXTRACT_RETRY_SCALE');
  const reconcileIntervalMs = knob('MEDEXTRACT_RECONCILE_INTERVAL_MS');
  const reconcileGraceSeconds = knob('MEDEXTRACT_RECONCILE_GRACE_SECONDS');
  const stack = await startLocalStack({
    dataDir,
    ports: options.freePorts
      ? { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 }
      : DEFAULT_PORTS,
    ...(retryScale !== undefined ? { retryIntervalScale: retryScale } : {}),
    reconcile: {
      ...(reconcileIntervalMs !== undefined ? { intervalMs: reconcileIntervalMs } : {}),
      ...(reconcileGraceSeconds !== undefined ? { graceSeconds: reconcileGraceSeconds } : {}),
    },
  });
  writeStackFile(dataDir, stack);
  const target = targetOfStack(stack);
  let api: ApiServer;
  try {
    api = await startApiServer(target, {
      port: options.freePorts ? 0 : LOCAL_API_PORT,
      evaluationsDir: join(dataDir, 'evaluations'),
      invocations: () => stack.invocations.list(),
      concurrency: () => stack.concurrency(),
      consoleDir: CONSOLE_DIST,
    });
  } catch (error) {
    // Port 8000 taken: stop the emulators rather than leave them running headless.
    await stack.stop();
    removeStackFile(dataDir);
    throw error;
  }
  let stopping = false;
  let stopWatching: () => void = () => undefined;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping the local stack...');
    stopWatching();
    await api.close();
    await stack.stop();
    removeStackFile(dataDir);
    say(`Stopped. Data kept in ${dataDir} for the next start.`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  printWelcome(stack, api, dataDir, options.inbox);
  if (options.samples) {
    const samplesDir = join(dataDir, 'samples');
    const samples = await generateSamples(samplesDir);
    say(`Processing ${samples.length} synthetic sample documents:`);
    const results = await runWithProgress(
      target,
      samples.map((s) => s.pdfPath),
      'samples',
    );
    printResultsTable(results);
    say("Cost: what Bedrock would charge for each prompt version's model at the token counts the");
    say('rule-based stand-in estimates (it is not an LLM and reports estimated usage).');
  }
  if (options.once) {
    await shutdown(0);
    return;
  }
  stopWatching = watchInbox(target, inbox);
  say(`Watching ${options.inbox}/ for PDFs...`);
};

main().catch((error: unknown) => {
  process.stderr.write(
    `npm start failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exit(2);
});
