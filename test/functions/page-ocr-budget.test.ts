/**
 * How LoadDocument's OCR spends its time, on a scripted engine whose start
 * and pages take known times: the engine's start is not charged to the first
 * page, a page over its budget ends only itself, the document's deadline
 * stops the rest with a reason code, an engine error is named, at most one
 * engine per CPU reads at a time in a process, and the handler's budget ends
 * before the invocation does.
 */

import { describe, expect, it } from 'vitest';
import { CPU_SLOTS } from '#functions/load-document/cpu-slots.ts';
import {
  isOcrMiss,
  OCR_GEOMETRY_BUDGET,
  type OcrEngine,
  type OcrEngineFactory,
  type OcrPageResult,
  ocrBudgetFor,
  ocrPageGeometry,
} from '#functions/load-document/page-ocr.ts';
import { pages, sleep } from '#test/helpers/scripted-ocr-pages.ts';

interface Script {
  readonly startMs: number;
  /** Throws on images whose first byte is this. */
  readonly failOn?: number;
}

const scripted = (script: Script) => {
  const log = { starts: 0, terminated: 0, reading: 0, peakReading: 0 };
  const factory: OcrEngineFactory = async () => {
    log.starts += 1;
    await sleep(script.startMs);
    const engine: OcrEngine = {
      recognize: async (image) => {
        log.reading += 1;
        log.peakReading = Math.max(log.peakReading, log.reading);
        try {
          await sleep((image[0] ?? 0) * 10);
          if (image[0] === script.failOn) throw new RangeError('engine fault');
          return {
            words: [{ text: `word${image[0]}`, x0: 10, y0: 10, x1: 40, y1: 20, lineEnd: true }],
            confidence: 90,
          };
        } finally {
          log.reading -= 1;
        }
      },
      terminate: async () => {
        log.terminated += 1;
      },
    };
    return engine;
  };
  return { factory, log };
};

const outcome = (results: readonly OcrPageResult[]) =>
  results.map((result) => (isOcrMiss(result) ? result.reason : 'read'));

describe('LoadDocument OCR time budget', () => {
  it("does not charge the engine's start to the first page", async () => {
    // Prepare: the start alone is longer than one page's budget.
    const { factory, log } = scripted({ startMs: 300 });

    // Act
    const results = await ocrPageGeometry(
      pages(10, 10, 10, 10),
      { pageMs: 250, documentMs: 5_000, startMs: 1_000 },
      factory,
    );

    // Assess: every page of the multi-page scan is read, on one engine.
    expect(outcome(results)).toEqual(['read', 'read', 'read', 'read']);
    expect(log.starts).toBe(1);
    expect(log.terminated).toBe(1);
  });

  it('ends only the page over its budget; the next page is read on a new engine', async () => {
    // Prepare
    const { factory, log } = scripted({ startMs: 10 });

    // Act
    const results = await ocrPageGeometry(
      pages(5, 60, 5),
      { pageMs: 300, documentMs: 5_000 },
      factory,
    );

    // Assess
    expect(outcome(results)).toEqual(['read', 'OCR_PAGE_TIMEOUT', 'read']);
    expect(log.starts).toBe(2);
    expect(log.terminated).toBe(2);
  });

  it('gives the pages past the document deadline OCR_BUDGET_SPENT', async () => {
    // Prepare
    const { factory } = scripted({ startMs: 10 });

    // Act
    const results = await ocrPageGeometry(
      pages(20, 20, 20, 20),
      { pageMs: 1_000, documentMs: 500 },
      factory,
    );

    // Assess: two pages fit, the third runs into the deadline, the fourth never starts.
    expect(outcome(results)).toEqual(['read', 'read', 'OCR_PAGE_TIMEOUT', 'OCR_BUDGET_SPENT']);
  });

  it('names an engine error by its error name, never its message', async () => {
    // Prepare
    const { factory } = scripted({ startMs: 10, failOn: 7 });

    // Act
    const results = await ocrPageGeometry(
      pages(7, 5),
      { pageMs: 1_000, documentMs: 5_000 },
      factory,
    );

    // Assess
    expect(results[0]).toMatchObject({
      page: 1,
      reason: 'OCR_ENGINE_ERROR',
      errorName: 'RangeError',
    });
    expect(JSON.stringify(results[0])).not.toContain('engine fault');
    expect(outcome(results)[1]).toBe('read');
  });

  it('tells an engine slow to start from a start cut short by the deadline', async () => {
    // Prepare
    const { factory } = scripted({ startMs: 400 });

    // Act
    const slow = await ocrPageGeometry(
      pages(5),
      { pageMs: 1_000, documentMs: 5_000, startMs: 100 },
      factory,
    );
    const cut = await ocrPageGeometry(
      pages(5),
      { pageMs: 1_000, documentMs: 100, startMs: 1_000 },
      factory,
    );

    // Assess
    expect(outcome(slow)).toEqual(['OCR_START_TIMEOUT']);
    expect(outcome(cut)).toEqual(['OCR_BUDGET_SPENT']);
  });

  it('reports a failed start as OCR_ENGINE_ERROR for every page', async () => {
    // Act
    const results = await ocrPageGeometry(
      pages(5, 5),
      { pageMs: 1_000, documentMs: 5_000 },
      async () => {
        throw new TypeError('no model');
      },
    );

    // Assess
    expect(results).toEqual([
      { page: 1, reason: 'OCR_ENGINE_ERROR', errorName: 'TypeError', ms: 0 },
      { page: 2, reason: 'OCR_ENGINE_ERROR', errorName: 'TypeError', ms: 0 },
    ]);
  });

  it('reads with at most one engine per CPU across concurrent documents, first come first served', async () => {
    // Prepare: more documents at once than CPUs, as the local runtime runs them in one process.
    const { factory, log } = scripted({ startMs: 20 });
    const documents = CPU_SLOTS + 2;

    // Act
    const finished: number[] = [];
    await Promise.all(
      Array.from({ length: documents }, async (_, index) => {
        const results = await ocrPageGeometry(
          pages(10, 10),
          { pageMs: 1_000, documentMs: 20_000 },
          factory,
        );
        expect(outcome(results)).toEqual(['read', 'read']);
        finished.push(index);
      }),
    );

    // Assess
    expect(log.peakReading).toBeLessThanOrEqual(CPU_SLOTS);
    expect(log.starts).toBe(documents);
    expect(finished.slice(0, CPU_SLOTS).sort()).toEqual(
      Array.from({ length: CPU_SLOTS }, (_, index) => index),
    );
  });

  it('gives up waiting for an engine at the document deadline', async () => {
    // Prepare: every engine slot held by a slow document.
    const { factory } = scripted({ startMs: 10 });
    const holders = Array.from({ length: CPU_SLOTS }, () =>
      ocrPageGeometry(pages(50), { pageMs: 2_000, documentMs: 5_000 }, factory),
    );

    // Act
    const late = await ocrPageGeometry(pages(5, 5), { pageMs: 1_000, documentMs: 100 }, factory);

    // Assess
    expect(outcome(late)).toEqual(['OCR_BUDGET_SPENT', 'OCR_BUDGET_SPENT']);
    for (const held of await Promise.all(holders)) expect(outcome(held)).toEqual(['read']);
  });

  it("ends the handler's OCR before the invocation's deadline", () => {
    expect(ocrBudgetFor(170_000)).toMatchObject({
      documentMs: Math.min(OCR_GEOMETRY_BUDGET.documentMs, 170_000 - OCR_GEOMETRY_BUDGET.reserveMs),
      pageMs: OCR_GEOMETRY_BUDGET.pageMs,
    });
    expect(ocrBudgetFor(60_000).documentMs).toBe(60_000 - OCR_GEOMETRY_BUDGET.reserveMs);
    expect(ocrBudgetFor(3_000).documentMs).toBe(0);
  });
});
