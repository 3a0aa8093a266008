/**
 * Cleaning of untrusted document text: what is stored under `work/` and what
 * reaches a prompt is NFC-normalised, has LF line ends, and carries no bidi
 * or control characters that would make it read differently from how it is
 * stored.
 */

// Bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// C0 controls and DEL, except tab and newline (carriage returns are folded first).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** NFC, CRLF/CR -> LF, bidi and control characters removed. */
export const cleanText = (text: string): string =>
  text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROL_CHARS, '');
