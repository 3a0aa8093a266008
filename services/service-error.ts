/**
 * The use cases' own named errors, each with a code a caller maps to its own
 * answer (the CLI to an exit code, the HTTP API to 404/409/400/422) and a
 * reason a program can branch on. On their own, apart from errors.ts (which
 * also classifies the experiments' errors), so a use case that throws one
 * does not load the experiments' domain and analysis with it.
 *
 * NOT_FOUND: the thing named does not exist. CONFLICT: it exists but its state
 * forbids the request. INVALID_INPUT: the request itself is wrong. REFUSED:
 * valid and allowed, but a rule (the analysis) says no.
 */
export const SERVICE_ERROR_CODES = ['NOT_FOUND', 'CONFLICT', 'INVALID_INPUT', 'REFUSED'] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

export abstract class ServiceError extends Error {
  abstract readonly code: ServiceErrorCode;
  /** A stable machine-readable reason, e.g. `UNKNOWN_PROMPT_VERSION`. */
  readonly reason: string;
  /** The input field the error is about, when there is one (`control`, `version`). */
  readonly field: string | null;

  constructor(reason: string, message: string, field: string | null = null) {
    super(message);
    this.reason = reason;
    this.field = field;
  }
}

export class NotFoundError extends ServiceError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends ServiceError {
  override readonly name = 'ConflictError';
  readonly code = 'CONFLICT';
}

export class InvalidInputError extends ServiceError {
  override readonly name = 'InvalidInputError';
  readonly code = 'INVALID_INPUT';
}
