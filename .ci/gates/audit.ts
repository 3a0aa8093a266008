/**
 * Dependency audit: `npm audit` against the registry's advisory database,
 * failing on any high or critical advisory that audit-exceptions.json does
 * not list with a reason. `npx tsx .ci/gates/audit.ts [--offline-ok]`:
 * with --offline-ok an unreachable advisory endpoint is reported as skipped
 * instead of failing (for machines that reach the registry's packages but
 * not its audit API); without it, unreachable is a failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const BLOCKING = new Set(['high', 'critical']);

const ExceptionsSchema = z.record(
  z.string().regex(/^GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/),
  z.object({ package: z.string(), reason: z.string().min(20), until: z.string().optional() }),
);

const AdvisorySchema = z.object({
  source: z.number().optional(),
  name: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  severity: z.string(),
});
const ReportSchema = z.object({
  vulnerabilities: z.record(
    z.string(),
    z.object({ severity: z.string(), via: z.array(z.union([z.string(), AdvisorySchema])) }),
  ),
});

export interface AuditFinding {
  readonly advisory: string;
  readonly pkg: string;
  readonly severity: string;
  readonly title: string;
}

/** High and critical advisories in an `npm audit --json` report, minus the exceptions. */
export const blockingFindings = (
  report: unknown,
  exceptions: Readonly<Record<string, unknown>>,
): AuditFinding[] => {
  const { vulnerabilities } = ReportSchema.parse(report);
  const seen = new Map<string, AuditFinding>();
  for (const vulnerability of Object.values(vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === 'string' || !BLOCKING.has(via.severity)) continue;
      const advisory = /GHSA-[a-z0-9-]+/.exec(via.url ?? '')?.[0] ?? String(via.source ?? via.name);
      if (advisory in exceptions) continue;
      seen.set(advisory, {
        advisory,
        pkg: via.name,
        severity: via.severity,
        title: via.title ?? '',
      });
    }
  }
  return [...seen.values()];
};

const main = (): void => {
  const offlineOk = process.argv.includes('--offline-ok');
  const exceptions = ExceptionsSchema.parse(
    JSON.parse(readFileSync(new URL('./audit-exceptions.json', import.meta.url), 'utf8')),
  );
  const run = spawnSync('npm', ['audit', '--json'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    timeout: 120_000,
  });
  let report: unknown = null;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    // handled below
  }
  const parsed = ReportSchema.safeParse(report);
  if (!parsed.success) {
    const reason =
      (run.stderr.match(/npm (?:warn|error) audit .*/g) ?? []).join('; ') ||
      'no audit report returned';
    if (offlineOk) {
      console.log(`dependency audit: SKIPPED, advisory endpoint unavailable (${reason})`);
      return;
    }
    console.log(`dependency audit: FAILED to run (${reason})`);
    process.exitCode = 1;
    return;
  }
  const findings = blockingFindings(report, exceptions);
  for (const f of findings) {
    console.log(`audit: ${f.severity} ${f.advisory} in ${f.pkg}: ${f.title}`);
  }
  const all = Object.keys(parsed.data.vulnerabilities).length;
  console.log(
    `dependency audit: ${all} vulnerable packages reported, ${Object.keys(exceptions).length} exceptions, ${findings.length} blocking (high or critical)`,
  );
  process.exitCode = findings.length === 0 ? 0 : 1;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
