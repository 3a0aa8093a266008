/**
 * `semver` as the function bundles see it (ADR 59, second amendment; the
 * same alias as for the HTTP handler): the X-Ray SDK requires the full `semver`
 * package (about 29 KB minified, and some forty regular expressions built
 * when it loads) only for its AWS SDK v2 patcher, `captureAWS`, which checks
 * the v2 SDK's version before patching it. The functions use the AWS SDK v3
 * and trace its clients through `captureAWSv3Client` (Powertools Tracer),
 * which never calls `semver`; nothing else in a bundle requires it (the
 * prompt registry has its own `core/prompts/semver.ts`).
 *
 * Every function that `captureAWS` would call refuses with the reason, so a
 * change that starts using the v2 patcher, or another package that starts
 * requiring `semver` in a bundle, fails on first use instead of comparing
 * versions wrongly. `test/infra/semver-stand-in.test.ts` checks both.
 */
'use strict';

const refuse = (name) => () => {
  throw new Error(
    `semver.${name}: the function bundles carry no semver (ADR 59); only the X-Ray SDK's AWS SDK v2 patcher asks for it, and the functions use the v3 SDK`,
  );
};

for (const name of ['gte', 'gt', 'lt', 'lte', 'satisfies', 'valid', 'coerce', 'compare', 'parse']) {
  exports[name] = refuse(name);
}
