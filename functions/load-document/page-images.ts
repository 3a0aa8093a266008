/**
 * Renders a document's image pages and stores them beside its text:
 * `work/<documentId>/pages/page-0001.jpg` (or `.png` for a 1-bit page) per
 * image page and the page manifest `work/<documentId>/pages.json`.
 * Text-only documents store nothing here. The S3 client is injected.
 */
import { PutObjectCommand, type S3Client } from '#adapters/aws-sdk/client-s3.cjs';
import {
  type ManifestPage,
  PAGE_MANIFEST_FILE,
  type PageManifest,
} from '#contracts/page-manifest.ts';
import { bilevelPageBytes } from '#core/extraction/vision-limits.ts';
import type { PageLayout } from './page-layout.ts';
import {
  DEFAULT_RENDER_OPTIONS,
  type RenderedPage,
  type RenderOptions,
  renderPages,
} from './page-render.ts';

export interface StorePageImagesInput {
  readonly s3: S3Client;
  readonly bucket: string;
  /** `work/<documentId>/`. */
  readonly workPrefix: string;
  readonly bytes: Uint8Array;
  readonly pageCount: number;
  readonly pages: readonly PageLayout[];
  readonly renderOptions?: RenderOptions;
}

export interface StoredPageImages {
  readonly manifestKey: string;
  readonly imagePageCount: number;
  /** Total render time of the image pages. */
  readonly renderMs: number;
  /** The rendered image pages, for OCR of their word boxes. */
  readonly rendered: readonly RenderedPage[];
}

const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg' } as const;

/** Null when the document has no image pages. */
export const storePageImages = async (
  input: StorePageImagesInput,
): Promise<StoredPageImages | null> => {
  const imagePages = input.pages.filter((page) => page.kind === 'image').map((page) => page.page);
  if (imagePages.length === 0) return null;
  const options = input.renderOptions ?? DEFAULT_RENDER_OPTIONS;
  const rendered = await renderPages(input.bytes, imagePages, {
    ...options,
    // 1-bit pages' PNGs share the request's image budget.
    bilevelMaxBytes: Math.min(options.bilevelMaxBytes, bilevelPageBytes(imagePages.length)),
  });
  const byPage = new Map(rendered.map((image) => [image.page, image]));
  const manifestPages: ManifestPage[] = [];
  for (const page of input.pages) {
    if (page.kind === 'text') {
      manifestPages.push({ page: page.page, kind: 'text', text: page.text });
      continue;
    }
    const image = byPage.get(page.page);
    if (page.kind === 'blank' || image === undefined) continue;
    const key = `${input.workPrefix}pages/page-${String(page.page).padStart(4, '0')}.${image.format === 'png' ? 'png' : 'jpg'}`;
    await input.s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: key,
        Body: image.data,
        ContentType: CONTENT_TYPES[image.format],
      }),
    );
    manifestPages.push({
      page: page.page,
      kind: 'image',
      key,
      format: image.format,
      width: image.width,
      height: image.height,
      bytes: image.data.byteLength,
      renderMs: image.renderMs,
      bilevel: image.bilevel,
    });
  }
  const manifest: PageManifest = { version: 1, pageCount: input.pageCount, pages: manifestPages };
  const manifestKey = `${input.workPrefix}${PAGE_MANIFEST_FILE}`;
  await input.s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: manifestKey,
      Body: JSON.stringify(manifest),
      ContentType: 'application/json',
    }),
  );
  return {
    manifestKey,
    imagePageCount: rendered.length,
    renderMs: rendered.reduce((sum, image) => sum + image.renderMs, 0),
    rendered,
  };
};
