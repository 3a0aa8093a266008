/**
 * Layout family `stacked-form`: an insurer's physician statement printed as
 * boxes, each label small above its value, three or four boxes a row.
 * Numbered questions follow: diagnoses with the date first diagnosed,
 * medications as `name - dose - directions`, vitals boxes and a tobacco box.
 * Distractors: the spouse's name and birth date in their own boxes, and the
 * date the form was signed.
 */

import { addDays, formatName } from '../formats.ts';
import type { Block } from '../pdf.ts';
import { CLINICS, HOSPITALS } from '../vocabulary.ts';
import {
  type FamilyComposer,
  finishKit,
  labKeys,
  printAllergies,
  printFamilyVitals,
  printLabs,
  printMedications,
  providerText,
  startKit,
} from './family-kit.ts';
import { drawRelative } from './variants.ts';

const INSURERS = ['Ashgrove Life Insurance Co.', 'Pemberton National Life', 'Crestmoor Mutual'];

function tobaccoBox(
  status: 'current' | 'former' | 'never' | null,
  packYears: number | null,
  quit: number | null,
): string {
  switch (status) {
    case 'current':
      return `Yes - current${packYears === null ? '' : `, ${packYears} pack years`}`;
    case 'former':
      return `Former - quit ${quit ?? ''}${packYears === null ? '' : `, ${packYears} pack years`}`.trim();
    case 'never':
      return 'No - never';
    default:
      return 'Unknown';
  }
}

export const composeStackedForm: FamilyComposer = (random, clinical) => {
  const facility = random.pick(random.chance(0.6) ? CLINICS : HOSPITALS);
  const kit = startKit(random, clinical, 'attending_physician_statement', facility.name);
  const { draft, truth, date, labels } = kit;
  const columns = random.pick([3, 4]);
  const relative = drawRelative(random, clinical);
  truth.patient.sex = clinical.sex;
  const showMrn = random.chance(0.7);
  if (showMrn) truth.patient.mrn = clinical.mrn;

  const cells: [string, string][] = [
    [random.pick(['Proposed insured', 'Name of insured', labels.name]), kit.patientName],
    [labels.dateOfBirth, draft.note('patient.dateOfBirth', date(clinical.dateOfBirth))],
    [labels.sex, draft.note('patient.sex', clinical.sex === 'F' ? 'Female' : 'Male')],
  ];
  if (showMrn) cells.push([labels.mrn, draft.note('patient.mrn', clinical.mrn)]);
  if (random.chance(0.6)) {
    cells.push(
      ['Spouse name', formatName(relative.name, 'first-last')],
      ['Spouse date of birth', date(relative.dateOfBirth)],
    );
  }
  cells.push(
    [
      random.pick(['Date last seen', labels.dateOfService]),
      draft.note('encounter.dateOfService', date(clinical.dateOfService)),
    ],
    [random.pick(['Attending physician', labels.provider]), providerText(kit)],
    [
      random.pick(['Name of clinic or hospital', labels.facility]),
      draft.note('encounter.facility', facility.name),
    ],
    ['Policy number', `P${random.int(100000, 999999)}`],
  );

  const blocks: Block[] = [
    {
      kind: 'title',
      text: random.pick(['Statement of Attending Physician', "Physician's Statement"]),
      subtitle: random.pick(INSURERS),
    },
    { kind: 'stacked', cells, columns },
    {
      kind: 'paragraph',
      text: '1. List each condition for which you have treated the proposed insured.',
    },
  ];

  // Diagnoses: ICD-10 code, description, first diagnosed.
  truth.diagnoses = clinical.conditions.map((c) => ({
    description: draft.note('diagnoses', random.chance(0.5) ? c.official : c.common),
    icd10: draft.note('diagnoses', c.icd10),
  }));
  const serviceYear = Number(clinical.dateOfService.slice(0, 4));
  blocks.push({
    kind: 'table',
    columns: [
      { header: 'Condition', width: 290 },
      { header: 'ICD-10', width: 90 },
      { header: 'First diagnosed', width: 124 },
    ],
    rows: truth.diagnoses.map((d) => [
      d.description,
      d.icd10 ?? '',
      String(serviceYear - random.int(0, 15)),
    ]),
  });

  const medications = printMedications(kit, clinical.medications);
  blocks.push(
    { kind: 'paragraph', text: '2. Medications currently prescribed (name - dose - directions):' },
    medications.length === 0
      ? { kind: 'paragraph', text: 'None' }
      : {
          kind: 'list',
          numbered: false,
          items: medications.map((m) => `${m.name} - ${m.dose} - ${m.frequency}`),
        },
    { kind: 'paragraph', text: `3. Known allergies: ${printAllergies(kit)}` },
  );

  const vitals = printFamilyVitals(kit, { withHeight: true, withBmi: random.chance(0.5) });
  const vitalCells: [string, string][] = [
    ['Height', vitals.height ?? ''],
    ['Weight', vitals.weight],
    ['Blood pressure', vitals.bloodPressure],
    ['Pulse', vitals.heartRate],
  ];
  if (vitals.bmi !== null) vitalCells.push(['BMI', vitals.bmi]);
  const status = clinical.tobacco?.status ?? null;
  const packYears = status === 'never' ? null : (clinical.tobacco?.packYears ?? null);
  const tobaccoText = tobaccoBox(status, packYears, clinical.tobacco?.quitYear ?? null);
  truth.socialHistory = { tobaccoUse: status, packYears };
  if (status !== null) draft.note('socialHistory.tobaccoUse', tobaccoText);
  vitalCells.push(['Tobacco / nicotine use', tobaccoText]);
  blocks.push(
    { kind: 'paragraph', text: '4. Findings at the last examination:' },
    { kind: 'stacked', cells: vitalCells, columns },
  );

  if (random.chance(0.5)) {
    const labs = printLabs(
      kit,
      labKeys(kit, ['ldl', 'creatinine', 'ast', 'glucose'], [1, 3]),
      true,
    );
    blocks.push(
      { kind: 'paragraph', text: '5. Most recent laboratory results:' },
      {
        kind: 'table',
        columns: [
          { header: 'Test', width: 200 },
          { header: 'Result', width: 100 },
          { header: 'Normal range', width: 130 },
          { header: 'Abn', width: 74 },
        ],
        rows: labs.map((l) => [l.test, `${l.value} ${l.unit}`, l.range, l.flag]),
      },
    );
  }

  blocks.push(
    { kind: 'filler' },
    {
      kind: 'stacked',
      columns: 2,
      cells: [
        ['Signature of physician', `/s/ ${formatName(clinical.provider.name, 'first-last')}`],
        ['Date signed', date(addDays(clinical.dateOfService, random.int(3, 40)))],
      ],
    },
  );

  const tobaccoEvidence = status === null ? null : `Tobacco / nicotine use: ${tobaccoText}`;
  return finishKit(kit, {
    title: "Physician's Statement",
    header: `${random.pick(INSURERS)} | Form APS-7`,
    blocks,
    tobaccoEvidence,
  });
};
