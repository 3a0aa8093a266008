/**
 * The geometry sidecar LoadDocument writes to `work/<documentId>/geometry.json`
 * beside the text: per page its size and view box in PDF points and, for
 * pages read from the text layer, the page's text exactly as it is laid out
 * for the model together with each pdf.js text item's character range in
 * that text and its box. The grounding step reads it to find quotes on their
 * page and to box them. Image pages (scans, faxes) carry the text and word
 * boxes OCR read from the rendered page image (`source: 'ocr'`), the
 * document's own pixels read independently of the model; an image page OCR
 * could not read in its time budget carries no items (`source: 'none'`).
 */
import * as z from 'zod/mini';

const count = z.int().check(z.nonnegative());

// Built on first parse (z.lazy), so a function's cold init builds none of these (ADR 42).
/** One pdf.js text item or OCR word: its `[start, end)` in the page text and its box in PDF points (origin bottom-left). */
export const GeometryItemSchema = z.lazy(() =>
  z.object({
    start: count,
    end: count,
    /** Left edge and baseline, from the item's transform (e, f). */
    x: z.number(),
    y: z.number(),
    width: z.number().check(z.nonnegative()),
    height: z.number().check(z.nonnegative()),
  }),
);
export type GeometryItem = z.infer<typeof GeometryItemSchema>;

export const PageGeometrySchema = z.lazy(() =>
  z.object({
    /** 1-based. */
    page: count,
    kind: z.enum(['text', 'image', 'blank']),
    widthPt: z.number().check(z.nonnegative()),
    heightPt: z.number().check(z.nonnegative()),
    /** The page's view box `[x0, y0, x1, y1]` in user space (pdf.js `page.view`). */
    view: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    /** Where the items come from: the PDF text layer, OCR of the page image, or nothing. */
    source: z.enum(['pdf-text', 'ocr', 'none']),
    /** The page text as laid out for the model (text pages), as OCR read it (image pages), else ''. */
    text: z.string(),
    items: z.array(GeometryItemSchema),
  }),
);
export type PageGeometry = z.infer<typeof PageGeometrySchema>;

export const DocumentGeometrySchema = z.lazy(() =>
  z.object({
    version: z.literal(1),
    pageCount: count,
    pages: z.array(PageGeometrySchema),
  }),
);
export type DocumentGeometry = z.infer<typeof DocumentGeometrySchema>;

/** File name of the sidecar beside `text.txt`. */
export const GEOMETRY_FILE = 'geometry.json';
