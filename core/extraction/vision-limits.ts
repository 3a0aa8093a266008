/**
 * Every limit of the vision path in one place: what Bedrock Converse accepts
 * in image blocks, how Claude downscales and counts image tokens, and the
 * caps MedExtract puts on rendering scanned pages. Pure numbers and
 * arithmetic; the render worker, InvokeModel and the local stand-in all read
 * them from here.
 *
 * Sources (checked 2026-12): Amazon Bedrock API reference, `Message`
 * ("up to 20 images; each image's size, height and width no more than
 * 3.75 MB, 8000 px and 8000 px"); Anthropic, "Vision" ("if the long edge is
 * more than 1568 pixels, or the image is more than ~1,600 tokens, it is first
 * scaled down, preserving aspect ratio"; "tokens = (width px * height px) / 750").
 */

/** What one Converse request may carry (Bedrock `Message.content`). */
export const BEDROCK_IMAGE_LIMITS = {
  /** Image blocks per request. */
  maxImagesPerRequest: 20,
  /** Bytes per image block; 3.75 MB read as decimal megabytes, the stricter reading. */
  maxImageBytes: 3_750_000,
  /** Pixels per edge. */
  maxImageEdgePx: 8000,
  /** Formats Converse accepts in an image block. */
  formats: ['png', 'jpeg', 'gif', 'webp'],
} as const;

/** How Claude models downscale an image before counting its tokens. */
export const CLAUDE_IMAGE_SCALING = {
  /** Longest edge kept without downscaling. */
  maxLongEdgePx: 1568,
  /** Images above about this many tokens are downscaled first. */
  maxTokensPerImage: 1600,
  /** Pixels per input token. */
  pixelsPerToken: 750,
} as const;

/** MedExtract's own caps on rendering image pages (LoadDocument). */
export const RENDER_LIMITS = {
  /**
   * Long edge of a rendered page. Claude keeps up to 1568 px before it
   * downscales for tokens; rendering larger only adds bytes.
   */
  targetLongEdgePx: CLAUDE_IMAGE_SCALING.maxLongEdgePx,
  /** Short edge below which a page is too thin to read (Anthropic: under 200 px degrades). */
  minShortEdgePx: 200,
  /** Image pages per document: one Converse request holds them all. */
  maxImagePages: BEDROCK_IMAGE_LIMITS.maxImagesPerRequest,
  /**
   * Wall-clock budget for rendering and encoding one page, counted from the
   * worker being ready: about 1 s alone, 3.6 s at a load average near 11, and
   * past 15 s at 15 with other documents' OCR in the same process (ADR 41).
   */
  pageTimeoutMs: 30_000,
  /**
   * Budget for the render worker's start (the isolate, pdf.js and the canvas
   * module loaded), before the first page's budget starts: about 1 s alone,
   * 7 s on a loaded 2-core machine (ADR 35).
   */
  workerStartTimeoutMs: 15_000,
  /**
   * Budget for the worker's start and all pages of one document together,
   * inside LoadDocument's 180 s Lambda timeout (OCR of the pages
   * gets what is left, ADR 41).
   */
  documentTimeoutMs: 90_000,
  /** V8 heap cap of the render worker (canvas pixels are bounded by the page size cap). */
  workerHeapMb: 256,
  /**
   * Smallest heap a render worker is started with. Below a few MB V8 cannot
   * deserialize a new isolate's startup snapshot: Node 20 reports that as the
   * worker's ERR_WORKER_OUT_OF_MEMORY, Node 24 aborts the whole process
   * ("GC during deserialization"), so a smaller cap is raised to this.
   */
  minWorkerHeapMb: 8,
} as const;

/**
 * How LoadDocument renders a page whose scan is 1-bit (a fax): at the scan's
 * own pixel size rather than the fixed long edge, kept to two levels, as PNG.
 * Downscaling a 1-bit page to 1568 px turns its thin strokes into grey
 * anti-aliasing, where decimal points and small letters are lost; Claude
 * downscales anything over 1568 px itself, so image tokens do not change,
 * only bytes (see ADR 32).
 */
export const BILEVEL_RENDER = {
  /**
   * Long-edge cap: a superfine fax (391 lines per inch) of a Letter page is
   * about 4300 px; canvas pixels (RGBA, outside the V8 heap) stay under
   * 4400 x 3400 x 4 B, about 60 MB. Well inside Bedrock's 8000 px per edge.
   */
  maxLongEdgePx: 4400,
  /**
   * An 8-bit or lossy image counts as a 1-bit scan when it has at most this
   * many mid-tone pixels (grey 64-191) per dark pixel (grey under 64), so the
   * test does not depend on how much ink a page carries. Measured: faxes of
   * the generated corpus stored as JPEG 0; grey 200 dpi scans of the same
   * pages 1.10-1.46 (anti-aliased strokes and noise).
   */
  maxMidTonePerDark: 0.05,
  /**
   * MedExtract's budget for all image bytes of one Converse request. Bedrock
   * documents 3.75 MB per image and 20 images, not a request total; Anthropic's
   * Messages API takes requests up to 32 MB, and base64 adds a third, so 20 MB
   * of images (26.7 MB encoded) leaves room for the text.
   */
  maxRequestImageBytes: 20_000_000,
} as const;

/**
 * Most bytes one 1-bit page's PNG may take in a document with `imagePages`
 * image pages: an equal share of the request budget, never over the
 * per-image limit. A page over its share is rendered the fixed way instead.
 */
export const bilevelPageBytes = (imagePages: number): number =>
  Math.min(
    BEDROCK_IMAGE_LIMITS.maxImageBytes,
    Math.floor(BILEVEL_RENDER.maxRequestImageBytes / Math.max(1, imagePages)),
  );

/**
 * A page counts as an image page when its text layer holds fewer
 * non-whitespace characters than this per square inch of page area and the
 * page draws something (an image or vector graphics). A Letter page is 93.5
 * square inches, so the threshold is 23 characters there: a fax header line
 * or a page number in a text layer does not make a scan a text page, while
 * a typed page with even a short paragraph stays a text page.
 */
export const IMAGE_PAGE_MAX_CHARS_PER_SQUARE_INCH = 0.25;

/** Points per inch in PDF user space. */
export const POINTS_PER_INCH = 72;

export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/** Pixel size of a page rendered at `targetLongEdgePx`, from its size in points. */
export const renderSizeFor = (
  widthPt: number,
  heightPt: number,
  longEdgePx: number = RENDER_LIMITS.targetLongEdgePx,
): PixelSize & { readonly scale: number } => {
  if (!(widthPt > 0 && heightPt > 0)) throw new RangeError('page size must be positive');
  const scale = longEdgePx / Math.max(widthPt, heightPt);
  return {
    scale,
    width: Math.max(1, Math.round(widthPt * scale)),
    height: Math.max(1, Math.round(heightPt * scale)),
  };
};

/** The size Claude reads an image at: within the long edge and the token cap, aspect kept. */
export const claudeScaledSize = ({ width, height }: PixelSize): PixelSize => {
  const { maxLongEdgePx, maxTokensPerImage, pixelsPerToken } = CLAUDE_IMAGE_SCALING;
  const byEdge = maxLongEdgePx / Math.max(width, height);
  const byTokens = Math.sqrt((maxTokensPerImage * pixelsPerToken) / (width * height));
  const scale = Math.min(1, byEdge, byTokens);
  return { width: Math.floor(width * scale), height: Math.floor(height * scale) };
};

/** Input tokens one image costs on Claude: (width * height) / 750 after its downscaling. */
export const claudeImageTokens = (size: PixelSize): number => {
  const scaled = claudeScaledSize(size);
  return Math.ceil((scaled.width * scaled.height) / CLAUDE_IMAGE_SCALING.pixelsPerToken);
};

/** Why an image cannot go in a Converse request, or null when it can. */
export const imageBlockProblem = (image: PixelSize & { readonly bytes: number }): string | null => {
  const { maxImageBytes, maxImageEdgePx } = BEDROCK_IMAGE_LIMITS;
  if (image.bytes > maxImageBytes) return `image is ${image.bytes} bytes, over ${maxImageBytes}`;
  if (Math.max(image.width, image.height) > maxImageEdgePx) {
    return `image is ${image.width}x${image.height} px, over ${maxImageEdgePx} px per edge`;
  }
  if (Math.min(image.width, image.height) < RENDER_LIMITS.minShortEdgePx) {
    return `image is ${image.width}x${image.height} px, under ${RENDER_LIMITS.minShortEdgePx} px on its short edge`;
  }
  return null;
};

/** Whether a page is read as text or sent as an image, or holds nothing at all. */
export type PageKind = 'text' | 'image' | 'blank';

/** Classifies one page from its text-layer size, its area and whether it draws anything. */
export const classifyPage = (page: {
  readonly textChars: number;
  readonly widthPt: number;
  readonly heightPt: number;
  readonly drawsGraphics: boolean;
}): PageKind => {
  const squareInches = (page.widthPt * page.heightPt) / (POINTS_PER_INCH * POINTS_PER_INCH);
  const threshold = squareInches * IMAGE_PAGE_MAX_CHARS_PER_SQUARE_INCH;
  if (page.textChars >= threshold) return 'text';
  if (page.drawsGraphics) return 'image';
  return page.textChars > 0 ? 'text' : 'blank';
};
