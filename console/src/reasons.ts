/**
 * Failure reason codes in words with what to do about each, grouped the way
 * the runbook's DLQ procedure groups them (bad input, transient, fix the
 * prompt or configuration).
 */

export interface ReasonText {
  readonly words: string;
  readonly action: string;
}

const BAD_INPUT =
  'The document itself is the problem: a redrive fails again. Ask the sender for a corrected upload (a new upload is a new document).';
const TRANSIENT =
  'Transient: fix or wait out the cause (the alarm that fired with it says which), then redrive it from the DLQ page.';

export const REASONS: Readonly<Record<string, ReasonText>> = {
  EMPTY: { words: 'The file is empty.', action: BAD_INPUT },
  NOT_PDF: { words: 'The file is not a PDF.', action: BAD_INPUT },
  INVALID_PDF: { words: 'The PDF is damaged and cannot be read.', action: BAD_INPUT },
  ENCRYPTED: {
    words: 'The PDF is password-protected.',
    action: `${BAD_INPUT} It must be sent without a password.`,
  },
  TOO_LARGE: {
    words: 'The file is over the size limit.',
    action: `${BAD_INPUT} Split it into smaller files.`,
  },
  TOO_MANY_PAGES: {
    words: 'The PDF has more pages than the limit.',
    action: `${BAD_INPUT} Split it.`,
  },
  NO_TEXT_LAYER: { words: 'No page has text or draws anything.', action: BAD_INPUT },
  OBJECT_GONE: {
    words: 'The uploaded object was deleted before it was read.',
    action: 'Upload it again.',
  },
  DECOMPRESSION_LIMIT: {
    words: 'The PDF expands past the decompression budget (a possible PDF bomb).',
    action: BAD_INPUT,
  },
  TOO_MANY_IMAGE_PAGES: { words: 'Over 20 scanned pages.', action: `${BAD_INPUT} Split it.` },
  RENDER_LIMIT: { words: 'A scanned page went over its time or memory budget.', action: BAD_INPUT },
  SCAN_UNREADABLE: {
    words: 'The scan was read but at most one required field came out.',
    action: 'Ask for a clearer scan.',
  },
  MODEL_THROTTLED: { words: 'The model throttled every retry.', action: TRANSIENT },
  MODEL_UNAVAILABLE: { words: 'The model was unavailable.', action: TRANSIENT },
  MODEL_TIMEOUT: { words: 'The model did not answer in time.', action: TRANSIENT },
  MODEL_OUTPUT_INVALID: {
    words: "The model's answer did not match the version's schema.",
    action: 'Look at the prompt version; redrive after a fix.',
  },
  MODEL_OUTPUT_TRUNCATED: {
    words: "The model's answer was cut off at its token limit.",
    action: "Raise the version's token limit or shorten the prompt.",
  },
  MODEL_REQUEST_REJECTED: {
    words: 'The model refused the request.',
    action: "Check the model access and the prompt version's settings.",
  },
  PROMPT_VERSION_UNKNOWN: {
    words: 'The selected prompt version is not bundled.',
    action: 'Move the production alias to a bundled version, then redrive.',
  },
  PROMPT_NO_IMAGE_INPUT: {
    words: 'A scanned document, and the prompt version does not read images.',
    action: 'Route it with an image-capable version, then redrive.',
  },
  TIMEOUT: { words: 'The execution ran out of time.', action: TRANSIENT },
  INTERNAL_ERROR: {
    words: 'An unexpected error.',
    action: `${TRANSIENT} If it repeats, read the function logs.`,
  },
  INTERRUPTED_REPEATEDLY: {
    words: 'The stack stopped or crashed under every attempt, several times in a row.',
    action: `${TRANSIENT} The reconciler already ran it again each time; check the reconciler's repairs and the stack's health first.`,
  },
  STARTER_FAILED: { words: 'The upload could not start an execution.', action: TRANSIENT },
};

export const reasonText = (code: string | null | undefined): ReasonText | undefined =>
  code ? REASONS[code] : undefined;
