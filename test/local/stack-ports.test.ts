/**
 * No port of the local stack listens on a non-loopback address: every
 * listening TCP socket of this process and of its child processes (DynamoDB
 * Local's JVM) is on 127.0.0.1, checked with `ss`, and every endpoint the
 * stack reports is among them.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#local/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ ports: { s3sqs: 0, dynamodb: 0, stepfunctions: 0, bedrock: 0 } });
}, 180_000);
afterAll(async () => stack?.stop());

/** This process and every descendant, from /proc. */
const processTree = (root: number): Set<number> => {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
};

/** `[address, port]` of every listening TCP socket owned by one of `pids`. */
const listeningSockets = (pids: Set<number>): [string, number][] =>
  execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => [...line.matchAll(/pid=(\d+)/g)].some((m) => pids.has(Number(m[1]))))
    .map((line) => {
      const local = line.trim().split(/\s+/)[3] ?? '';
      const colon = local.lastIndexOf(':');
      return [local.slice(0, colon), Number(local.slice(colon + 1))];
    });

describe('local stack exposure', () => {
  it('listens on 127.0.0.1 only, on every endpoint it reports', () => {
    // Act
    const sockets = listeningSockets(processTree(process.pid));

    // Assess
    console.log(`listening: ${sockets.map(([address, port]) => `${address}:${port}`).join(' ')}`);
    const endpointPorts = Object.values(stack.endpoints).map((url) => Number(new URL(url).port));
    const ports = new Set(sockets.map(([, port]) => port));
    for (const port of endpointPorts) expect(ports).toContain(port);
    for (const [address] of sockets) {
      expect(['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]']).toContain(address);
    }
  });
});
