/**
 * The use cases' named errors, each with a code a caller maps to its own
 * answer (the CLI to an exit code, the HTTP API to 404/409/400/422) and a
 * reason a program can branch on. Errors the domain and the repository
 * already name are classified here too, so callers map one set of codes.
 * The use cases import their own errors from service-error.ts, which loads
 * none of the experiments' modules.
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
import { ServiceError, type ServiceErrorCode } from './service-error.ts';

export {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  SERVICE_ERROR_CODES,
  ServiceError,
  type ServiceErrorCode,
} from './service-error.ts';

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
