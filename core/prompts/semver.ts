/**
 * The small part of semantic versioning prompt versions need: parse
 * `MAJOR.MINOR.PATCH` (no pre-release tags) and order versions.
 */

/** `MAJOR.MINOR.PATCH`, digits only, no leading `v`. */
export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** True when `value` is a plain `MAJOR.MINOR.PATCH` version. */
export function isSemver(value: string): boolean {
  return SEMVER_PATTERN.test(value);
}

/** The three numbers of a version, or null when it is not plain semver. */
export function parseSemver(value: string): readonly [number, number, number] | null {
  const match = SEMVER_PATTERN.exec(value);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Negative when a < b, 0 when equal, positive when a > b; unparsable versions sort first. */
export function compareSemver(a: string, b: string): number {
  const left = parseSemver(a) ?? [-1, -1, -1];
  const right = parseSemver(b) ?? [-1, -1, -1];
  return left[0] - right[0] || left[1] - right[1] || left[2] - right[2];
}

/** Folder name of a version: `1.2.0` -> `v1.2.0`. */
export function versionFolder(version: string): string {
  return `v${version}`;
}
