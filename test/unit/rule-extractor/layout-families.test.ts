/**
 * The rule-based extractor per layout family, on documents generated for
 * this test (text extracted as LoadDocument does). Held-out families carry
 * field-level thresholds that the extractor before the layout work failed
 * (its scores on this seed are noted beside each); legacy families may not
 * regress by more than 0.01 micro F1 from their 1.000; and the distractors
 * each family prints (a stopped drug, a spouse's birth date, a relative's
 * diagnosis) are never extracted.
 */
import { describe, expect, it } from 'vitest';
import { familyDir, loadPromptRegistry } from '#adapters/prompts/registry.ts';
import {
  type DocumentEvaluation,
  type EvaluationSummary,
  evaluateDocument,
  summarise,
} from '#core/evaluation/index.ts';
import { inspectPdf } from '#functions/load-document/pdf-inspection.ts';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import { familyNamed, LAYOUT_FAMILIES } from '#local/corpus/families.ts';
import { generateFamilyDocument } from '#local/corpus/family-corpus.ts';

const SEED = 'layout-thresholds';
const PER_FAMILY = 6;
const fields = loadPromptRegistry(familyDir()).get('2.0.0').metadata.fields;
const cache = new Map<string, DocumentEvaluation[]>();

async function evaluations(name: string): Promise<DocumentEvaluation[]> {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const family = familyNamed(name);
  if (family === undefined) throw new Error(`no family ${name}`);
  const scored: DocumentEvaluation[] = [];
  for (let index = 1; index <= PER_FAMILY; index += 1) {
    const document = await generateFamilyDocument(SEED, index, family);
    const { text } = await inspectPdf(new Uint8Array(document.pdf));
    scored.push(evaluateDocument(fields, document.truth, extractFields(text)));
  }
  cache.set(name, scored);
  return scored;
}

async function summary(name: string): Promise<EvaluationSummary> {
  return summarise(await evaluations(name));
}

function weakFields(
  result: EvaluationSummary,
  minimum: Readonly<Record<string, number>>,
): string[] {
  return Object.entries(minimum)
    .filter(([path, min]) => (result.fields[path]?.f1 ?? 0) < min)
    .map(([path]) => `${path} ${result.fields[path]?.f1.toFixed(3)}`);
}

// Thresholds per held-out family; before the layout work this seed scored
// the values in the comments.
const HELD_OUT: Readonly<Record<string, { micro: number; fields: Record<string, number> }>> = {
  // before: micro 0.642; every field below at 0.00
  'consult-letter': {
    micro: 0.85,
    fields: {
      'patient.dateOfBirth': 0.9,
      'encounter.providerName': 0.9,
      'encounter.documentType': 0.9,
      medications: 0.9,
      allergies: 0.9,
    },
  },
  // before: micro 0.133; every field below at 0.00 except documentType 0.60
  'stacked-form': {
    micro: 0.65,
    fields: {
      'patient.mrn': 0.9,
      'encounter.dateOfService': 0.9,
      'encounter.documentType': 0.9,
      'vitals.bloodPressure': 0.9,
      'vitals.weightKg': 0.9,
    },
  },
  // before: micro 0.621; labs 0.00, medications 0.61, patient.name 0.00, dateOfService 0.00
  'addendum-note': {
    micro: 0.9,
    fields: { labs: 0.9, medications: 0.9, 'patient.name': 0.9, 'encounter.dateOfService': 0.9 },
  },
  // before: micro 0.344; every field below at 0.00
  'discharge-tables': {
    micro: 0.9,
    fields: { diagnoses: 0.9, medications: 0.9, labs: 0.9, 'vitals.bloodPressure': 0.9 },
  },
};

describe('held-out layout families', () => {
  it.each(Object.keys(HELD_OUT))('%s meets its field-level thresholds', async (name) => {
    const result = await summary(name);
    const bar = HELD_OUT[name];
    if (bar === undefined) throw new Error('no thresholds');
    expect(weakFields(result, bar.fields)).toEqual([]);
    expect(result.micro.f1).toBeGreaterThanOrEqual(bar.micro);
  });
});

describe('tuning and legacy layout families', () => {
  it.each(LAYOUT_FAMILIES.filter((f) => f.kind === 'legacy').map((f) => f.name))(
    '%s stays within 0.01 of its micro F1 of 1.000',
    async (name) => {
      expect((await summary(name)).micro.f1).toBeGreaterThanOrEqual(0.99);
    },
  );

  it.each(['narrative-letter', 'gutter-form', 'soap-multipage', 'fax-lab-packet'])(
    '%s scores at least 0.9 micro F1',
    async (name) => {
      expect((await summary(name)).micro.f1).toBeGreaterThanOrEqual(0.9);
    },
  );
});

describe('distractors', () => {
  const outcomes = async (names: readonly string[], path: string) => {
    const counts = { fa: 0, fd: 0 };
    for (const name of names) {
      for (const evaluation of await evaluations(name)) {
        counts.fa += evaluation.fields[path]?.counts.fa ?? 0;
        counts.fd += evaluation.fields[path]?.counts.fd ?? 0;
      }
    }
    return counts;
  };

  it('never lists a stopped or discontinued drug as a medication', async () => {
    expect(
      await outcomes(['gutter-form', 'addendum-note', 'discharge-tables'], 'medications'),
    ).toEqual({
      fa: 0,
      fd: 0,
    });
  });

  it("never takes a spouse's or child's birth date for the patient's", async () => {
    expect(
      await outcomes(['narrative-letter', 'stacked-form', 'gutter-form'], 'patient.dateOfBirth'),
    ).toEqual({ fa: 0, fd: 0 });
  });

  it("never lists a relative's condition as a diagnosis", async () => {
    const { fa } = await outcomes(
      ['narrative-letter', 'consult-letter', 'soap-multipage', 'addendum-note'],
      'diagnoses',
    );
    expect(fa).toBe(0);
  });

  // Measured: 1 of these 18 documents still names another doctor (a known
  // limitation, see docs/rule-based-extractor.md); more would be a regression.
  it('takes a referring or covering doctor for the provider at most once in 18 documents', async () => {
    expect(
      await outcomes(
        ['consult-letter', 'addendum-note', 'discharge-tables'],
        'encounter.providerName',
      ),
    ).toMatchObject({ fa: 0 });
    const { fd } = await outcomes(
      ['consult-letter', 'addendum-note', 'discharge-tables'],
      'encounter.providerName',
    );
    expect(fd).toBeLessThanOrEqual(1);
  });
});
