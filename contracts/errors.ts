/**
 * Named errors that escape handlers. The state machine's Retry and Catch match
 * on `name`, so names are an API: never rename one without changing the ASL.
 * Messages carry reason codes and ids only, never document text or patient data.
 */

import {
  DOCUMENT_REASONS,
  type DocumentReason,
  FAILURE_REASONS,
  type FailureReason,
} from '#core/extraction/reasons.ts';

export { DOCUMENT_REASONS, type DocumentReason, FAILURE_REASONS, type FailureReason };

/** Base class: every named error carries a reason code. */
export abstract class MedExtractError extends Error {
  abstract readonly reason: FailureReason;
}

/** The document cannot be processed as uploaded (ASL: no retry, straight to failure). */
export class BadDocumentError extends MedExtractError {
  override readonly name = 'BadDocument';
  constructor(
    readonly reason: DocumentReason,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

/** Bedrock throttling (429) or model not ready: retried with backoff and jitter. */
export class ModelThrottledError extends MedExtractError {
  override readonly name = 'ModelThrottled';
  readonly reason = 'MODEL_THROTTLED' as const;
}

/** Bedrock 5xx / service unavailable: retried with backoff and jitter. */
export class ModelUnavailableError extends MedExtractError {
  override readonly name = 'ModelUnavailable';
  readonly reason = 'MODEL_UNAVAILABLE' as const;
}

/** The model took longer than its timeout: at most one retry. */
export class ModelTimeoutError extends MedExtractError {
  override readonly name = 'ModelTimeout';
  readonly reason = 'MODEL_TIMEOUT' as const;
}

/** No tool call, invalid JSON, or output that fails the version's schema: one retry. */
export class ModelOutputInvalidError extends MedExtractError {
  override readonly name = 'ModelOutputInvalid';
  readonly reason = 'MODEL_OUTPUT_INVALID' as const;
}

/** Stop reason `max_tokens`: the output is cut off, one retry. */
export class ModelOutputTruncatedError extends MedExtractError {
  override readonly name = 'ModelOutputTruncated';
  readonly reason = 'MODEL_OUTPUT_TRUNCATED' as const;
}

/** Validation, access or missing-model errors: a retry cannot help. */
export class ModelRequestRejectedError extends MedExtractError {
  override readonly name = 'ModelRequestRejected';
  readonly reason = 'MODEL_REQUEST_REJECTED' as const;
}

/** A prompt version that is not bundled with this build. */
export class PromptVersionUnknownError extends MedExtractError {
  override readonly name = 'PromptVersionUnknown';
  readonly reason = 'PROMPT_VERSION_UNKNOWN' as const;
}

/** The document has image pages and the prompt version does not declare `input.images`. */
export class PromptLacksImageInputError extends MedExtractError {
  override readonly name = 'PromptLacksImageInput';
  readonly reason = 'PROMPT_NO_IMAGE_INPUT' as const;
}

/**
 * The model slot a document would get lies beyond the stage's maximum
 * admission wait: the backlog is longer than the stage allows (ASL: no retry).
 */
export class AdmissionWaitExceededError extends MedExtractError {
  override readonly name = 'AdmissionWaitExceeded';
  readonly reason = 'ADMISSION_WAIT_EXCEEDED' as const;
}

/** Error names the ASL matches, in one place for the ASL tests. */
export const ERROR_NAMES = {
  badDocument: 'BadDocument',
  modelThrottled: 'ModelThrottled',
  modelUnavailable: 'ModelUnavailable',
  modelTimeout: 'ModelTimeout',
  modelOutputInvalid: 'ModelOutputInvalid',
  modelOutputTruncated: 'ModelOutputTruncated',
  modelRequestRejected: 'ModelRequestRejected',
  promptVersionUnknown: 'PromptVersionUnknown',
  promptLacksImageInput: 'PromptLacksImageInput',
  admissionWaitExceeded: 'AdmissionWaitExceeded',
} as const;
