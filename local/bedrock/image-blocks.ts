/**
 * Image blocks of a Converse request as the local stand-in handles them:
 * decoded and checked against Bedrock's limits, read by an injected image
 * reader (OCR), their text put in their place in the user text, and a
 * summary of the reading for the answer (no text: that is patient data);
 * a page out of OCR time makes the call a model timeout.
 */

import { BEDROCK_IMAGE_LIMITS, imageBlockProblem } from '#core/extraction/vision-limits.ts';
import { AwsProtocolError } from '#local/aws-json-protocol.ts';
import { imageSize } from '#local/bedrock/image-size.ts';

/** What an image reader (OCR) returns for one page image. */
export interface ImageReading {
  /** Recognised text; empty when the page could not be read. */
  readonly text: string;
  /** Mean word confidence, 0-100. */
  readonly confidence: number;
  readonly readable: boolean;
  /** Whether the image had two levels (a 1-bit page) and was despeckled first. */
  readonly despeckled?: boolean | undefined;
  /**
   * Why an unreadable page was not read: `timeout` means the reader ran out
   * of time (a local resource limit, not the page's legibility).
   */
  readonly problem?: string | null | undefined;
  readonly ms: number;
}

/** Reads the text of one page image (PNG or JPEG bytes). */
export type ImageReader = (image: Uint8Array) => Promise<ImageReading>;

interface ContentBlockIn {
  readonly text?: string | undefined;
  readonly image?:
    | { readonly format: string; readonly source: { readonly bytes: string } }
    | undefined;
}
type ConverseMessages = ReadonlyArray<{
  readonly role: 'user' | 'assistant';
  readonly content: readonly ContentBlockIn[];
}>;

export interface DecodedImage extends ImageSizeLike {
  readonly block: ContentBlockIn;
  readonly bytes: Uint8Array;
}
interface ImageSizeLike {
  readonly width: number;
  readonly height: number;
}

/** Decodes and checks every image block against Bedrock's limits, as Bedrock would. */
export const decodeImages = (messages: ConverseMessages): DecodedImage[] => {
  const images: DecodedImage[] = [];
  for (const message of messages) {
    for (const block of message.content) {
      if (block.image === undefined) continue;
      const bytes = new Uint8Array(Buffer.from(block.image.source.bytes, 'base64'));
      const size = imageSize(bytes);
      if (size === null) {
        throw new AwsProtocolError(400, 'ValidationException', 'Unable to decode an image block');
      }
      const problem = imageBlockProblem({ ...size, bytes: bytes.byteLength });
      if (problem) throw new AwsProtocolError(400, 'ValidationException', problem);
      images.push({ block, bytes, ...size });
    }
  }
  if (images.length > BEDROCK_IMAGE_LIMITS.maxImagesPerRequest) {
    throw new AwsProtocolError(
      400,
      'ValidationException',
      `Too many images: ${images.length}, at most ${BEDROCK_IMAGE_LIMITS.maxImagesPerRequest}`,
    );
  }
  return images;
};

/** User text in block order; an image block contributes its OCR text when read. */
export const userTextOf = (
  messages: ConverseMessages,
  readings: ReadonlyMap<ContentBlockIn, ImageReading>,
): string =>
  messages
    .filter((message) => message.role === 'user')
    .flatMap((message) =>
      message.content.flatMap((block) => {
        if (block.text !== undefined) return [block.text];
        const reading = readings.get(block);
        return reading === undefined ? [] : [reading.text];
      }),
    )
    .join('\n');

/** Whether a page ran out of OCR time (a local resource limit, not the page's legibility). */
export const pageTimedOut = (readings: Iterable<ImageReading>): boolean =>
  [...readings].some((reading) => reading.problem === 'timeout');

/**
 * The answer to a call with a page out of OCR time: Bedrock's model timeout
 * (408), which the pipeline retries once, never an answer with that page's
 * text left out, since a model never skips a page.
 */
export const ocrTimeoutError = (): AwsProtocolError =>
  new AwsProtocolError(
    408,
    'ModelTimeoutException',
    'Model has timed out in processing the request (the local OCR did not read a page in time).',
  );

/** What an answer says about the OCR behind it. No text: that would be patient data. */
export interface OcrSummary {
  readonly engine: string;
  readonly pages: number;
  readonly unreadablePages: number;
  /** Pages with two grey levels (1-bit) that were despeckled before OCR. */
  readonly despeckledPages: number;
  readonly meanConfidence: number;
  readonly ms: number;
}

export const summarise = (readings: readonly ImageReading[], engine: string): OcrSummary => ({
  engine,
  pages: readings.length,
  unreadablePages: readings.filter((reading) => !reading.readable).length,
  despeckledPages: readings.filter((reading) => reading.despeckled === true).length,
  meanConfidence:
    readings.length === 0
      ? 0
      : Math.round(readings.reduce((sum, r) => sum + r.confidence, 0) / readings.length),
  ms: readings.reduce((sum, reading) => sum + reading.ms, 0),
});
