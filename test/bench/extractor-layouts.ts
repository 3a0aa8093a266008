/**
 * Benchmark: the rule-based extractor per layout family, in process. Each
 * document is generated, its text extracted exactly as LoadDocument does
 * (`inspectPdf`), and scored with the v2.0.0 comparators; the time of
 * `extractFields` alone is reported in ms per document.
 * Run: `npx tsx test/bench/extractor-layouts.ts --split tuning [--per-family 10] [--seed s] [--errors]`.
 * `--errors` prints the field outcomes that were not TP/TN, for tuning work;
 * it refuses the held-out split, whose errors must not steer the rules.
 */

import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import { breakdownByLayout, type LayoutDocument } from '#core/evaluation/families.ts';
import { evaluateDocument } from '#core/evaluation/outcomes.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import { familiesIn, type LayoutSplit } from '#local/corpus/families.ts';
import { generateFamilyDocument } from '#local/corpus/family-corpus.ts';

const options = new Command('extractor-layouts')
  .option('--split <side>', 'tuning or held-out', 'tuning')
  .option('--per-family <n>', 'documents per family', '10')
  .option('--seed <s>', 'corpus seed', 'bench-layouts')
  .option('--errors', 'print non-TP outcomes (tuning split only)')
  .parse(process.argv)
  .opts<{ split: LayoutSplit; perFamily: string; seed: string; errors?: boolean }>();
if (options.errors === true && options.split !== 'tuning') {
  throw new Error('--errors is only for the tuning split');
}

const fields = loadPromptRegistry(familyDir()).get('2.0.0').metadata.fields;
const families = familiesIn(options.split);
const documents: LayoutDocument[] = [];
let extractMs = 0;
for (const family of families) {
  for (let index = 1; index <= Number(options.perFamily); index += 1) {
    const generated = await generateFamilyDocument(options.seed, index, family);
    const { text } = await inspectPdf(new Uint8Array(generated.pdf));
    const started = performance.now();
    const predicted = extractFields(text);
    extractMs += performance.now() - started;
    const evaluation = evaluateDocument(fields, generated.truth, predicted);
    documents.push({ id: generated.id, layout: generated.layout, evaluation });
    if (options.errors === true) {
      for (const [path, outcome] of Object.entries(evaluation.fields)) {
        const { fa, fd, fn } = outcome.counts;
        if (fa + fd + fn === 0) continue;
        const truthValue = path
          .split('.')
          .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], generated.truth);
        const got = path
          .split('.')
          .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], predicted);
        console.log(
          `${generated.id} ${path} fa=${fa} fd=${fd} fn=${fn}\n  truth ${JSON.stringify(truthValue)}\n  got   ${JSON.stringify(got)}`,
        );
      }
    }
  }
}
const breakdown = breakdownByLayout(documents);
const summary = breakdown.splits[options.split];
if (summary === undefined) throw new Error('no documents');
const f = (n: number): string => n.toFixed(3);
console.log(
  `split ${options.split}: ${documents.length} documents, micro P ${f(summary.micro.precision)} R ${f(summary.micro.recall)} F1 ${f(summary.micro.f1)}`,
);
console.log(`extractFields: ${(extractMs / documents.length).toFixed(2)} ms per document`);
for (const family of breakdown.families) {
  console.log(
    `  ${family.family.padEnd(18)} P ${f(family.precision)} R ${f(family.recall)} F1 ${f(family.f1)}`,
  );
}
for (const [path, field] of Object.entries(summary.fields)) {
  console.log(
    `  ${path.padEnd(26)} P ${f(field.precision)} R ${f(field.recall)} F1 ${f(field.f1)}`,
  );
}
