/**
 * The one place functions read environment variables. Handlers read their
 * configuration once at load, so a misconfigured function fails at cold
 * start with the variable's name, not halfway through a document.
 */

/** A required variable; throws naming it when unset or empty. */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
};

/** An optional positive integer with a default; throws on a malformed value. */
export const intEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer`);
  }
  return value;
};

/** An optional string with a default. */
export const stringEnv = (name: string, fallback: string): string => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : raw;
};
