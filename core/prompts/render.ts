/**
 * Turns a prompt version and one document's text into what the model is sent:
 * the document is cleaned and placed inside the template's `<document>` block,
 * where it cannot close the block or smuggle in control characters.
 */
import { cleanText } from '#core/extraction/text.ts';
import {
  asksForEvidence,
  DOCUMENT_PLACEHOLDER,
  type PromptVersion,
  type RenderedPrompt,
} from './types.ts';

/** The tool input property that carries the quotes of a version that asks for evidence. */
export const EVIDENCE_PROPERTY = 'evidence';

/** JSON Schema of the `evidence` array: one verbatim quote per recorded value. */
export const EVIDENCE_SCHEMA = {
  type: 'array',
  description:
    "One entry per non-null value recorded in the other fields: the value's field path, the exact text of the document it was read from, copied verbatim, and its page.",
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'quote', 'page'],
    properties: {
      path: {
        type: 'string',
        description:
          'Dotted field path with 0-based list indexes, e.g. patient.name, medications[0].dose, allergies[1].',
      },
      quote: {
        type: 'string',
        description:
          'The shortest span of the document text that states the value, copied character for character (a line or part of a line).',
      },
      page: {
        type: ['integer', 'null'],
        minimum: 1,
        description: 'The 1-based page the quote is on when the document shows it, else null.',
      },
    },
  },
} as const;

/** The tool input schema: the version's schema, plus the evidence array when the version asks for it. */
export function toolInputSchema(v: PromptVersion): Record<string, unknown> {
  if (!asksForEvidence(v.metadata)) return v.schema;
  const declared = v.schema.properties;
  const properties =
    typeof declared === 'object' && declared !== null && !Array.isArray(declared) ? declared : {};
  const required = Array.isArray(v.schema.required) ? v.schema.required : [];
  return {
    ...v.schema,
    properties: { ...properties, [EVIDENCE_PROPERTY]: EVIDENCE_SCHEMA },
    required: [...required, EVIDENCE_PROPERTY],
  };
}

/** Name of the single, forced tool the model records its extraction with. */
export const TOOL_NAME = 'record_medical_record';

/** Tool description sent with the version's schema. */
export const TOOL_DESCRIPTION =
  'Records the fields extracted from the medical document for life-insurance underwriting. ' +
  'Call it exactly once with every field; use null for any value the document does not state.';

// Any spelling of an opening or closing document tag: case, spaces, attributes.
const DOCUMENT_TAG = /<(\s*\/?\s*document\b[^<>]*)>/gi;

/**
 * Cleans untrusted document text before it is placed in a prompt: NFC
 * normalisation, CRLF -> LF, bidi and control characters removed, and every
 * `<document>`/`</document>` tag defused to `&lt;document&gt;` so the data
 * block can only be closed by the template.
 */
export function sanitiseDocumentText(text: string): string {
  return cleanText(text).replace(DOCUMENT_TAG, '&lt;$1&gt;');
}

/** Builds the system prompt, user message and forced tool for one document. */
export function renderPrompt(v: PromptVersion, documentText: string): RenderedPrompt {
  const text = sanitiseDocumentText(documentText);
  // A function replacer: `$&` or `$'` in a document must stay literal text.
  const user = v.userTemplate.replace(DOCUMENT_PLACEHOLDER, () => text);
  return {
    system: v.system,
    user,
    toolName: TOOL_NAME,
    toolDescription: TOOL_DESCRIPTION,
    inputSchema: toolInputSchema(v),
    modelId: v.metadata.modelId,
    maxTokens: v.metadata.inference.maxTokens,
    temperature: v.metadata.inference.temperature,
  };
}

/**
 * Rough token count for budgeting and pre-flight size checks: one token per
 * four UTF-16 characters, rounded up. Claude tokenizers average about four
 * characters per token on English prose; numbers, codes and non-Latin scripts
 * use more tokens, so never use this for billing (use the reported usage).
 * A whole forced-tool request also carries the tool schema and the provider's
 * tool-use system prompt: `estimateToolRequestTokens` in `token-estimate.ts`.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
