/**
 * Child process for the EMF journal test: journals the EMF lines of
 * `record-result`, hands them to a listener that prints their event ids and
 * never finishes (an aggregator caught mid-write), then waits to be killed.
 */
import { decodeLogsSubscriptionEvent, installLogCapture } from '#local/log-capture.ts';

const [dataDir, count] = process.argv.slice(2);
const capture = installLogCapture({
  dataDir: dataDir ?? '',
  journalFunctions: ['record-result'],
  flushIntervalMs: 10,
});
let seen = 0;
capture.onEmf((event) => {
  const ids = decodeLogsSubscriptionEvent(event).logEvents.map((e) => e.id);
  seen += ids.length;
  process.stdout.write(`IDS ${ids.join(',')}\n`);
  if (seen >= Number(count)) process.stdout.write('DELIVERED\n');
  return new Promise<void>(() => undefined);
});
for (let i = 0; i < Number(count); i += 1) {
  await capture.runAsFunction('record-result', async () => {
    process.stdout.write(
      `${JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{}] }, Documents: 1, n: i })}\n`,
    );
  });
}
setInterval(() => undefined, 1_000);
