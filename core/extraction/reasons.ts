/**
 * Reason codes: why a document was rejected or an execution failed. Plain
 * data shared by the domain (analysis counts failures by reason) and the
 * named errors in `contracts/errors.ts`.
 */

/** Why a document was rejected before any model call. Never retried. */
export const DOCUMENT_REASONS = [
  'EMPTY',
  'NOT_PDF',
  'INVALID_PDF',
  'ENCRYPTED',
  'TOO_LARGE',
  'TOO_MANY_PAGES',
  'NO_TEXT_LAYER',
  'OBJECT_GONE',
  'DECOMPRESSION_LIMIT',
  'TOO_MANY_IMAGE_PAGES',
  'RENDER_LIMIT',
  'SCAN_UNREADABLE',
] as const;
export type DocumentReason = (typeof DOCUMENT_REASONS)[number];

/** Every reason a FAILED execution can carry. */
export const FAILURE_REASONS = [
  ...DOCUMENT_REASONS,
  'MODEL_THROTTLED',
  'MODEL_UNAVAILABLE',
  'MODEL_TIMEOUT',
  'MODEL_OUTPUT_INVALID',
  'MODEL_OUTPUT_TRUNCATED',
  'MODEL_REQUEST_REJECTED',
  'PROMPT_VERSION_UNKNOWN',
  'PROMPT_NO_IMAGE_INPUT',
  'ADMISSION_WAIT_EXCEEDED',
  'TIMEOUT',
  'INTERNAL_ERROR',
  /** Run again after each of several interruptions in a row (stack stopped or crashed under it); ADR 0031. */
  'INTERRUPTED_REPEATEDLY',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
