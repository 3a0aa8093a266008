/**
 * Diagnosis: processes a folder of (synthetic) PDFs on a private local stack,
 * all in flight at once as `medextract eval` runs them, and for every
 * document that did not succeed prints the failing step of its execution
 * history with the error name and cause, and its ledger row's reason and
 * cause. Run: `npx tsx test/bench/scan-failures.ts <dir>`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { targetOfStack } from '#cli/target.ts';
import { startLocalStack } from '#local/stack.ts';
import { processFiles } from '#services/process-documents.ts';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: npx tsx test/bench/scan-failures.ts <dir>');
const files = (await readdir(dir)).filter((file) => file.endsWith('.pdf')).sort();
const stack = await startLocalStack({
  ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 },
  promptCacheTtlSeconds: 0,
});
try {
  const started = Date.now();
  const results = await processFiles(
    targetOfStack(stack),
    files.map((file) => ({ path: join(dir, file) })),
    { timeoutMs: 900_000 },
  );
  console.log(`processed ${results.length} in ${Math.round((Date.now() - started) / 1000)} s`);
  for (const result of results) {
    console.log(`${result.file.split('/').at(-1)}: ${result.outcome} ${result.reason ?? ''}`);
    if (result.status === 'SUCCEEDED') continue;
    const history = await stack.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: result.executionArn, maxResults: 1000 }),
    );
    for (const event of history.events ?? []) {
      const failed =
        event.taskFailedEventDetails ??
        event.lambdaFunctionFailedEventDetails ??
        event.executionFailedEventDetails;
      if (failed) {
        console.log(`  ${event.type} ${failed.error}: ${String(failed.cause).slice(0, 400)}`);
      }
    }
  }
} finally {
  await stack.stop();
}
