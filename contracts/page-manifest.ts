/**
 * The page manifest LoadDocument writes to `work/<documentId>/pages.json`
 * when a document has image pages: per page, its text (text pages) or the
 * S3 key and size of its rendered image (image pages). InvokeModel reads it
 * to build the Converse content in page order. It lives in S3 beside the
 * text, never in workflow state.
 */
import * as z from 'zod/mini';

const count = z.int().check(z.nonnegative());

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
export const TextPageSchema = z.lazy(() =>
  z.object({
    page: count,
    kind: z.literal('text'),
    text: z.string(),
  }),
);

export const ImagePageSchema = z.lazy(() =>
  z.object({
    page: count,
    kind: z.literal('image'),
    /** Key in the documents bucket, under `work/<documentId>/pages/`. */
    key: z.string().check(z.minLength(1)),
    format: z.enum(['png', 'jpeg']),
    width: count,
    height: count,
    bytes: count,
    renderMs: count,
    /**
     * The page's scan is 1-bit (a fax) and was rendered at its own pixel size,
     * kept to two levels, as PNG; false: rendered at the fixed long edge.
     * Absent in manifests written before the field existed.
     */
    bilevel: z._default(z.boolean(), false),
  }),
);
export type ImagePage = z.infer<typeof ImagePageSchema>;

export const PageManifestSchema = z.lazy(() =>
  z.object({
    version: z.literal(1),
    pageCount: count,
    /** Text and image pages in page order; blank pages are left out. */
    pages: z.array(z.discriminatedUnion('kind', [TextPageSchema, ImagePageSchema])),
  }),
);
export type PageManifest = z.infer<typeof PageManifestSchema>;
export type ManifestPage = PageManifest['pages'][number];

/** File name of the manifest beside `text.txt`. */
export const PAGE_MANIFEST_FILE = 'pages.json';

/**
 * The line that stands in the document block where an image page sits; the
 * page image follows it as an image block. The local stand-in puts its OCR
 * text there.
 */
export const imagePageMarker = (page: number, pageCount: number): string =>
  `[Page ${page} of ${pageCount}: scanned image, attached as the image block that follows]`;
