/**
 * The console's only backend: JSON calls to the MedExtract HTTP API on the
 * same origin, with problem documents turned into errors that carry their
 * reason code, and an unreachable API said in words.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const UNREACHABLE = 'The API is unreachable: is `npm start` running?';

/** GET or send JSON; answers the parsed body or throws an ApiError. */
export const api = async <T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ApiError(0, 'UNREACHABLE', UNREACHABLE);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    throw new ApiError(
      response.status,
      'NOT_JSON',
      `The API answered ${response.status} without JSON.`,
    );
  }
  if (!response.ok) {
    const problem = (body ?? {}) as { reason?: string; detail?: string; title?: string };
    throw new ApiError(
      response.status,
      problem.reason ?? `HTTP_${response.status}`,
      problem.detail ?? problem.title ?? `The API answered ${response.status}.`,
    );
  }
  return body as T;
};

export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });

/** Query string from the defined, non-empty values. */
export const query = (values: Record<string, string | undefined>): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};
