/**
 * Maps a caught state-machine error to a reason code and a cause that is safe
 * to keep: MedExtract's own errors carry reason codes only; anything else is
 * reduced to its error type, since foreign messages may quote input.
 */
import { DOCUMENT_REASONS, type FailureReason } from '#contracts/errors.ts';

const BY_ERROR_NAME: Readonly<Record<string, FailureReason>> = {
  ModelThrottled: 'MODEL_THROTTLED',
  ModelUnavailable: 'MODEL_UNAVAILABLE',
  ModelTimeout: 'MODEL_TIMEOUT',
  ModelOutputInvalid: 'MODEL_OUTPUT_INVALID',
  ModelOutputTruncated: 'MODEL_OUTPUT_TRUNCATED',
  ModelRequestRejected: 'MODEL_REQUEST_REJECTED',
  PromptVersionUnknown: 'PROMPT_VERSION_UNKNOWN',
  PromptLacksImageInput: 'PROMPT_NO_IMAGE_INPUT',
  AdmissionWaitExceeded: 'ADMISSION_WAIT_EXCEEDED',
  'States.Timeout': 'TIMEOUT',
  'States.HeartbeatTimeout': 'TIMEOUT',
};

const OWN_ERRORS = new Set(['BadDocument', ...Object.keys(BY_ERROR_NAME)]);

/** Lambda puts `{"errorType","errorMessage",...}` in Cause; other sources put plain text. */
const causeMessage = (cause: string | undefined): string => {
  if (!cause) return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) {
      return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '';
    }
  } catch {
    // plain-text cause
  }
  return cause;
};

export interface ClassifiedFailure {
  readonly reason: FailureReason;
  readonly error: string;
  readonly cause: string;
}

export const classifyFailure = (error: {
  Error: string;
  Cause?: string | undefined;
}): ClassifiedFailure => {
  const message = causeMessage(error.Cause);
  if (error.Error === 'BadDocument') {
    const reason = DOCUMENT_REASONS.find(
      (code) => message === code || message.startsWith(`${code}:`),
    );
    return { reason: reason ?? 'INTERNAL_ERROR', error: error.Error, cause: message.slice(0, 200) };
  }
  const reason = BY_ERROR_NAME[error.Error] ?? 'INTERNAL_ERROR';
  const cause = OWN_ERRORS.has(error.Error)
    ? message.slice(0, 200)
    : `${error.Error} (details in the execution history)`;
  return { reason, error: error.Error, cause };
};
