/**
 * Boxes on real-world PDFs (LibreOffice, pdflatex, Google Docs, ReportLab,
 * PyMuPDF...): lines of each text page are located through the geometry
 * sidecar LoadDocument writes, boxed, and the text inside each box is read
 * again with pdf.js directly (items whose centre lies in the box, no
 * layout) and compared with the line.
 */
import { getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { spanBox } from '#core/evidence/geometry.ts';
import { locateQuote } from '#core/evidence/locate.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { pageTexts } from '#functions/score/grounding.ts';
import { reportAbsentCorpus, sharedCorpus } from '#test/helpers/shared-corpus.ts';

const realPdfs = sharedCorpus('real-pdfs', '.pdf');
const squash = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
const LINES_PER_PAGE = 6;
const MIN_BOXED_SHARE = 0.9;

describe('geometry sidecar on real-world PDFs', () => {
  reportAbsentCorpus(realPdfs);

  it.runIf(realPdfs.absent === null)(
    `boxes at least ${MIN_BOXED_SHARE * 100}% of sampled lines around the text they quote`,
    async () => {
      let lines = 0;
      let held = 0;
      const misses: string[] = [];
      for (const file of realPdfs.files) {
        const bytes = new Uint8Array(realPdfs.read(file));
        const inspected = await inspectPdf(bytes).catch(() => null);
        if (inspected === null) continue;
        const doc = await getDocumentProxy(new Uint8Array(bytes));
        for (const page of pageTexts(inspected.geometry).slice(0, 3)) {
          const content = await (await doc.getPage(page.page)).getTextContent();
          const items = content.items.flatMap((item) =>
            'str' in item
              ? [
                  {
                    str: item.str,
                    cx: (item.transform[4] ?? 0) + item.width / 2,
                    cy: (item.transform[5] ?? 0) + item.height / 2,
                  },
                ]
              : [],
          );
          const sampled = page.text
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => squash(line).length >= 8)
            .slice(0, LINES_PER_PAGE);
          for (const line of sampled) {
            const found = locateQuote([page], line);
            const box = found ? spanBox(page, found.start, found.end) : null;
            if (!found || !box) continue;
            lines += 1;
            const inside = items.filter(
              (item) =>
                item.cx >= box.x - 1 &&
                item.cx <= box.x + box.width + 1 &&
                item.cy >= box.y - 1 &&
                item.cy <= box.y + box.height + 1,
            );
            const spelled = squash(inside.map((item) => item.str).join(''));
            // On the text and tight around it: the box holds the line and little else.
            const tight = spelled.length <= squash(line).length * 1.5 + 10;
            if (spelled.includes(squash(line)) && tight) held += 1;
            else misses.push(`${file} p${page.page}`);
          }
        }
        await doc.cleanup();
      }
      console.info(
        `real-pdf boxes: ${held}/${lines} sampled lines spelled inside their box; misses: ${[...new Set(misses)].join(', ')}`,
      );
      expect(lines).toBeGreaterThan(50);
      expect(held / lines).toBeGreaterThanOrEqual(MIN_BOXED_SHARE);
    },
    180_000,
  );
});
