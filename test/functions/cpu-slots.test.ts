/**
 * LoadDocument's rendering and OCR share the process's CPU slots (one per
 * CPU): a render waits while OCR holds every slot and starts, with its full
 * budget, once one frees; a slot wait with a deadline gives up at it.
 */
import { describe, expect, it } from 'vitest';
import { acquireCpuSlot, CPU_SLOTS, releaseCpuSlot } from '#functions/load-document/cpu-slots.ts';
import { renderPages } from '#functions/load-document/page-render.ts';
import { imageOnlyPdf } from '#test/helpers/pdf-fixtures.ts';

describe('LoadDocument CPU slots', () => {
  it('holds a render back while every slot is taken, then renders it', async () => {
    // Prepare: every slot held, as by OCR engines of other documents.
    const pdf = await imageOnlyPdf();
    for (let slot = 0; slot < CPU_SLOTS; slot += 1) expect(await acquireCpuSlot()).toBe(true);
    let rendered = false;

    // Act
    const render = renderPages(pdf, [1]).then((pages) => {
      rendered = true;
      return pages;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whileHeld = rendered;
    for (let slot = 0; slot < CPU_SLOTS; slot += 1) releaseCpuSlot();
    const pages = await render;

    // Assess
    expect(whileHeld).toBe(false);
    expect(pages).toHaveLength(1);
  }, 60_000);

  it('gives up a wait at its deadline and leaves the queue', async () => {
    // Prepare
    for (let slot = 0; slot < CPU_SLOTS; slot += 1) expect(await acquireCpuSlot()).toBe(true);

    // Act
    const late = await acquireCpuSlot(performance.now() + 50);
    for (let slot = 0; slot < CPU_SLOTS; slot += 1) releaseCpuSlot();
    const after = await acquireCpuSlot(performance.now() + 50);
    releaseCpuSlot();

    // Assess: the abandoned wait took no slot with it.
    expect(late).toBe(false);
    expect(after).toBe(true);
  });
});
