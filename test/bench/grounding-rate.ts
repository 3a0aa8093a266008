/**
 * Measures the grounding rate a user sees: generates synthetic documents,
 * runs `medextract process <folder> --json` on them (its own local stack),
 * and checks every non-null value's evidence against an independent pdf.js
 * reading of the PDF (page text content read in this process, items joined
 * with spaces, no layout): the share of values whose quote is found on the
 * page the evidence names. `npx tsx test/bench/grounding-rate.ts [--docs n]`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDocumentProxy } from 'unpdf';
import { leafValues } from '#core/evidence/paths.ts';
import { CORPUS_DOCUMENT_TYPES, generateDocument } from '#local/corpus/generate.ts';

const argValue = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const DOCS = Number(argValue('--docs') ?? 12);
const SEED = 'grounding-rate';
const repo = fileURLToPath(new URL('../..', import.meta.url));
const squash = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

const pagesOf = async (pdf: Buffer): Promise<string[]> => {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const pages: string[] = [];
  for (let number = 1; number <= doc.numPages; number += 1) {
    const content = await (await doc.getPage(number)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  return pages;
};

const dir = await mkdtemp(join(tmpdir(), 'medextract-grounding-'));
const dataDir = await mkdtemp(join(tmpdir(), 'medextract-grounding-data-'));
const pdfs = new Map<string, Buffer>();
for (let index = 1; index <= DOCS; index += 1) {
  const type = CORPUS_DOCUMENT_TYPES[(index - 1) % CORPUS_DOCUMENT_TYPES.length] ?? 'lab_report';
  const document = await generateDocument(SEED, index, type);
  const file = join(dir, `${document.id}.pdf`);
  await writeFile(file, document.pdf);
  pdfs.set(file, document.pdf);
}
const stdout = await new Promise<string>((resolve, reject) => {
  execFile(
    'node',
    ['bin/medextract.mjs', 'process', dir, '--json'],
    {
      cwd: repo,
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, MEDEXTRACT_DATA_DIR: dataDir },
    },
    (error, out) => (error && !out ? reject(error) : resolve(out)),
  );
});
const results: Array<{
  file: string;
  status: string;
  fields: unknown;
  evidence?: Record<string, { page: number | null; quote: string; match: string }>;
  review?: { required: boolean };
}> = JSON.parse(stdout);
let values = 0;
let withEvidence = 0;
let verified = 0;
let review = 0;
for (const result of results) {
  if (result.review?.required) review += 1;
  const pages = await pagesOf(pdfs.get(result.file) ?? Buffer.alloc(0));
  for (const { path } of leafValues(result.fields)) {
    values += 1;
    const evidence = result.evidence?.[path];
    if (!evidence || evidence.page === null) continue;
    withEvidence += 1;
    if (squash(pages[evidence.page - 1] ?? '').includes(squash(evidence.quote))) verified += 1;
  }
}
console.log(
  JSON.stringify({
    documents: results.length,
    succeeded: results.filter((r) => r.status === 'SUCCEEDED').length,
    values,
    withEvidence,
    verifiedOnStatedPage: verified,
    groundingRate: Math.round((verified / Math.max(1, values)) * 10_000) / 10_000,
    documentsNeedingReview: review,
  }),
);
