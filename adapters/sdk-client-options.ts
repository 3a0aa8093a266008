/**
 * The setting every AWS SDK client of MedExtract takes, DynamoDB's aside:
 * the client resolves a command class's middleware stack on its first
 * request and reuses it, instead of copying and sorting the whole stack
 * again for every request (ADR 72). What the cache would miss is
 * middleware added to one command object, which nothing here does; the
 * DynamoDB document client refuses the setting, so the DynamoDB clients go
 * without it.
 */
export const REUSED_MIDDLEWARE = { cacheMiddleware: true } as const;
