/**
 * Warm OCR engines, on scripted engines whose pages take known times: one
 * engine reads document after document; an engine that timed out, threw or
 * whose thread exited is ended and never handed out again, and the next
 * document gets a new one; an idle engine lets go of the process and is ended
 * after its idle time; no more engines are kept than allowed; stop ends the
 * idle ones and those in use once given back; a page image read before is
 * answered from its reading. Then the real tesseract.js
 * engine in a child process: a document read, the engine left idle and
 * warm, and the process still ends by itself.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isOcrMiss, ocrPageGeometry } from '#functions/load-document/page-ocr.ts';
import {
  createOcrEnginePool,
  type OcrEngine,
  type OcrEngineFactory,
} from '#functions/load-document/page-ocr-engines.ts';
import { pages, sleep } from '#test/helpers/scripted-ocr-pages.ts';

interface ScriptedEngine extends OcrEngine {
  readonly id: number;
  readonly pagesRead: number;
  readonly terminated: boolean;
  readonly held: boolean;
  /** The thread exits by itself. */
  crash(): void;
}

const scripted = () => {
  const engines: ScriptedEngine[] = [];
  const factory: OcrEngineFactory = async () => {
    await sleep(5);
    const state = { pagesRead: 0, terminated: false, held: true, exited: false };
    const engine: ScriptedEngine = {
      id: engines.length + 1,
      get pagesRead() {
        return state.pagesRead;
      },
      get terminated() {
        return state.terminated;
      },
      get held() {
        return state.held;
      },
      crash: () => {
        state.exited = true;
      },
      recognize: async (image) => {
        if (state.terminated) throw new Error('read on an ended engine');
        if (image[0] === 255) throw new RangeError('engine fault');
        await sleep((image[0] ?? 0) * 10);
        state.pagesRead += 1;
        return {
          words: [{ text: 'word', x0: 10, y0: 10, x1: 40, y1: 20, lineEnd: true }],
          confidence: 90,
        };
      },
      terminate: async () => {
        state.terminated = true;
      },
      hold: (held) => {
        state.held = held;
      },
      alive: () => !state.exited,
    };
    engines.push(engine);
    return engine;
  };
  return { factory, engines };
};

const outcome = (results: Awaited<ReturnType<typeof ocrPageGeometry>>) =>
  results.map((result) => (isOcrMiss(result) ? result.reason : 'read'));

const budget = { pageMs: 300, documentMs: 5_000 };

describe('warm OCR engines', () => {
  it('reads document after document on one engine, released from the process while idle', async () => {
    // Prepare
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 2 });

    // Act
    const documents = [];
    for (let document = 0; document < 3; document += 1) {
      documents.push(outcome(await ocrPageGeometry(pages(1, 1), budget, pool)));
    }

    // Assess
    expect(documents).toEqual([
      ['read', 'read'],
      ['read', 'read'],
      ['read', 'read'],
    ]);
    expect(engines).toHaveLength(1);
    expect(engines[0]).toMatchObject({ pagesRead: 6, terminated: false, held: false });
    expect(pool.stats()).toEqual({ starts: 1, warmTakes: 2, discarded: 0, idle: 1, recalled: 0 });
    await pool.stop();
    expect(engines[0]?.terminated).toBe(true);
    expect(pool.stats().idle).toBe(0);
  });

  it('ends an engine whose page timed out and gives the next document a new one', async () => {
    // Prepare
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 2 });

    // Act: the second page runs past its 300 ms.
    const first = outcome(await ocrPageGeometry(pages(1, 60), budget, pool));
    const second = outcome(await ocrPageGeometry(pages(1), budget, pool));

    // Assess
    expect(first).toEqual(['read', 'OCR_PAGE_TIMEOUT']);
    expect(second).toEqual(['read']);
    expect(engines.map((engine) => [engine.pagesRead, engine.terminated])).toEqual([
      [1, true],
      [1, false],
    ]);
    expect(pool.stats()).toMatchObject({ starts: 2, warmTakes: 0, discarded: 1 });
    await pool.stop();
  });

  it('ends an engine that threw and never hands it out again', async () => {
    // Prepare
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 2 });

    // Act
    const faulted = await ocrPageGeometry(pages(255), budget, pool);
    const next = outcome(await ocrPageGeometry(pages(1), budget, pool));

    // Assess
    expect(faulted).toEqual([
      expect.objectContaining({ reason: 'OCR_ENGINE_ERROR', errorName: 'RangeError' }),
    ]);
    expect(next).toEqual(['read']);
    expect(engines).toHaveLength(2);
    expect(engines[0]?.terminated).toBe(true);
    expect(engines[1]?.pagesRead).toBe(1);
    await pool.stop();
  });

  it('does not hand out an idle engine whose thread exited', async () => {
    // Prepare
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 2 });
    await ocrPageGeometry(pages(1), budget, pool);
    engines[0]?.crash();

    // Act
    const after = outcome(await ocrPageGeometry(pages(1), budget, pool));

    // Assess
    expect(after).toEqual(['read']);
    expect(engines).toHaveLength(2);
    expect(engines[0]).toMatchObject({ pagesRead: 1, terminated: true });
    expect(engines[1]?.pagesRead).toBe(1);
    expect(pool.stats()).toMatchObject({ starts: 2, warmTakes: 0, discarded: 1 });
    await pool.stop();
  });

  it('ends an idle engine after its idle time; the next document starts a new one', async () => {
    // Prepare
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 50, maxIdle: 2 });
    await ocrPageGeometry(pages(1), budget, pool);
    expect(pool.stats().idle).toBe(1);

    // Act
    await sleep(200);

    // Assess
    expect(engines[0]?.terminated).toBe(true);
    expect(pool.stats().idle).toBe(0);
    expect(outcome(await ocrPageGeometry(pages(1), budget, pool))).toEqual(['read']);
    expect(engines).toHaveLength(2);
    await pool.stop();
  });

  it('keeps at most maxIdle engines after concurrent documents', async () => {
    // Prepare: three documents read at once (the CPU slots allowing), one engine kept.
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 1 });

    // Act
    await Promise.all([1, 2, 3].map(() => ocrPageGeometry(pages(3), budget, pool)));

    // Assess
    expect(pool.stats().idle).toBe(1);
    expect(engines.filter((engine) => !engine.terminated)).toHaveLength(1);
    await pool.stop();
    expect(engines.every((engine) => engine.terminated)).toBe(true);
  });

  it('answers a page it read before, byte for byte, from the reading; forgets the oldest first', async () => {
    // Prepare: readings of two distinct page images remembered at most.
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 2, readings: 2 });
    await ocrPageGeometry(pages(1, 2), budget, pool);

    // Act
    const again = await ocrPageGeometry(pages(2, 1), budget, pool);
    await ocrPageGeometry(pages(3), budget, pool);
    const forgotten = await ocrPageGeometry(pages(2), budget, pool);

    // Assess: the second document read nothing; after a third image, the oldest (2) is read anew.
    expect(again.map((page) => [page.page, isOcrMiss(page) ? page.reason : page.text])).toEqual([
      [1, 'word\n'],
      [2, 'word\n'],
    ]);
    expect(forgotten.map((page) => page.ms)).not.toEqual([0]);
    expect(engines).toHaveLength(1);
    expect(engines[0]?.pagesRead).toBe(4);
    expect(pool.stats()).toMatchObject({ recalled: 2 });
    await pool.stop();
  });

  it('ends an engine given back after stop instead of keeping it', async () => {
    // Prepare
    const { factory, engines } = scripted();
    const pool = createOcrEnginePool(factory, { idleMs: 60_000, maxIdle: 2 });
    const reading = ocrPageGeometry(pages(10), budget, pool);
    await sleep(40);

    // Act
    await pool.stop();
    const results = outcome(await reading);

    // Assess: the page in progress is read; its engine is not kept.
    expect(results).toEqual(['read']);
    expect(engines[0]?.terminated).toBe(true);
    expect(pool.stats().idle).toBe(0);
  });
});

describe('warm tesseract.js engine in a process', () => {
  it('lets the process end by itself with an engine idle and warm', () => {
    // Act: a child process reads one small page through LoadDocument's OCR and returns
    // without stopping anything. It reports, when its event loop has drained, the warm
    // engine it still holds; had the engine held the process, it would not drain before
    // the engine's idle time (two minutes, past this test's timeout).
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./page-ocr-engines-child.ts', import.meta.url))],
      { encoding: 'utf8', timeout: 100_000 },
    );

    // Assess
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report).toMatchObject({ read: ['read'], atExit: { starts: 1, idle: 1 } });
  }, 110_000);
});
