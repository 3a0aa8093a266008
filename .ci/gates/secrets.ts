/**
 * Secret scan: every file git tracks, plus new files not ignored, checked
 * line by line against patterns for credentials that must never be
 * committed. Binary files are skipped; AWS's documented example key (…EXAMPLE)
 * is not a finding. `npx tsx .ci/gates/secrets.ts`.
 *
 * Patterns (each one a credential format with a fixed, recognisable shape,
 * so the scan stays quiet on ordinary code):
 * - AWS access key id: AKIA/ASIA/ABIA/ACCA + 16 upper-case letters or digits
 * - AWS secret access key: a 40-character key after aws_secret_access_key
 * - private keys: PEM `-----BEGIN … PRIVATE KEY-----` blocks
 * - GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ + 36, github_pat_ fine-grained
 * - npm tokens: npm_ + 36
 * - Slack tokens (xoxb-, xoxp-, …) and incoming-webhook URLs
 * - Google API keys: AIza + 35
 * - Stripe live secret keys: sk_live_ + 24
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SecretPattern {
  readonly name: string;
  readonly pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
  {
    name: 'AWS secret access key',
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/i,
  },
  {
    name: 'private key',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/,
  },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  {
    name: 'Slack webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/,
  },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'Stripe live key', pattern: /\bsk_live_[0-9a-zA-Z]{24,}\b/ },
];

/** AWS's own documentation examples are not secrets. */
const isDocumentedExample = (match: string): boolean => /EXAMPLE/.test(match);

export interface SecretFinding {
  readonly file: string;
  readonly line: number;
  readonly kind: string;
}

/** Findings in one text; never returns the matched value itself. */
export const scanText = (file: string, text: string): SecretFinding[] =>
  text.split('\n').flatMap((content, index) =>
    SECRET_PATTERNS.flatMap(({ name, pattern }) => {
      const match = pattern.exec(content);
      return match && !isDocumentedExample(match[0]) ? [{ file, line: index + 1, kind: name }] : [];
    }),
  );

const isBinary = (buffer: Buffer): boolean => buffer.subarray(0, 8000).includes(0);

/** Tracked files and untracked files that are not ignored, relative to `repo`. */
export const candidateFiles = (repo: string): string[] =>
  execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);

const main = (): void => {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const files = candidateFiles(repo);
  let scanned = 0;
  const findings: SecretFinding[] = [];
  for (const file of files) {
    let buffer: Buffer;
    try {
      buffer = readFileSync(join(repo, file));
    } catch {
      continue; // deleted in the work tree
    }
    if (isBinary(buffer)) continue;
    scanned += 1;
    findings.push(...scanText(file, buffer.toString('utf8')));
  }
  for (const finding of findings) {
    console.log(`secret scan: ${finding.file}:${finding.line}: looks like a ${finding.kind}`);
  }
  console.log(`secret scan: ${scanned} text files scanned, ${findings.length} findings`);
  process.exitCode = findings.length === 0 ? 0 : 1;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
