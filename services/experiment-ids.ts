/**
 * Experiment ids from names: lower-case letters, digits and dashes, at most
 * 63 characters, so `Test v2.0.0` becomes `test-v2-0-0`. One rule for every
 * caller that lets a user name an experiment without choosing an id.
 */
export const idFromName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
