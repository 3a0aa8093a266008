/**
 * Every page of a source PDF rendered with pdf.js from the API's presigned
 * link, with each value's evidence box drawn over its page; the selected
 * value's box is highlighted and scrolled into view.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Box } from '../../contracts/evidence.ts';
import { api } from './api.ts';
import { boxToRect, type ViewportLike } from './review-model.ts';

/** Pages past this many are not rendered (their boxes are listed, not drawn). */
export const MAX_PAGES = 40;
/** Rendered width of a page in CSS pixels, at most 1.5 times its size in points. */
const PAGE_WIDTH_PX = 600;

export interface PageBox {
  path: string;
  page: number;
  box: Box;
}

interface RenderedPage {
  number: number;
  width: number;
  height: number;
  /** The page's PDF-points-to-canvas-pixels transform. */
  viewport: ViewportLike;
}

export const PdfPages = ({
  documentId,
  boxes,
  selected,
}: {
  documentId: string;
  boxes: readonly PageBox[];
  selected: string | null;
}) => {
  const holder = useRef<HTMLElement>(null);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  const [pages, setPages] = useState<RenderedPage[]>([]);
  const [total, setTotal] = useState(0);
  const [state, setState] = useState<'loading' | 'shown' | 'failed'>('loading');

  useEffect(() => {
    let live = true;
    (async () => {
      const link = await api<{ url: string }>(`/api/documents/${documentId}/pdf`);
      const pdfjs = await import('pdfjs-dist');
      pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.min.mjs';
      const pdf = await pdfjs.getDocument({ url: link.url }).promise;
      if (!live) return;
      setTotal(pdf.numPages);
      const count = Math.min(pdf.numPages, MAX_PAGES);
      const shown: RenderedPage[] = [];
      for (let number = 1; number <= count; number++) {
        const page = await pdf.getPage(number);
        const natural = page.getViewport({ scale: 1 });
        const viewport = page.getViewport({ scale: Math.min(1.5, PAGE_WIDTH_PX / natural.width) });
        shown.push({
          number,
          width: Math.floor(viewport.width),
          height: Math.floor(viewport.height),
          viewport: { transform: [...viewport.transform] },
        });
        if (!live) return;
        setPages([...shown]);
        // The canvas of this page exists after the render above commits.
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const canvas = canvases.current.get(number);
        if (!canvas || !live) return;
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        await page.render({ canvas, viewport }).promise;
        if (number === 1 && live) setState('shown');
      }
    })().catch(() => live && setState('failed'));
    return () => {
      live = false;
    };
  }, [documentId]);

  useEffect(() => {
    if (!selected) return;
    const target = holder.current?.querySelector(`[data-path="${CSS.escape(selected)}"]`);
    target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [selected, pages.length]);

  return (
    <section
      class="pdf-pages"
      ref={holder}
      data-testid="pdf-pages"
      aria-label="Source PDF pages"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must take focus to scroll by keyboard
      tabIndex={0}
    >
      {state === 'loading' && <p role="status">Rendering the document…</p>}
      {state === 'failed' && (
        <p role="alert">The PDF could not be rendered (it may not be a readable PDF).</p>
      )}
      {pages.map((p) => (
        <figure key={p.number} class="pdf-page" data-page={p.number}>
          <div class="page-stage" style={{ width: `${p.width}px`, height: `${p.height}px` }}>
            <canvas
              ref={(node) => {
                if (node) canvases.current.set(p.number, node);
              }}
              style={{ width: `${p.width}px`, height: `${p.height}px` }}
              role="img"
              aria-label={`Page ${p.number} of the source PDF`}
            />
            {boxes
              .filter((b) => b.page === p.number)
              .map(({ path, box }) => ({ path, rect: boxToRect(box, p.viewport) }))
              .map(({ path, rect }) => (
                <div
                  key={path}
                  class={path === selected ? 'ebox selected' : 'ebox'}
                  data-path={path}
                  aria-hidden="true"
                  style={{
                    left: `${rect.left}px`,
                    top: `${rect.top}px`,
                    width: `${rect.width}px`,
                    height: `${rect.height}px`,
                  }}
                />
              ))}
          </div>
          <figcaption>
            Page {p.number} of {total}
          </figcaption>
        </figure>
      ))}
      {total > MAX_PAGES && (
        <p class="state">
          Only the first {MAX_PAGES} of {total} pages are drawn; the fields list still names each
          value's page.
        </p>
      )}
    </section>
  );
};
