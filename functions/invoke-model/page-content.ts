/**
 * The user message of a document with image pages: the prompt version's
 * template around a document block that holds text pages as text and image
 * pages as a marker line followed by the page image, in page order. Also the
 * capability rule (only versions that declare `input.images` get images) and
 * the readability rule for scans. Pure: images arrive as bytes.
 */
import type { ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { BadDocumentError, PromptLacksImageInputError } from '#contracts/errors.ts';
import { imagePageMarker, type PageManifest } from '#contracts/page-manifest.ts';
import {
  BEDROCK_IMAGE_LIMITS,
  claudeImageTokens,
  imageBlockProblem,
} from '#core/extraction/vision-limits.ts';
import { sanitiseDocumentText } from '#core/prompts/render.ts';
import { acceptsImages, type PromptVersion } from '#core/prompts/types.ts';

/** Stands where the document goes while the template is rendered, then split on. */
const DOCUMENT_SLOT = 'MEDEXTRACT-DOCUMENT-SLOT-5f0c2a';

/** Throws PROMPT_NO_IMAGE_INPUT unless the version reads page images. */
export const requireImageInput = (version: PromptVersion): void => {
  if (!acceptsImages(version.metadata)) {
    throw new PromptLacksImageInputError(
      `Prompt version ${version.version} does not declare input.images; the document has image pages`,
    );
  }
};

/** Splits the rendered user template around its document slot. */
export const splitTemplate = (renderedUser: string): { before: string; after: string } => {
  const at = renderedUser.indexOf(DOCUMENT_SLOT);
  if (at < 0) throw new Error('The rendered template lost its document slot');
  return {
    before: renderedUser.slice(0, at),
    after: renderedUser.slice(at + DOCUMENT_SLOT.length),
  };
};

/** Text to render the template with, so that the document block can be rebuilt from pages. */
export const documentSlot = (): string => DOCUMENT_SLOT;

export interface PageContent {
  readonly content: ContentBlock[];
  readonly imageCount: number;
  /** Claude input tokens of the images, by the provider's formula (for logs and pre-flight). */
  readonly imageTokens: number;
}

/**
 * Builds the user content: text blocks and image blocks alternating in page
 * order. `images` maps an image page's S3 key to its bytes.
 */
export const buildPageContent = (
  renderedUser: string,
  manifest: PageManifest,
  images: ReadonlyMap<string, Uint8Array>,
): PageContent => {
  const imagePages = manifest.pages.filter((page) => page.kind === 'image');
  if (imagePages.length > BEDROCK_IMAGE_LIMITS.maxImagesPerRequest) {
    throw new BadDocumentError('TOO_MANY_IMAGE_PAGES');
  }
  const { before, after } = splitTemplate(renderedUser);
  const content: ContentBlock[] = [];
  let text = before;
  let imageTokens = 0;
  for (const page of manifest.pages) {
    if (page.kind === 'text') {
      text += `${sanitiseDocumentText(page.text)}\n`;
      continue;
    }
    const bytes = images.get(page.key);
    if (bytes === undefined) throw new Error(`Image of page ${page.page} was not loaded`);
    const problem = imageBlockProblem({
      width: page.width,
      height: page.height,
      bytes: bytes.byteLength,
    });
    if (problem) throw new BadDocumentError('RENDER_LIMIT', problem);
    content.push({ text: `${text}${imagePageMarker(page.page, manifest.pageCount)}\n` });
    content.push({ image: { format: page.format, source: { bytes } } });
    imageTokens += claudeImageTokens(page);
    text = '';
  }
  // The template's own newline closes the block after the last page.
  content.push({ text: `${text.replace(/\n$/, '')}${after}` });
  return { content, imageCount: imagePages.length, imageTokens };
};

/** Documents with image pages whose extraction fills at most this many required fields are unreadable. */
export const MAX_REQUIRED_FIELDS_OF_AN_UNREADABLE_SCAN = 1;

/** Throws SCAN_UNREADABLE when a scanned document yielded (almost) nothing. */
export const requireReadableScan = (requiredPresent: number): void => {
  if (requiredPresent <= MAX_REQUIRED_FIELDS_OF_AN_UNREADABLE_SCAN) {
    throw new BadDocumentError(
      'SCAN_UNREADABLE',
      `${requiredPresent} required field(s) read from a document with image pages`,
    );
  }
};
