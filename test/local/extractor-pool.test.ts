/**
 * The rule-based extractor on its worker thread: the same answers as the
 * function called in process, for versions with and without evidence, in
 * request order under concurrency; a request the worker cannot take fails
 * alone; a stopped pool starts a new worker on the next request. The worker
 * starts from a prebuilt bundle of its job when given one (the test run
 * builds one) and from the job's sources through tsx otherwise, with the
 * same answers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { renderPrompt } from '#core/prompts/render.ts';
import { createExtractorPool } from '#local/bedrock/extractor-pool.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';

const NOTE = [
  'Office Note',
  'Patient: Jane Synthetic  DOB: 1970-03-14',
  'Date of service: 2024-05-02',
  'Assessment: Essential hypertension (I10); Type 2 diabetes mellitus (E11.9)',
  'Medications: Lisinopril 10 mg daily; Metformin 500 mg twice daily',
  'Allergies: Penicillin',
  'BP 142/88  HR 76  BMI 31.2',
  'HbA1c 7.4 %',
  'Tobacco: former smoker',
].join('\n');

const requestFor = (version: string, text: string) => {
  const rendered = renderPrompt(bundledPrompts().get(version), text);
  return { userText: rendered.user, inputSchema: rendered.inputSchema };
};

describe('extractor pool', () => {
  const pool = createExtractorPool();
  afterAll(() => pool.stop());

  it('answers as extractFromPrompt does, with and without evidence', async () => {
    // Prepare
    const requests = ['2.0.0', '2.2.0'].map((version) => requestFor(version, NOTE));

    // Act
    const answers = await Promise.all(requests.map((request) => pool.extract(request)));

    // Assess
    expect(answers).toEqual(requests.map((request) => extractFromPrompt(request)));
    expect(answers[1]).toHaveProperty('evidence');
    expect(JSON.stringify(answers[0])).toContain('I10');
  });

  it('keeps each answer with its request when many are in flight', async () => {
    // Prepare
    const texts = Array.from({ length: 12 }, (_, i) =>
      NOTE.replace('Jane', `Jane${String.fromCharCode(65 + i)}`),
    );
    const requests = texts.map((text) => requestFor('2.0.0', text));

    // Act
    const answers = await Promise.all(requests.map((request) => pool.extract(request)));

    // Assess
    expect(answers).toEqual(requests.map((request) => extractFromPrompt(request)));
  });

  it('fails a request that cannot be sent to the worker, and serves the next one', async () => {
    // Prepare: a function cannot be cloned into a worker message.
    const bad = { userText: 'x', inputSchema: { f: () => 1 } };

    // Act / Assess
    await expect(pool.extract(bad)).rejects.toThrow();
    await expect(pool.extract(requestFor('2.0.0', NOTE))).resolves.toEqual(
      extractFromPrompt(requestFor('2.0.0', NOTE)),
    );
  });

  it("answers the same from the job's sources through tsx as from a bundle", async () => {
    // Prepare: a pool that ignores the run's bundle.
    const fromSources = createExtractorPool({ jobBundle: null });
    const requests = ['2.0.0', '2.2.0'].map((version) => requestFor(version, NOTE));

    // Act
    const answers = await Promise.all(requests.map((request) => fromSources.extract(request)));
    await fromSources.stop();

    // Assess
    expect(answers).toEqual(requests.map((request) => extractFromPrompt(request)));
  });

  it('runs the bundle it is given, and the sources when that file is gone', async () => {
    // Prepare: a "bundle" that fails as it loads, so a request can only fail if it ran.
    const dir = await mkdtemp(join(tmpdir(), 'medextract-extractor-job-'));
    const broken = join(dir, 'job.mjs');
    await writeFile(broken, "throw new Error('BROKEN_JOB_BUNDLE');\n");
    const onBroken = createExtractorPool({ jobBundle: broken });
    const onMissing = createExtractorPool({ jobBundle: join(dir, 'missing.mjs') });

    // Act
    const brokenAnswer = await onBroken.extract(requestFor('2.0.0', NOTE)).catch((error) => error);
    await onBroken.stop();
    const missingAnswer = await onMissing.extract(requestFor('2.0.0', NOTE));
    await onMissing.stop();

    // Assess
    expect(brokenAnswer).toBeInstanceOf(Error);
    expect((brokenAnswer as Error).message).toContain('BROKEN_JOB_BUNDLE');
    expect(missingAnswer).toEqual(extractFromPrompt(requestFor('2.0.0', NOTE)));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a fresh worker for a request after a stop', async () => {
    // Prepare
    const stopped = createExtractorPool();
    await stopped.extract(requestFor('2.0.0', NOTE));

    // Act
    await stopped.stop();

    // Assess: a stopped pool starts a fresh worker on the next request.
    await expect(stopped.extract(requestFor('2.0.0', NOTE))).resolves.toBeDefined();
    await stopped.stop();
  });
});
