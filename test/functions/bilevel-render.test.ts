/**
 * 1-bit pages in the renderer: a page whose scan is 1-bit (a CCITT fax image
 * from the real-world corpus, a generated fax stored as JPEG) is rendered at
 * the scan's own pixel size as a two-level PNG, within Bedrock's limits; grey
 * scans keep the fixed long edge and JPEG; a PNG over its byte share falls
 * back to the fixed render; the page manifest records the choice.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { PageManifestSchema } from '#contracts/page-manifest.ts';
import {
  BEDROCK_IMAGE_LIMITS,
  BILEVEL_RENDER,
  bilevelPageBytes,
  imageBlockProblem,
  RENDER_LIMITS,
} from '#core/extraction/vision-limits.ts';
import { storePageImages } from '#functions/load-document/page-images.ts';
import { DEFAULT_RENDER_OPTIONS, renderPages } from '#functions/load-document/page-render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { isTwoLevel } from '#local/bedrock/despeckle.ts';
import { DEFAULT_SCAN_OPTIONS, scanPdf } from '#local/corpus/scan.ts';
import { recordPdf } from '#test/helpers/pdf-fixtures.ts';
import { reportAbsentCorpus, sharedCorpus } from '#test/helpers/shared-corpus.ts';

const realPdfs = sharedCorpus('real-pdfs', '.pdf');
const real = (name: string): Uint8Array => new Uint8Array(realPdfs.read(name));

const pixelsOf = async (image: Uint8Array): Promise<Uint8ClampedArray> => {
  const picture = await loadImage(Buffer.from(image));
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  return context.getImageData(0, 0, picture.width, picture.height).data;
};

const withinLimits = (page: { width: number; height: number; data: Uint8Array }) =>
  imageBlockProblem({ width: page.width, height: page.height, bytes: page.data.byteLength });

// A Letter page scanned at 150 dpi: the scan image is 1275 x 1650 px.
const scanOptions = { ...DEFAULT_SCAN_OPTIONS, dpi: 150, stamp: true, seed: 'bilevel' };
let fax: Buffer;
let grey: Buffer;

beforeAll(async () => {
  const source = await recordPdf();
  fax = await scanPdf(source, { ...scanOptions, fax: true });
  grey = await scanPdf(source, { ...scanOptions, fax: false });
}, 60_000);

describe('1-bit page rendering', () => {
  reportAbsentCorpus(realPdfs);

  it('renders a generated fax at its own pixel size as a two-level PNG', async () => {
    const [page] = await renderPages(fax, [1]);

    expect(page?.bilevel).toBe(true);
    expect(page?.format).toBe('png');
    expect([page?.width, page?.height]).toEqual([1275, 1650]);
    expect(page && withinLimits(page)).toBeNull();
    expect(isTwoLevel(await pixelsOf(page?.data ?? new Uint8Array()))).toBe(true);
  }, 60_000);

  it('keeps a grey scan of the same page at the fixed long edge as JPEG', async () => {
    const [page] = await renderPages(grey, [1]);

    expect(page?.bilevel).toBe(false);
    expect(page?.format).toBe('jpeg');
    expect(Math.max(page?.width ?? 0, page?.height ?? 0)).toBe(RENDER_LIMITS.targetLongEdgePx);
  }, 60_000);

  it.runIf(realPdfs.absent === null)(
    'detects the real-world CCITTFax image as 1-bit and the grayscale image as not',
    async () => {
      const ccitt = real('007-imagemagick-images_imagemagick-CCITTFaxDecode.pdf');
      const greyscale = real('019-grayscale-image_grayscale-image.pdf');
      const ccittPages = (await inspectPdf(ccitt)).pages.filter((p) => p.kind === 'image');
      const greyPages = (await inspectPdf(greyscale)).pages.filter((p) => p.kind === 'image');

      const [fromCcitt] = await renderPages(ccitt, [ccittPages[0]?.page ?? 1]);
      const [fromGrey] = await renderPages(greyscale, [greyPages[0]?.page ?? 1]);

      expect(fromCcitt?.bilevel).toBe(true);
      expect(fromCcitt?.format).toBe('png');
      // Its image is 16 x 16 px: never rendered below the fixed long edge.
      expect(Math.max(fromCcitt?.width ?? 0, fromCcitt?.height ?? 0)).toBe(
        RENDER_LIMITS.targetLongEdgePx,
      );
      expect(fromGrey?.bilevel).toBe(false);
      expect(fromGrey?.format).toBe('jpeg');
    },
    60_000,
  );

  it('caps the long edge of a 1-bit page and falls back to the fixed render over its byte share', async () => {
    const [capped] = await renderPages(fax, [1], {
      ...DEFAULT_RENDER_OPTIONS,
      bilevelMaxLongEdgePx: 1600,
    });
    const [overBudget] = await renderPages(fax, [1], {
      ...DEFAULT_RENDER_OPTIONS,
      bilevelMaxBytes: 1000,
    });
    const [off] = await renderPages(fax, [1], { ...DEFAULT_RENDER_OPTIONS, bilevel: false });

    expect(capped?.bilevel).toBe(true);
    expect(capped?.height).toBe(1600);
    expect(overBudget?.bilevel).toBe(false);
    expect(overBudget?.format).toBe('jpeg');
    expect(overBudget?.height).toBe(RENDER_LIMITS.targetLongEdgePx);
    expect(off?.format).toBe('jpeg');
  }, 60_000);

  it('records the choice in the page manifest', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const { pages, pageCount } = await inspectPdf(fax);

    const stored = await storePageImages({
      s3: new S3Client({ region: 'us-east-1' }),
      bucket: 'documents',
      workPrefix: 'work/doc-1/',
      bytes: fax,
      pageCount,
      pages,
    });

    const manifestPut = s3
      .commandCalls(PutObjectCommand)
      .find((call) => call.args[0].input.Key === stored?.manifestKey);
    const manifest = PageManifestSchema.parse(JSON.parse(String(manifestPut?.args[0].input.Body)));
    expect(manifest.pages).toHaveLength(pageCount);
    expect(manifest.pages.every((page) => page.kind === 'image' && page.bilevel)).toBe(true);
    expect(manifest.pages.every((page) => page.kind === 'image' && page.key.endsWith('.png'))).toBe(
      true,
    );
    s3.restore();
  }, 60_000);
});

describe('1-bit page limits', () => {
  it('shares the request image budget between pages, never over the per-image limit', () => {
    expect(bilevelPageBytes(1)).toBe(BEDROCK_IMAGE_LIMITS.maxImageBytes);
    expect(bilevelPageBytes(20)).toBe(1_000_000);
    expect(bilevelPageBytes(20) * 20).toBeLessThanOrEqual(BILEVEL_RENDER.maxRequestImageBytes);
    expect(BILEVEL_RENDER.maxLongEdgePx).toBeLessThanOrEqual(BEDROCK_IMAGE_LIMITS.maxImageEdgePx);
  });

  it('reads manifests written before the field as not 1-bit', () => {
    const page = PageManifestSchema.parse({
      version: 1,
      pageCount: 1,
      pages: [
        {
          page: 1,
          kind: 'image',
          key: 'k',
          format: 'jpeg',
          width: 1,
          height: 1,
          bytes: 1,
          renderMs: 1,
        },
      ],
    }).pages[0];
    expect(page?.kind === 'image' && page.bilevel).toBe(false);
  });
});
