/**
 * The page renderer: an image page becomes a PNG or JPEG at the target long
 * edge inside Bedrock's limits, and a page over its time budget or a worker
 * over its heap cap ends as RENDER_LIMIT, never as a hung or crashed function.
 */
import { describe, expect, it } from 'vitest';
import { imageBlockProblem, RENDER_LIMITS } from '#core/extraction/vision-limits.ts';
import { DEFAULT_RENDER_OPTIONS, renderPages } from '#functions/load-document/page-render.ts';
import { imageSize } from '#local/bedrock/image-size.ts';
import { imageOnlyPdf, manyPagesPdf } from '#test/helpers/pdf-fixtures.ts';

const reasonOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof Error && 'reason' in error ? String(error.reason) : String(error);
  }
};

describe('renderPages', () => {
  it('renders the requested pages at the target long edge, within the image-block limits', async () => {
    // Prepare
    const pdf = await manyPagesPdf(3);

    // Act
    const pages = await renderPages(await imageOnlyPdf(), [1]);
    const two = await renderPages(pdf, [1, 3]);

    // Assess
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page?.page).toBe(1);
    expect(Math.max(page?.width ?? 0, page?.height ?? 0)).toBe(RENDER_LIMITS.targetLongEdgePx);
    expect(imageSize(page?.data ?? new Uint8Array())).toEqual({
      width: page?.width,
      height: page?.height,
    });
    expect(
      imageBlockProblem({
        width: page?.width ?? 0,
        height: page?.height ?? 0,
        bytes: page?.data.byteLength ?? 0,
      }),
    ).toBeNull();
    expect(two.map((rendered) => rendered.page)).toEqual([1, 3]);
  });

  it('ends a page over its time budget as RENDER_LIMIT', async () => {
    const pdf = await imageOnlyPdf();
    const reason = await reasonOf(
      renderPages(pdf, [1], { ...DEFAULT_RENDER_OPTIONS, pageTimeoutMs: 1 }),
    );
    expect(reason).toBe('RENDER_LIMIT');
  });

  it("bounds the worker's start on its own, before the first page's budget starts", async () => {
    const pdf = await imageOnlyPdf();
    const slowStart = await renderPages(pdf, [1], {
      ...DEFAULT_RENDER_OPTIONS,
      workerStartTimeoutMs: 1,
    }).catch((caught: unknown) => caught);
    expect(slowStart).toMatchObject({ reason: 'RENDER_LIMIT' });
    expect(String(slowStart)).toContain('took over 1 ms to start');
    // The page's own budget, armed once the worker is ready, reports apart from the start's.
    const slowPage = await renderPages(pdf, [1], {
      ...DEFAULT_RENDER_OPTIONS,
      pageTimeoutMs: 1,
    }).catch((caught: unknown) => caught);
    expect(String(slowPage)).toContain('a page took over 1 ms');
  });

  it('ends a worker over its heap cap as RENDER_LIMIT', async () => {
    // At the floor the isolate starts and runs out while loading pdf.js.
    const pdf = await imageOnlyPdf();
    const error = await renderPages(pdf, [1], {
      ...DEFAULT_RENDER_OPTIONS,
      workerHeapMb: RENDER_LIMITS.minWorkerHeapMb,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'RENDER_LIMIT' });
    expect(String(error)).toContain(`out of its ${RENDER_LIMITS.minWorkerHeapMb} MB heap`);
  });

  it('raises a heap cap too small for a worker to start to the floor instead of aborting the process', async () => {
    // A 1 MB isolate cannot deserialize its snapshot: Node 24 aborts the process on it.
    const pdf = await imageOnlyPdf();
    const error = await renderPages(pdf, [1], {
      ...DEFAULT_RENDER_OPTIONS,
      workerHeapMb: 1,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'RENDER_LIMIT' });
    expect(String(error)).toContain(`out of its ${RENDER_LIMITS.minWorkerHeapMb} MB heap`);
    const rendered = await renderPages(pdf, [1]);
    expect(rendered).toHaveLength(1);
  });

  it('reports a file pdf.js cannot open as INVALID_PDF', async () => {
    const reason = await reasonOf(renderPages(new TextEncoder().encode('%PDF-1.7 nonsense'), [1]));
    expect(reason).toBe('INVALID_PDF');
  });
});
