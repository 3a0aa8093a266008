/**
 * The review flow in a real headless Chromium against one whole local
 * stack: an office note that never states the patient's sex (a required
 * field) ends NEEDS_REVIEW and shows in the queue; its review page draws
 * each value's evidence box over the quoted text where the box's PDF points
 * put it; one value is corrected by keyboard, the rest accepted, the
 * document approved; it is then SUCCEEDED with the correction and the
 * decisions kept. axe-core finds no serious or critical violation, and the
 * pages are photographed into docs/images/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST, ensureConsoleBuilt } from '#cli/console-build.ts';
import type { ReviewDocument } from '#contracts/review-api.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { setProductionAlias } from '#services/evaluation.ts';
import { type ApiStack, startApiStack } from '#test/helpers/api-stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(
    `test/console/review: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)\n`,
  );
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** US Letter, pdfkit's default page, in points. */
const PAGE = { width: 612, height: 792 };

/** The newest released prompt version: the one whose tool schema asks for quotes. */
const newestVersion = (): string => {
  const manifest = JSON.parse(
    readFileSync(fromRepoRoot('prompts/medical-record/manifest.json'), 'utf8'),
  ) as { versions: Record<string, unknown> };
  const versions = Object.keys(manifest.versions).sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  return versions.at(-1) ?? '2.0.0';
};

/** A synthetic office note with every required field but the patient's sex. */
const noteWithoutSex = (): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ info: { CreationDate: new Date('2026-01-01T00:00:00Z') } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(16).text('Office Note');
    doc.fontSize(11);
    doc.text('Patient Name: Varro Quintly-Testcase');
    doc.text('Date of Birth: 07/22/1965');
    doc.text('MRN: TST-551203');
    doc.text('Date of Service: 2026-10-09');
    doc.text('Provider: Dr. Ines Harrow-Example');
    doc.text('Facility: Example Ridge Clinic');
    doc.text('Assessment: Essential hypertension (I10)');
    doc.text('Medications: Amlodipine 5 mg daily');
    doc.text('SYNTHETIC TEST DOCUMENT');
    doc.end();
  });

let s: ApiStack;
let browser: Browser;
let page: Page;
let base = '';
const pageErrors: string[] = [];

const seriousViolations = async (): Promise<string[]> => {
  // Once per document: the console navigates by hash, so axe stays loaded between pages.
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: unknown[] }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.nodes.length})`);
  });
};

const shoot = (name: string) =>
  page.screenshot({ path: fromRepoRoot(`docs/images/console-${name}.png`), fullPage: false });

describe.skipIf(!hasChromium)('review pages in Chromium', () => {
  let id = '';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    s = await startApiStack({ consoleDir: CONSOLE_DIST });
    await setProductionAlias(s.target, newestVersion());
    base = s.api.url.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('lists a document missing a required field in the review queue', async () => {
    // Prepare
    await page.goto(`${base}/#/`);
    await page.locator('main h1').first().waitFor();

    // Act
    await page.setInputFiles('input[type=file]', [
      { name: 'review-note.pdf', mimeType: 'application/pdf', buffer: await noteWithoutSex() },
    ]);
    const row = page.locator('tbody tr', { hasText: 'review-note.pdf' });
    // Refresh by hand too: the outcome, not the list's polling, is under test here.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return (await row.count()) > 0 ? row.getAttribute('data-status') : 'not listed';
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe('NEEDS_REVIEW');
    id = ((await row.locator('a').getAttribute('href')) ?? '').replace('#/documents/', '');
    // A fresh load: the navigation's count is read when the page loads (and every 10 s after).
    await page.goto(`${base}/#/review`);
    await page.reload();

    // Assess
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const item = page.locator(`tr[data-document="${id}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(Number(await item.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => page.locator('[data-testid=review-count]').textContent(), { timeout: 15_000 })
      .toMatch(/^1\b/);
    await expect(page.title()).resolves.toBe('Review · MedExtract console');
    await shoot('review-queue');
    expect(await seriousViolations()).toEqual([]);
    // The API's document detail carries the same grounding, keyed by field path.
    const detail = (await s.call('GET', `/api/documents/${id}`)).body as {
      evidence: Record<string, { match: string; page: number | null }> | null;
      confidence: Record<string, number> | null;
      assessment: { required: boolean; flags: { path: string; reason: string }[] } | null;
    };
    expect(detail.evidence?.['patient.name']).toMatchObject({ match: 'exact', page: 1 });
    expect(Object.keys(detail.confidence ?? {}).sort()).toEqual(
      Object.keys(detail.evidence ?? {}).sort(),
    );
    expect(detail.assessment?.required).toBe(true);
    expect(detail.assessment?.flags).toContainEqual(
      expect.objectContaining({ path: 'patient.sex', reason: 'MISSING_REQUIRED' }),
    );
  }, 45_000);

  it('draws a value’s evidence box over its quoted text where its PDF points put it', async () => {
    // Prepare
    const review = (await s.call('GET', `/api/reviews/${id}`)).body as ReviewDocument;
    const [path, evidence] =
      Object.entries(review.evidence).find(([, e]) => e.page === 1 && e.bbox !== null) ?? [];
    expect(path, 'a value with a box on page 1').toBeDefined();
    const bbox = evidence?.bbox ?? { x: 0, y: 0, width: 0, height: 0 };

    // Act
    await page.locator(`tr[data-document="${id}"] a`).click();
    await page.locator('form.reviewer input').fill('underwriter-7');
    await page.locator('form.reviewer button[type=submit]').click();
    const canvas = page.locator('.pdf-page[data-page="1"] canvas');
    await canvas.waitFor({ timeout: 15_000 });
    await page.locator(`li.review-field[data-path="${path}"] .field-select`).click();
    const box = page.locator(`.pdf-page[data-page="1"] .ebox[data-path="${path}"]`);
    await box.waitFor();

    // Assess: the box sits where the bbox's points land on the canvas (y flipped), within a pixel.
    // Both rectangles in one synchronous read: selecting scrolls the pages smoothly.
    const { c, b } = await box.evaluate((node) => {
      const rect = (el: {
        getBoundingClientRect(): { x: number; y: number; width: number; height: number };
      }) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const stage = (node as unknown as { parentElement: { querySelector(s: string): unknown } })
        .parentElement;
      return {
        c: rect(stage.querySelector('canvas') as Parameters<typeof rect>[0]),
        b: rect(node as unknown as Parameters<typeof rect>[0]),
      };
    });
    const scale = c.width / PAGE.width;
    const off = (actual: number, expected: number) => Math.abs(actual - expected);
    expect(off(b.x, c.x + bbox.x * scale)).toBeLessThan(1);
    expect(off(b.y, c.y + (PAGE.height - bbox.y - bbox.height) * scale)).toBeLessThan(1);
    expect(off(b.width, bbox.width * scale)).toBeLessThan(1);
    expect(off(b.height, bbox.height * scale)).toBeLessThan(1);
    await expect(box.getAttribute('class')).resolves.toContain('selected');
    // ...and over ink: the quoted text is drawn inside it.
    const dark = await canvas.evaluate(
      (node, r) => {
        const el = node as unknown as {
          getContext(kind: '2d'): {
            getImageData(...a: number[]): { data: ArrayLike<number> };
          } | null;
        };
        const data = el.getContext('2d')?.getImageData(r.x, r.y, r.w, r.h).data ?? [];
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) n += 1;
        return n;
      },
      {
        x: Math.round(b.x - c.x),
        y: Math.round(b.y - c.y),
        w: Math.max(1, Math.round(b.width)),
        h: Math.max(1, Math.round(b.height)),
      },
    );
    expect(dark).toBeGreaterThan(10);
    await expect(
      page.evaluate(() =>
        (
          globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
        ).localStorage.getItem('medextract.reviewer'),
      ),
    ).resolves.toBe('underwriter-7');
    await shoot('review');
    expect(await seriousViolations()).toEqual([]);
  }, 30_000);

  it('corrects the missing value by keyboard, accepts the rest and approves', async () => {
    // Prepare: the missing required value comes first.
    const first = page.locator('li.review-field').first();
    await expect(first.getAttribute('data-path')).resolves.toBe('patient.sex');

    // Act: select the first value, j moves down, k back up, e edits, Enter saves.
    await first.locator('.field-select').click();
    await page.keyboard.press('j');
    await expect(
      page.locator('li.review-field.selected').getAttribute('data-path'),
    ).resolves.not.toBe('patient.sex');
    await page.keyboard.press('k');
    await expect(page.locator('li.review-field.selected').getAttribute('data-path')).resolves.toBe(
      'patient.sex',
    );
    await page.keyboard.press('e');
    await first.locator('.editor input').fill('F');
    await page.keyboard.press('Enter');
    await page
      .locator('li.review-field[data-path="patient.sex"][data-decision="correct"]')
      .waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /^Accept the \d+ undecided$/ }).click();
    await expect
      .poll(() => page.locator('li.review-field[data-decision="none"]').count(), {
        timeout: 10_000,
      })
      .toBe(0);
    await page.getByRole('button', { name: 'Approve…' }).click();
    expect(await seriousViolations()).toEqual([]);
    await page.locator('dialog button.primary').click();

    // Assess
    await page.locator('[data-testid=status]', { hasText: 'SUCCEEDED' }).waitFor({
      timeout: 10_000,
    });
    const history = page.locator('[data-testid=review-history] tbody tr');
    await expect(history.count()).resolves.toBeGreaterThanOrEqual(2);
    const correction = page.locator(
      '[data-testid=review-history] tr[data-path="patient.sex"][data-action="correct"]',
    );
    await expect(correction.textContent()).resolves.toContain('underwriter-7');
    await expect(page.locator('main').textContent()).resolves.toContain('by underwriter-7');
    await shoot('review-approved');

    await page.goto(`${base}/#/documents/${id}`);
    await page.locator('[data-testid=status]', { hasText: 'SUCCEEDED' }).waitFor();
    await expect(page.locator('pre.fields').textContent()).resolves.toContain('"sex": "F"');
    const detail = (await s.call('GET', `/api/documents/${id}`)).body as {
      status: string;
      fields: { patient: { sex: unknown } };
    };
    expect(detail.status).toBe('SUCCEEDED');
    expect(detail.fields.patient.sex).toBe('F');
    expect(pageErrors).toEqual([]);
  }, 45_000);
});
