/**
 * The layout's import rules as data, and a checker that reports every import
 * in a set of source files that breaks them (docs/adr/0016-layout-and-import-rules.md).
 */
import { dirname, join, normalize } from 'node:path';

/** Top-level folders whose imports are governed. */
export const ROOMS = [
  'core',
  'contracts',
  'adapters',
  'services',
  'api',
  'functions',
  'cli',
  'local',
  'infra',
  'events',
  'statemachines',
  'console',
  'test',
] as const;
export type Room = (typeof ROOMS)[number];

/** Modules a pure room may not import: AWS SDK, Lambda tooling, I/O. */
const IMPURE_MODULES = [
  /^@aws-sdk\//,
  /^@smithy\//,
  /^@aws-lambda-powertools\//,
  /^aws-cdk-lib/,
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|worker_threads|dgram|os)$/,
];

interface RoomRule {
  /** Rooms this room may import from (itself always included). */
  readonly mayImport: readonly Room[];
  /** Pure rooms: no impure modules and no `process.env`. */
  readonly pure?: boolean;
}

export const RULES: Readonly<Record<Room, RoomRule>> = {
  core: { mayImport: [], pure: true },
  contracts: { mayImport: ['core'], pure: true },
  adapters: { mayImport: ['core', 'contracts'] },
  services: { mayImport: ['core', 'contracts', 'adapters'] },
  // The HTTP API is one more face over the services; only its wiring imports it (checked apart).
  api: { mayImport: ['core', 'contracts', 'adapters', 'services'] },
  functions: { mayImport: ['core', 'contracts', 'adapters'] },
  // The CLI may reach a handler only through the invoke command's dynamic import (checked apart).
  cli: {
    mayImport: [
      'core',
      'contracts',
      'adapters',
      'services',
      'local',
      'infra',
      'events',
      'statemachines',
    ],
  },
  local: {
    mayImport: ['core', 'contracts', 'adapters', 'functions', 'statemachines', 'infra'],
  },
  // Synth reads the prompt folders through the same loader the functions use.
  infra: { mayImport: ['core', 'contracts', 'adapters', 'statemachines'] },
  events: { mayImport: [] },
  statemachines: { mayImport: [] },
  // The web console runs in the browser and talks HTTP only; it bundles the ASL to draw it.
  console: { mayImport: ['contracts', 'statemachines'], pure: true },
  test: { mayImport: [...ROOMS] },
};

/** The files that wire the HTTP API into a process: `npm start`. */
export const API_WIRING: readonly string[] = ['cli/start.ts'];

/** The one CLI file allowed to import a handler, and only with `import()`. */
export const HANDLER_INVOKER = 'cli/commands/invoke.ts';

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

const ALIAS = /^#([a-z]+)\//;
const SPECIFIERS =
  /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\bvi\.mock\(\s*)(['"`])([^'"`$]+)(?:\1|\$\{)/gm;

const roomOf = (path: string): Room | undefined =>
  ROOMS.find((room) => path === room || path.startsWith(`${room}/`));

/** The room an import specifier lands in, or undefined for a package. */
const targetRoom = (file: string, specifier: string): Room | undefined => {
  const alias = ALIAS.exec(specifier);
  if (alias?.[1]) return roomOf(`${alias[1]}/`);
  if (specifier.startsWith('.')) return roomOf(normalize(join(dirname(file), specifier)));
  return undefined;
};

const isDynamicImport = (matched: string): boolean => /^import\s*\(/.test(matched.trimStart());

/** Every import in `files` that breaks a rule; empty when the layout holds. */
export function findViolations(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const room = roomOf(file.path);
    if (room === undefined) continue;
    const rule = RULES[room];
    if (rule.pure && /\bprocess\.env\b/.test(file.text)) {
      violations.push({
        file: file.path,
        specifier: 'process.env',
        rule: `${room} reads no environment`,
      });
    }
    for (const match of file.text.matchAll(SPECIFIERS)) {
      const specifier = match[2] ?? '';
      const target = targetRoom(file.path, specifier);
      if (target === undefined) {
        if (rule.pure && IMPURE_MODULES.some((pattern) => pattern.test(specifier))) {
          violations.push({ file: file.path, specifier, rule: `${room} is pure: no ${specifier}` });
        }
        continue;
      }
      if (target === room || rule.mayImport.includes(target)) continue;
      const handlerInvocation =
        room === 'cli' &&
        target === 'functions' &&
        file.path === HANDLER_INVOKER &&
        isDynamicImport(match[0]);
      if (handlerInvocation) continue;
      if (target === 'api' && API_WIRING.includes(file.path)) continue;
      violations.push({ file: file.path, specifier, rule: `${room} may not import ${target}` });
    }
  }
  return violations;
}
