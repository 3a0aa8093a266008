/**
 * The web console in a real headless Chromium against one whole local stack:
 * uploads through the page reach their outcomes, the detail page draws the
 * path and the fields, a bad PDF shows its reason, the metrics and functions
 * pages chart real runs, an experiment goes from Draft to Promoted through
 * the page with its audit, the DLQ page redrives a failed document, axe-core
 * finds no serious or critical violation, and each page is photographed
 * into docs/images/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST, ensureConsoleBuilt } from '#cli/console-build.ts';
import { fromRepoRoot } from '#infra/repo-paths.ts';
import { type ApiStack, startApiStack } from '#test/helpers/api-stack.ts';
import { notPdf, recordPdf } from '#test/helpers/pdf-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(
    `test/console: skipped, ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it)\n`,
  );
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let s: ApiStack;
let browser: Browser;
let page: Page;
let base = '';
const pageErrors: string[] = [];

/** axe-core's serious and critical violations on the page as it is now. */
const seriousViolations = async (): Promise<string[]> => {
  // Once per document: the console navigates by hash, so axe stays loaded between pages.
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  const ids = await page.evaluate(async () => {
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
  return ids;
};

const shoot = (name: string, fullPage = false) =>
  page.screenshot({ path: fromRepoRoot(`docs/images/console-${name}.png`), fullPage });

const go = async (hash: string) => {
  await page.goto(`${base}/${hash}`);
  await page.locator('main h1').first().waitFor();
};

describe.skipIf(!hasChromium)('web console in Chromium', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await ensureConsoleBuilt();
    s = await startApiStack({
      consoleDir: CONSOLE_DIST,
      invocations: () => s?.stack.invocations.list() ?? [],
    });
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

  it('uploads a PDF and a bad PDF through the page; they reach SUCCEEDED and FAILED', async () => {
    // Prepare
    await go('#/');

    // Act
    await page.setInputFiles('input[type=file]', [
      { name: 'console-aps.pdf', mimeType: 'application/pdf', buffer: await recordPdf() },
      { name: 'console-junk.pdf', mimeType: 'application/pdf', buffer: notPdf() },
    ]);

    // Assess
    const row = (name: string) => page.locator('tbody tr', { hasText: name });
    await expect
      .poll(() => row('console-aps.pdf').getAttribute('data-status'), { timeout: 40_000 })
      .toBe('SUCCEEDED');
    await expect
      .poll(() => row('console-junk.pdf').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('FAILED');
    await expect(row('console-junk.pdf').textContent()).resolves.toContain('NOT_PDF');
    for (const name of ['console-aps.pdf', 'console-junk.pdf']) {
      const href = (await row(name).locator('a').getAttribute('href')) ?? '';
      ids[name] = href.replace('#/documents/', '');
      expect(ids[name]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(page.url()).not.toContain('console-aps');
    await expect(page.title()).resolves.toBe('Documents · MedExtract console');
    await shoot('documents');
    expect(await seriousViolations()).toEqual([]);
  }, 70_000);

  it('shows the taken path, the fields and the rendered first page of a document', async () => {
    // Act
    await go(`#/documents/${ids['console-aps.pdf']}`);
    await page.locator('[data-testid=status]', { hasText: 'SUCCEEDED' }).waitFor();

    // Assess
    const visited = await page
      .locator('g.state[data-visited=true]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
    expect(visited).toEqual(
      expect.arrayContaining([
        'LoadDocument',
        'SelectVariant',
        'InvokeModel',
        'Score',
        'RecordResult',
      ]),
    );
    expect(visited).not.toContain('RecordFailure');
    await expect(page.locator('line.edge.taken').count()).resolves.toBeGreaterThanOrEqual(4);
    await expect(page.locator('pre.fields').textContent()).resolves.toContain('"patient"');
    await page.locator('.pdf canvas:not([hidden])').waitFor({ timeout: 15_000 });
    const inked = await page.locator('.pdf canvas').evaluate((node) => {
      const canvas = node as unknown as {
        width: number;
        height: number;
        getContext(
          kind: '2d',
        ): { getImageData(...a: number[]): { data: ArrayLike<number> } } | null;
      };
      const data =
        canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark += 1;
      return dark;
    });
    expect(inked).toBeGreaterThan(100);
    await expect(page.locator('main').textContent()).resolves.toContain('not an LLM');
    await shoot('document');
    expect(await seriousViolations()).toEqual([]);
  }, 40_000);

  it('shows a bad PDF its reason in words and what to do', async () => {
    // Act
    await go(`#/documents/${ids['console-junk.pdf']}`);
    const reason = page.locator('[data-testid=reason]');
    await reason.waitFor();

    // Assess
    const text = await reason.textContent();
    expect(text).toContain('NOT_PDF');
    expect(text).toContain('The file is not a PDF.');
    expect(text).toContain('What to do');
    const visited = await page
      .locator('g.state[data-visited=true]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
    expect(visited).toEqual(expect.arrayContaining(['LoadDocument', 'RecordFailure', 'SendToDLQ']));
  }, 30_000);

  it('draws an experiment from Draft to Promoted through the page, with the audit', async () => {
    // Prepare
    await go('#/experiments');
    await page.getByLabel('Name').fill('Console trial');
    await page.getByLabel('Control').selectOption('1.1.0');
    await page.getByLabel('Treatment').selectOption('2.0.0');
    await page.getByLabel('Minimum documents per arm').fill('8');
    const confirm = async () => {
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor();
      await dialog.locator('button[type=submit]').click();
      await dialog.waitFor({ state: 'detached' });
    };

    // Act
    await page.getByRole('button', { name: 'Create' }).click();
    await confirm();
    await page.waitForURL(/#\/experiments\/console-trial$/);
    await page.getByRole('button', { name: 'Start' }).click();
    await confirm();
    await page.locator('[data-testid=exp-status]', { hasText: 'Running' }).waitFor();
    const docs = await Promise.all(
      // Sixteen different records: identical bytes would reuse the first
      // extraction (ADR 40) and this trial is about model calls and their metrics.
      Array.from({ length: 16 }, async (_, i) => ({
        name: `trial-${i}.pdf`,
        bytes: await recordPdf(`Trial Marbrey-Case${String.fromCharCode(65 + i)}`),
      })),
    );
    await s.process(docs);
    await s.stack.settle();
    await page.reload();
    await page.getByRole('button', { name: 'Complete' }).click();
    await confirm();
    await page.locator('[data-testid=exp-status]', { hasText: 'Completed' }).waitFor();
    await page.locator('[data-testid=decision]').waitFor();
    const decision = await page.locator('[data-testid=decision]').textContent();
    await shoot('experiment');
    const violations = await seriousViolations();
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByLabel('Reason (audited)').fill('promoted from the console test');
    await page.getByLabel(/Promote even if/).check();
    await confirm();

    // Assess
    expect(decision).toMatch(/Decision: (ship|rollback|keep-running|unhealthy)/);
    await page.locator('[data-testid=exp-status]', { hasText: 'Promoted' }).waitFor();
    const history = page.locator('[data-testid=history]');
    await expect.poll(() => history.textContent()).toContain('promoted from the console test');
    await expect(history.textContent()).resolves.toMatch(
      /production 1\.1\.0 → 2\.0\.0|production 2\.0\.0 → 2\.0\.0|→ 2\.0\.0/,
    );
    expect(violations).toEqual([]);
  }, 90_000);

  it('charts per-version metrics, per-function cold starts, durations and memory, and recommends sizes', async () => {
    // Act
    await go('#/metrics');
    await page.locator('figure.chart canvas').first().waitFor({ timeout: 15_000 });
    const metricPoints = await page
      .locator('figure.chart')
      .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-points'))));
    await shoot('metrics');
    const metricsViolations = await seriousViolations();
    await go('#/functions');
    await page.locator('figure.chart canvas').first().waitFor({ timeout: 15_000 });
    const invokeCell = await page
      .locator('tbody tr', { hasText: 'invoke-model' })
      .locator('td')
      .first()
      .textContent();
    const pointsIn = (selector: string) =>
      page
        .locator(`${selector} figure.chart`)
        .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-points'))));
    const coldStartPoints = await pointsIn('[data-testid=cold-start-charts]');
    const durationPoints = await pointsIn('[data-testid=duration-charts]');
    const memoryPoints = await page
      .locator('[data-testid=memory-chart]')
      .getAttribute('data-points');
    const canvases = await page.locator('main figure.chart canvas').count();
    const recommendations = page.locator('[data-testid=recommendations] tbody tr');
    const recommendationRows = await recommendations.count();
    const invokeRecommendation = await recommendations
      .filter({ hasText: 'invoke-model' })
      .getAttribute('data-action');
    const invokeSaving = await recommendations
      .filter({ hasText: 'invoke-model' })
      .locator('td')
      .nth(7)
      .textContent();
    await shoot('functions', true);
    const functionsViolations = await seriousViolations();

    // Assess
    expect(metricPoints.length).toBeGreaterThanOrEqual(6);
    expect(Math.min(...metricPoints)).toBeGreaterThanOrEqual(1);
    const invocations = Number(invokeCell);
    expect(invocations).toBeGreaterThanOrEqual(17);
    // Every function imported once has one cold start in its histogram.
    expect(coldStartPoints.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...coldStartPoints)).toBeGreaterThanOrEqual(1);
    expect(durationPoints.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...durationPoints)).toBeGreaterThanOrEqual(1);
    // Configured size and p99 used, for each function that ran.
    expect(Number(memoryPoints)).toBeGreaterThanOrEqual(2 * 5);
    expect(canvases).toBe(coldStartPoints.length + durationPoints.length + 1);
    expect(recommendationRows).toBeGreaterThanOrEqual(5);
    expect(['lower', 'raise', 'keep']).toContain(invokeRecommendation);
    expect(invokeSaving).toMatch(/^-?\$\d+\.\d{4}$|^\$-\d+\.\d{4}$/);
    expect(metricsViolations).toEqual([]);
    expect(functionsViolations).toEqual([]);
  }, 40_000);

  it('redrives the failed document from the DLQ page', async () => {
    // Prepare
    await go('#/dlq');
    const row = page.locator('tbody tr', { hasText: ids['console-junk.pdf']?.slice(0, 12) ?? '?' });
    await row.waitFor();
    await shoot('dlq');
    const violations = await seriousViolations();

    // Act
    await row.locator('input[type=checkbox]').check();
    await page.getByRole('button', { name: /Redrive selected/ }).click();
    await page.locator('dialog[open] button[type=submit]').click();

    // Assess
    await expect
      .poll(() => page.locator('ul.results').textContent(), { timeout: 15_000 })
      .toContain('redriven');
    expect(violations).toEqual([]);
  }, 40_000);

  it('shows the prompts with a diff and the alias history, and no page threw', async () => {
    // Act
    await go('#/prompts');
    await page.locator('pre.diff').first().waitFor();
    await page.getByRole('button', { name: '2.0.0' }).click();
    await page.locator('h3', { hasText: 'Version 2.0.0' }).waitFor();
    await shoot('prompts');

    // Assess
    await expect(page.locator('main').textContent()).resolves.toContain(
      'promoted from the console test',
    );
    expect(await seriousViolations()).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 30_000);
  it('reads in dark mode on a narrow window, and says when the API is unreachable', async () => {
    // Prepare
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 420, height: 900 });
    await go('#/');
    await page.locator('tbody tr').first().waitFor();
    await shoot('documents-dark-narrow');
    const violations = await seriousViolations();

    // Act
    await page.route('**/api/**', (route) => route.abort());
    await go('#/experiments');
    const alert = page.getByRole('alert').first();
    await alert.waitFor();

    // Assess
    await expect(alert.textContent()).resolves.toContain('The API is unreachable');
    expect(violations).toEqual([]);
    await page.unroute('**/api/**');
  }, 30_000);
});
