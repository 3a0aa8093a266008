/**
 * The source PDF's first page rendered with pdf.js (loaded on demand, its
 * worker served with the console) from a presigned link the API signs,
 * with the evidence boxes of that page drawn over it when given.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Box } from '../../contracts/evidence.ts';
import { api } from './api.ts';
import { boxToRect, type Rect } from './review-model.ts';

export const PdfPreview = ({
  documentId,
  boxes = [],
}: {
  documentId: string;
  /** Evidence boxes on page 1, in PDF points. */
  boxes?: ReadonlyArray<{ path: string; box: Box }>;
}) => {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'shown' | 'failed'>('loading');
  const [viewport, setViewport] = useState<{
    transform: number[];
    width: number;
    height: number;
  }>();
  useEffect(() => {
    let live = true;
    (async () => {
      const link = await api<{ url: string }>(`/api/documents/${documentId}/pdf`);
      const pdfjs = await import('pdfjs-dist');
      pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.min.mjs';
      const pdf = await pdfjs.getDocument({ url: link.url }).promise;
      const page = await pdf.getPage(1);
      const natural = page.getViewport({ scale: 1 });
      const scale = Math.min(1.5, 520 / natural.width);
      const scaled = page.getViewport({ scale });
      const target = canvas.current;
      if (!live || !target) return;
      target.width = scaled.width;
      target.height = scaled.height;
      await page.render({ canvas: target, viewport: scaled }).promise;
      if (!live) return;
      setViewport({ transform: [...scaled.transform], width: target.width, height: target.height });
      setState('shown');
    })().catch(() => live && setState('failed'));
    return () => {
      live = false;
    };
  }, [documentId]);
  /** Percent of the canvas, so the boxes follow it when CSS scales it down. */
  const percent = (rect: Rect, v: { width: number; height: number }) => ({
    left: `${(rect.left / v.width) * 100}%`,
    top: `${(rect.top / v.height) * 100}%`,
    width: `${(rect.width / v.width) * 100}%`,
    height: `${(rect.height / v.height) * 100}%`,
  });
  return (
    <figure class="pdf">
      {state === 'loading' && <p role="status">Rendering the first page…</p>}
      {state === 'failed' && (
        <p role="alert">The PDF could not be rendered (it may not be a readable PDF).</p>
      )}
      <div class="evidence-stage">
        <canvas
          ref={canvas}
          hidden={state !== 'shown'}
          aria-label="First page of the source PDF"
          role="img"
        />
        {viewport &&
          boxes.map(({ path, box }) => (
            <div
              key={path}
              class="ebox"
              data-path={path}
              aria-hidden="true"
              style={percent(boxToRect(box, viewport), viewport)}
            />
          ))}
      </div>
      <figcaption>
        Page 1 of the source PDF
        {viewport && boxes.length > 0
          ? `, with the boxes of the ${boxes.length} values read from it`
          : ''}
      </figcaption>
    </figure>
  );
};
