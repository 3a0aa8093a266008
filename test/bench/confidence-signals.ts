/**
 * Which wrong values get high confidence, and why: runs a generated dataset
 * (`<id>.pdf` + `<id>.truth.json`, e.g. from `npm run corpus -- --seeded-errors`)
 * through the pipeline's own steps in this process (pdf.js text and geometry,
 * prompt 2.2.0, the rule-based stand-in, validation and normalisation,
 * Score's grounding), labels every value against the truth with the
 * evaluation's comparators, and prints calibration per field, the share of
 * documents sent to review, and the wrong values with the highest
 * confidence beside their quote. Not a substitute for `medextract eval`
 * (no stack, no ledger); a quick loop for reading the confidence factors.
 *
 *   npx tsx test/bench/confidence-signals.ts --dataset /tmp/seeded-a [--top 40] [--field vitals]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import { readDataset } from '#cli/eval-dataset.ts';
import {
  calibrationFigures,
  type LabelledValue,
  labelValues,
} from '#core/evaluation/calibration.ts';
import { normalisedPaths, splitEvidence } from '#core/evidence/claims.ts';
import { valueAtPath } from '#core/evidence/paths.ts';
import { scoreCompleteness } from '#core/extraction/completeness.ts';
import { validateExtraction } from '#core/extraction/validation.ts';
import { EVIDENCE_PROPERTY, renderPrompt } from '#core/prompts/render.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { groundDocument } from '#functions/score/grounding.ts';
import { extractFromPrompt } from '#local/bedrock/rule-extractor.ts';

const argValue = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const dataset = argValue('--dataset');
if (dataset === undefined) throw new Error('--dataset <dir> is required');
const TOP = Number(argValue('--top') ?? 40);
const FIELD = argValue('--field');
const DUMP = argValue('--dump');

const version = bundledPrompts().get('2.2.0');
const all: (LabelledValue & { id: string; value: unknown; quote: string; seeded: string })[] = [];
let reviewed = 0;
const groundingMs: [string, number][] = [];
const documents = readDataset(dataset);
for (const document of documents) {
  const pdf = readFileSync(document.pdfPath);
  const inspected = await inspectPdf(new Uint8Array(pdf));
  const prompt = renderPrompt(version, inspected.text);
  const answer = extractFromPrompt({ userText: prompt.user, inputSchema: prompt.inputSchema });
  const split = splitEvidence(answer, EVIDENCE_PROPERTY);
  const validated = validateExtraction(version.schema, split.fields);
  if (!validated.ok) throw new Error(`${document.id}: invalid answer`);
  const fields = validated.value;
  const groundingStarted = performance.now();
  const outcome = groundDocument({
    version,
    fields,
    evidence: {
      version: 1,
      asked: true,
      claims: split.evidence.flatMap((claim) =>
        typeof claim === 'object' && claim !== null && 'path' in claim && 'quote' in claim
          ? [{ path: String(claim.path), quote: String(claim.quote), page: null }]
          : [],
      ),
      malformedClaims: 0,
      normalisedPaths: normalisedPaths(split.fields, fields),
      stopReason: 'tool_use',
    },
    geometry: inspected.geometry,
    missingRequired: scoreCompleteness(version.metadata.fields, fields).missing,
  });
  const { grounding } = outcome;
  groundingMs.push([document.id, performance.now() - groundingStarted]);
  if (grounding.review.required) reviewed += 1;
  let seeded = '';
  try {
    seeded = readFileSync(document.pdfPath.replace(/\.pdf$/, '.seeded.json'), 'utf8');
  } catch {
    // A regular corpus has no sidecar.
  }
  const labelled = labelValues({
    fields: version.metadata.fields,
    truth: document.truth,
    predicted: fields,
    confidence: grounding.confidence,
    evidence: grounding.evidence,
  });
  for (const value of labelled.values) {
    all.push({
      ...value,
      id: document.id,
      value: valueAtPath(fields, value.path),
      quote: grounding.evidence[value.path]?.quote ?? '',
      seeded: seeded.replace(/\s+/g, ' '),
    });
  }
}

if (DUMP !== undefined) writeFileSync(DUMP, JSON.stringify(all));
const round = (value: number | null): string => (value === null ? '-' : value.toFixed(3));
const overall = calibrationFigures(all);
console.info(
  `${documents.length} documents, ${all.length} values, ${all.filter((v) => !v.correct).length} wrong; ` +
    `AUROC ${round(overall.auroc)} ECE ${round(overall.ece)} grounded ${round(overall.groundedShare)}; ` +
    `review ${reviewed}/${documents.length}`,
);
for (const bin of overall.bins.filter((bin) => bin.count > 0)) {
  console.info(
    `  bin ${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}: ${bin.count} values, mean ${round(bin.meanConfidence)}, accuracy ${round(bin.accuracy)}`,
  );
}
const slowest = [...groundingMs].sort((a, b) => b[1] - a[1]).slice(0, 3);
console.info(
  `  grounding time per document: slowest ${slowest.map(([id, ms]) => `${id} ${Math.round(ms)} ms`).join(', ')}`,
);
const fields = [...new Set(all.map((value) => value.field))].sort();
for (const field of fields) {
  const own = all.filter((value) => value.field === field);
  const figures = calibrationFigures(own);
  console.info(
    `  ${field.padEnd(26)} n=${String(own.length).padStart(4)} wrong=${String(own.filter((v) => !v.correct).length).padStart(3)} ` +
      `AUROC ${round(figures.auroc)} ECE ${round(figures.ece)}`,
  );
}
const wrong = all
  .filter((value) => !value.correct && (FIELD === undefined || value.path.startsWith(FIELD)))
  .sort((a, b) => b.confidence - a.confidence)
  .slice(0, TOP);
console.info(`\nwrong values, highest confidence first:`);
for (const value of wrong) {
  console.info(
    `${value.confidence.toFixed(3)} ${value.id} ${value.path} = ${JSON.stringify(value.value)}  «${value.quote.slice(0, 90)}»`,
  );
}
if (FIELD !== undefined) {
  const right = all
    .filter((value) => value.correct && value.path.startsWith(FIELD))
    .sort((a, b) => a.confidence - b.confidence)
    .slice(0, TOP);
  console.info(`\nright values, lowest confidence first:`);
  for (const value of right) {
    console.info(
      `${value.confidence.toFixed(3)} ${value.id} ${value.path} = ${JSON.stringify(value.value)}  «${value.quote.slice(0, 90)}»`,
    );
  }
}
