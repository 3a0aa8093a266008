/**
 * The CI gates' rules, on inputs built here: SPDX expressions against the
 * licence allow-list and recorded exceptions, each secret pattern (test
 * values are assembled at run time so this file holds none), lockfile pins
 * and integrity, and which audit advisories block.
 */
import { describe, expect, it } from 'vitest';
import { blockingFindings } from '../../.ci/gates/audit.ts';
import { expressionAllowed, licenceViolations } from '../../.ci/gates/licences.ts';
import { lockfileProblems } from '../../.ci/gates/lockfile.ts';
import { SECRET_PATTERNS, scanText } from '../../.ci/gates/secrets.ts';

const ALLOWED = new Set(['MIT', 'Apache-2.0', 'ISC']);

describe('licence gate', () => {
  it.each([
    ['MIT', true],
    ['(MIT OR GPL-3.0-or-later)', true],
    ['MIT AND Apache-2.0', true],
    ['MIT AND GPL-3.0-only', false],
    ['GPL-2.0-only', false],
    ['(GPL-2.0-only OR (ISC AND MIT))', true],
    ['Apache-2.0 WITH LLVM-exception', true],
  ])('judges %s as allowed=%s', (expression, allowed) => {
    // Prepare / Act / Assess
    expect(expressionAllowed(expression, ALLOWED)).toBe(allowed);
  });

  it('reports packages without a licence, off the list, or no longer matching their exception', () => {
    // Prepare
    const pkg = (name: string, licence: string | null) => ({
      name,
      version: '1.0.0',
      licence,
      path: name,
    });
    const policy = {
      allowed: ['MIT'],
      exceptions: {
        'png-js': { licence: '(none)', reason: 'LICENSE file is MIT; package.json is silent' },
        changed: { licence: 'MPL-2.0', reason: 'dev-only and unmodified, never shipped' },
      },
    };

    // Act
    const violations = licenceViolations(
      [
        pkg('fine', 'MIT'),
        pkg('png-js', null),
        pkg('silent', null),
        pkg('copyleft', 'GPL-3.0-only'),
        pkg('changed', 'GPL-3.0-only'),
      ],
      policy,
    );

    // Assess
    expect(violations.map((v) => v.pkg.name)).toEqual(['silent', 'copyleft', 'changed']);
  });
});

describe('secret scan', () => {
  const samples: Record<string, string> = {
    'AWS access key id': `key = ${'AKIA'}${'Q7ZX'.repeat(4)}`,
    'AWS secret access key': `aws_secret_access_key = ${'wJalrXUtnFEMIK7MDENGbPxRfiCY'}${'a1b2c3d4e5f6'}`,
    'private key': `${'-----BEGIN'} RSA PRIVATE KEY-----`,
    'GitHub token': `${'ghp'}_${'a1B2'.repeat(9)}`,
    'GitHub fine-grained token': `${'github'}_pat_${'11ABCDEFG'.repeat(3)}`,
    'npm token': `${'npm'}_${'a1B2'.repeat(9)}`,
    'Slack token': `${'xoxb'}-123456789012-abcdefghij`,
    'Slack webhook': `https://hooks.slack.com/services/${'T0123'}/${'B0456'}/abcdefXYZ`,
    'Google API key': `${'AIza'}${'Sy0123456789abcdefghijABCDEFGHIJ_-x'}`,
    'Stripe live key': `${'sk_live'}_${'a1B2c3D4'.repeat(3)}`,
  };

  it('has a sample for every pattern', () => {
    // Prepare / Act / Assess
    expect(Object.keys(samples).sort()).toEqual(SECRET_PATTERNS.map((p) => p.name).sort());
  });

  it.each(Object.entries(samples))('finds a %s, without echoing it', (kind, sample) => {
    // Prepare
    const text = `first line\n${sample}\nlast line`;

    // Act
    const findings = scanText('config.txt', text);

    // Assess
    expect(findings).toContainEqual({ file: 'config.txt', line: 2, kind });
    expect(JSON.stringify(findings)).not.toContain(sample);
  });

  it('stays quiet on AWS documentation examples and on local test credentials', () => {
    // Prepare
    const text = [
      `AWS_ACCESS_KEY_ID=${'AKIA'}IOSFODNN7EXAMPLE`,
      'AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local',
      "const sha = 'sha512-3Zl9FmH4d9ElI1j0p6Y1w1Lq9h0tq2Ns0c7kq3V1vU8='",
    ].join('\n');

    // Act / Assess
    expect(scanText('README.md', text)).toEqual([]);
  });
});

describe('lockfile gate', () => {
  it('wants exact pins, sha512 integrity and the npm registry', () => {
    // Prepare
    const manifest = { dependencies: { zod: '4.6.7', loose: '^1.2.3' }, devDependencies: {} };
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/zod': { integrity: 'sha512-abc' },
        'node_modules/weak': { integrity: 'sha1-abc' },
        'node_modules/elsewhere': {
          integrity: 'sha512-abc',
          resolved: 'https://mirror.example/elsewhere.tgz',
        },
        'node_modules/aws-cdk-lib/node_modules/case': { inBundle: true },
      },
    };

    // Act
    const problems = lockfileProblems(manifest, lock);

    // Assess
    expect(problems).toEqual([
      'loose: "^1.2.3" is not an exact version',
      'node_modules/weak: no sha512 integrity',
      'node_modules/elsewhere: resolved outside the npm registry',
    ]);
  });
});

describe('dependency audit', () => {
  it('blocks high and critical advisories that are not listed as exceptions', () => {
    // Prepare
    const advisory = (id: string, name: string, severity: string) => ({
      source: 1,
      name,
      title: `${name} issue`,
      url: `https://github.com/advisories/${id}`,
      severity,
    });
    const report = {
      vulnerabilities: {
        a: { severity: 'high', via: [advisory('GHSA-aaaa-bbbb-cccc', 'a', 'high')] },
        b: { severity: 'moderate', via: [advisory('GHSA-dddd-eeee-ffff', 'b', 'moderate')] },
        c: { severity: 'critical', via: [advisory('GHSA-gggg-hhhh-iiii', 'c', 'critical'), 'a'] },
      },
    };

    // Act
    const findings = blockingFindings(report, { 'GHSA-gggg-hhhh-iiii': {} });

    // Assess
    expect(findings).toEqual([
      { advisory: 'GHSA-aaaa-bbbb-cccc', pkg: 'a', severity: 'high', title: 'a issue' },
    ]);
  });
});
