/**
 * The use cases' named errors, each with a code a caller maps to its own
 * answer (the CLI to an exit code, the HTTP API to 404/409/400/422) and a
 * reason a program can branch on. Errors the domain and the repository
 * already name are classified here too, so callers map one set of codes.
 */
import {
  ConcurrentUpdateError,
  ExperimentExistsError,
  ExperimentNotFoundError,
} from '#adapters/experiments-repository.ts';
import {
  ExperimentConflictError,
  ExperimentValidationError,
  InvalidTransitionError,
  PromotionRefusedError,
} from '#core/experiments/lifecycle.ts';
import { ExperimentNotStartedError } from './experiment-analysis.ts';

/**
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

/** How any error a use case lets escape classifies, or null for an unexpected one. */
export const serviceErrorCode = (error: unknown): ServiceErrorCode | null => {
  if (error instanceof ServiceError) return error.code;
  if (error instanceof ExperimentNotFoundError) return 'NOT_FOUND';
  if (
    error instanceof ExperimentExistsError ||
    error instanceof ConcurrentUpdateError ||
    error instanceof InvalidTransitionError ||
    error instanceof ExperimentConflictError ||
    error instanceof ExperimentNotStartedError
  )
    return 'CONFLICT';
  if (error instanceof ExperimentValidationError) return 'INVALID_INPUT';
  if (error instanceof PromotionRefusedError) return 'REFUSED';
  return null;
};
