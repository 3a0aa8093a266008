/**
 * The pdf.js text worker's start is not charged to a document's deadline: a
 * new worker loads pdf.js (through tsx from source, seconds on a busy
 * machine) and reports ready, and only then does the document's deadline
 * start. A document whose parse fits its deadline succeeds even when the
 * worker's start alone took longer than that deadline. New workers here hold
 * their ready message for twice the deadline, so the start is longer than
 * the deadline however fast or busy the machine is.
 */
import { describe, expect, it } from 'vitest';
import { BadDocumentError } from '#contracts/errors.ts';
import { extractInWorker, holdNewWorkersReady } from '#functions/load-document/pdf-text-worker.ts';
import { generateDocument } from '#local/corpus/generate.ts';

/** Far above a one-page parse in a loaded worker (about 60 ms). */
const DEADLINE_MS = 1_000;
/** How long a new worker waits, after loading pdf.js, before it reports ready. */
const READY_HOLD_MS = 2 * DEADLINE_MS;
const limits = { maxPages: 100, heapMb: 384, rssGrowthMb: 640, deadlineMs: DEADLINE_MS };

const outcome = (pdf: Uint8Array) =>
  extractInWorker(pdf, limits).then(
    (run) => run.reply.kind,
    (error: unknown) => (error instanceof BadDocumentError ? error.reason : String(error)),
  );

describe('pdf.js text worker start', () => {
  it('starts a document deadline when a new worker is ready, not when it is started', async () => {
    // Arrange: this file runs in its own process, so the first document gets a new worker.
    holdNewWorkersReady(READY_HOLD_MS);
    const { pdf } = await generateDocument('worker-ready', 1, 'office_note');

    // Act
    const started = performance.now();
    const first = await outcome(pdf);
    const firstMs = performance.now() - started;
    const again = performance.now();
    const second = await outcome(pdf);
    const secondMs = performance.now() - again;

    // Assert: the new worker's start took longer than the deadline, and the document still parsed.
    expect(first).toBe('pages');
    expect(firstMs).toBeGreaterThan(READY_HOLD_MS);
    // The pooled worker is ready at once: the same document well inside its deadline.
    expect(second).toBe('pages');
    expect(secondMs).toBeLessThan(firstMs);
  });
});
