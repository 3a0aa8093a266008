/**
 * The source PDF's first page rendered with pdf.js (loaded on demand, its
 * worker served with the console) from a presigned link the API signs.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';

export const PdfPreview = ({ documentId }: { documentId: string }) => {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'shown' | 'failed'>('loading');
  useEffect(() => {
    let live = true;
    (async () => {
      const link = await api<{ url: string }>(`/api/documents/${documentId}/pdf`);
      const pdfjs = await import('pdfjs-dist');
      pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdf.worker.min.mjs';
      const pdf = await pdfjs.getDocument({ url: link.url }).promise;
      const page = await pdf.getPage(1);
      const viewport = page.getViewport({ scale: 1 });
      const scale = Math.min(1.5, 520 / viewport.width);
      const scaled = page.getViewport({ scale });
      const target = canvas.current;
      if (!live || !target) return;
      target.width = scaled.width;
      target.height = scaled.height;
      await page.render({ canvas: target, viewport: scaled }).promise;
      if (live) setState('shown');
    })().catch(() => live && setState('failed'));
    return () => {
      live = false;
    };
  }, [documentId]);
  return (
    <figure class="pdf">
      {state === 'loading' && <p role="status">Rendering the first page…</p>}
      {state === 'failed' && (
        <p role="alert">The PDF could not be rendered (it may not be a readable PDF).</p>
      )}
      <canvas
        ref={canvas}
        hidden={state !== 'shown'}
        aria-label="First page of the source PDF"
        role="img"
      />
      <figcaption>Page 1 of the source PDF</figcaption>
    </figure>
  );
};
