/**
 * The function bundles take `semver` from the repository's stand-in (ADR 59,
 * second amendment): no bundle carries the package, the check reports a
 * build without the alias, and the X-Ray SDK bundled with the function
 * settings still traces an AWS SDK v3 client, while its v2 patcher, the only
 * caller of `semver`, refuses with the reason instead of comparing versions.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES } from '#infra/bundle-settings.ts';
import { functionEntry } from '#infra/repo-paths.ts';
import {
  buildOutputs,
  type FunctionOutput,
  functionOutputs,
} from '#test/bench/function-outputs.ts';
import { runBundledProbe } from '#test/helpers/bundled-probe.ts';

const carriesSemver = (built: FunctionOutput): boolean =>
  Object.keys(built.output.inputs).some((path) => path.includes('node_modules/semver/'));
const carriesStandIn = (built: FunctionOutput): boolean =>
  Object.keys(built.output.inputs).some((path) =>
    path.endsWith('functions/shared/xray-semver-stand-in.cjs'),
  );

/** Bundled with the function settings: the X-Ray SDK's v3 and v2 patchers, and what each did. */
const PROBE = `
import AWSXRay from 'aws-xray-sdk-core';
import { S3Client } from '#adapters/aws-sdk/client-s3.cjs';

const client = AWSXRay.captureAWSv3Client(new S3Client({ region: 'us-east-1' }));
let v2 = 'patched';
try {
  AWSXRay.captureAWS({ VERSION: '2.1692.0' });
} catch (error) {
  v2 = error.message;
}
process.stdout.write(JSON.stringify({
  v3Traced: client.middlewareStack.identify().some((entry) => entry.includes('XRaySDKInstrumentation')),
  v2,
}));
`;

describe('function bundles without the semver package', () => {
  it('no function bundle carries semver; each with the X-Ray SDK carries the stand-in', async () => {
    // Act
    const bundles = await functionOutputs();

    // Assess
    const withSemver = [...bundles].filter(([, built]) => carriesSemver(built)).map(([n]) => n);
    expect(withSemver).toEqual([]);
    const withStandIn = [...bundles].filter(([, built]) => carriesStandIn(built)).map(([n]) => n);
    expect(withStandIn).toEqual([...bundles.keys()]);
  }, 120_000);

  it('reports a bundle built without the alias: the X-Ray SDK brings semver', async () => {
    // Prepare
    const { semver: _standIn, ...otherAliases } = BUNDLE_ALIASES;

    // Act
    const built = await buildOutputs([['starter', functionEntry('starter')]], {
      alias: otherAliases,
    });

    // Assess
    expect(carriesSemver(built.get('starter') as FunctionOutput)).toBe(true);
  }, 60_000);

  it('traces an SDK v3 client from a bundle, and the v2 patcher refuses with the reason', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };

    // Act
    const result = await runBundledProbe(PROBE, 'functions/starter', env);

    // Assess
    expect(result.status, result.stderr).toBe(0);
    const probe = JSON.parse(result.stdout) as { v3Traced: boolean; v2: string };
    expect(probe.v3Traced).toBe(true);
    expect(probe.v2).toContain('the function bundles carry no semver');
  }, 60_000);
});
