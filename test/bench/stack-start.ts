/**
 * Local stack start-up, cold (an empty data folder) and warm (the folder the
 * previous start left), `rounds` times: `npm run bench:start [-- --rounds n]
 * [--json]`. Each figure is `startLocalStack`'s `startupMs`, the same figure
 * `npm run bench` reports as `coldStackStartSeconds` / `stackStartSeconds`,
 * and, for the warm start, when the background import of every handler ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freeStackPorts } from '#local/ports.ts';
import { startLocalStack } from '#local/stack.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const rounds = Number(values.rounds);

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const cold: number[] = [];
const warm: number[] = [];
/** Until every handler module was imported (they load in the background after start). */
const warmHandlers: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const dataDir = mkdtempSync(join(tmpdir(), 'medextract-start-'));
  // The same ports for both starts: the handlers keep the first stack's endpoints.
  const ports = await freeStackPorts();
  try {
    let stack = await startLocalStack({ dataDir, ports });
    cold.push(stack.startupMs);
    await stack.stop();
    stack = await startLocalStack({ dataDir, ports });
    warm.push(stack.startupMs);
    warmHandlers.push(await stack.handlersLoaded());
    await stack.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const result = {
  rounds,
  coldStackStartSeconds: median(cold) / 1_000,
  stackStartSeconds: median(warm) / 1_000,
  warmHandlersLoadedSeconds: median(warmHandlers) / 1_000,
  coldMs: cold,
  warmMs: warm,
  warmHandlersLoadedMs: warmHandlers,
  loadAverage: loadavg()[0],
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`cold  median ${result.coldStackStartSeconds} s  (${cold.join(', ')} ms)`);
  console.log(`warm  median ${result.stackStartSeconds} s  (${warm.join(', ')} ms)`);
  console.log(
    `warm, handlers imported: median ${result.warmHandlersLoadedSeconds} s (${warmHandlers.join(', ')} ms)`,
  );
  console.log(`load average ${result.loadAverage?.toFixed(2)}`);
}
process.exit(0);
