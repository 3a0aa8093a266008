/**
 * RFC 9457 problem documents: the one shape of every 4xx/5xx answer, built
 * from a status, a stable reason code and a detail that names no patient
 * data, and the mapping of the use cases' named errors onto it.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ServiceError, serviceErrorCode } from '#services/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const FieldErrorSchema = z
  .object({
    field: z.string().openapi({ description: 'Dotted path of the input field at fault' }),
    message: z.string(),
  })
  .openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: 'URI naming the kind of problem' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    reason: z.string().openapi({ description: 'Stable machine-readable reason code' }),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A problem document; `type` is a stable URI per reason, under the API's own namespace. */
export const problemOf = (
  status: number,
  reason: string,
  detail: string,
  errors?: ReadonlyArray<{ field: string; message: string }>,
): Problem => ({
  type: `https://medextract.dev/problems/${reason.toLowerCase().replaceAll('_', '-')}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  reason,
  ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
});

/** Sends a problem document with its media type. */
export const sendProblem = (c: Context, problem: Problem): Response =>
  c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': PROBLEM_CONTENT_TYPE,
  });

const STATUS_OF_CODE = { NOT_FOUND: 404, CONFLICT: 409, INVALID_INPUT: 400, REFUSED: 409 } as const;

/**
 * The problem for an error a use case let escape. Named errors keep their
 * message (ids, versions and codes only); anything else is a 500 whose
 * detail says nothing about the input, and no stack ever leaves.
 */
export const problemOfError = (error: unknown): Problem => {
  const code = serviceErrorCode(error);
  if (code === null || !(error instanceof Error)) {
    return problemOf(500, 'INTERNAL', 'the request failed unexpectedly; see the API logs');
  }
  const reason = error instanceof ServiceError ? error.reason : reasonOfErrorName(error.name);
  const field = error instanceof ServiceError ? error.field : null;
  return problemOf(
    STATUS_OF_CODE[code],
    reason,
    error.message,
    field ? [{ field, message: error.message }] : undefined,
  );
};

/** `InvalidTransitionError` -> `INVALID_TRANSITION`. */
const reasonOfErrorName = (name: string): string =>
  name
    .replace(/Error$/, '')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase();

/** zod issues as field errors (paths and messages; never the rejected values). */
export const fieldErrorsOf = (
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): Array<{ field: string; message: string }> =>
  issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));

/** Thrown by a route to answer with this problem document. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/** Answers any route can give: a foreign Origin, throttling, an unexpected failure. */
const EVERY_ROUTE = [403, 429, 500] as const;

/** The OpenAPI description of the problem answers a route can give, besides {@link EVERY_ROUTE}. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    [...statuses, ...EVERY_ROUTE].map((status) => [
      status,
      {
        description: TITLES[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
