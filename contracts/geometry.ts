/**
 * The geometry sidecar LoadDocument writes to `work/<documentId>/geometry.json`
 * beside the text: per page its size and view box in PDF points and, for
 * pages read from the text layer, the page's text exactly as it is laid out
 * for the model together with each pdf.js text item's character range in
 * that text and its box. The grounding step reads it to find quotes on their
 * page and to box them. Image pages (scans, faxes) carry no items: their
 * text is only ever read by the model, so nothing on them can be boxed or
 * verified independently.
 */
import * as z from 'zod';

const count = z.number().int().nonnegative();

/** One pdf.js text item: its `[start, end)` in the page text and its box in PDF points (origin bottom-left). */
export const GeometryItemSchema = z.object({
  start: count,
  end: count,
  /** Left edge and baseline, from the item's transform (e, f). */
  x: z.number(),
  y: z.number(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
});
export type GeometryItem = z.infer<typeof GeometryItemSchema>;

export const PageGeometrySchema = z.object({
  /** 1-based. */
  page: count,
  kind: z.enum(['text', 'image', 'blank']),
  widthPt: z.number().nonnegative(),
  heightPt: z.number().nonnegative(),
  /** The page's view box `[x0, y0, x1, y1]` in user space (pdf.js `page.view`). */
  view: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** Where the items come from: the PDF text layer, or nothing (image and blank pages). */
  source: z.enum(['pdf-text', 'none']),
  /** The page text as laid out for the model (text pages), else ''. */
  text: z.string(),
  items: z.array(GeometryItemSchema),
});
export type PageGeometry = z.infer<typeof PageGeometrySchema>;

export const DocumentGeometrySchema = z.object({
  version: z.literal(1),
  pageCount: count,
  pages: z.array(PageGeometrySchema),
});
export type DocumentGeometry = z.infer<typeof DocumentGeometrySchema>;

/** File name of the sidecar beside `text.txt`. */
export const GEOMETRY_FILE = 'geometry.json';
