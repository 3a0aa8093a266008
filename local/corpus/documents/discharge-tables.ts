/**
 * Layout family `discharge-tables`: a hospital discharge record built from
 * tables. A demographics table (label and value cells side by side, two
 * pairs a row), a diagnosis table with the code column last, a medication
 * reconciliation table with an action column (continue, new, stop), a
 * results table whose value comes before the test name, and a vitals table
 * with one column per measure. Distractors: the admission date, the
 * stopped medication and the primary care physician.
 */

import { addDays } from '../formats.ts';
import type { Block } from '../pdf.ts';
import { ACUTE_CONDITIONS, HOSPITALS } from '../vocabulary.ts';
import { tobaccoPhrase } from './common.ts';
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
import { discontinuedMedication, doctorName, drawOtherDoctor, printFrequency } from './variants.ts';

export const composeDischargeTables: FamilyComposer = (random, clinical) => {
  const hospital = random.pick(HOSPITALS);
  const kit = startKit(random, clinical, 'discharge_summary', hospital.name);
  const { draft, truth, date, labels } = kit;
  const acute = random.pick(ACUTE_CONDITIONS);
  const stay = random.int(2, 6);
  const admitted = addDays(clinical.dateOfService, -stay);
  truth.patient.sex = clinical.sex;
  truth.patient.mrn = clinical.mrn;
  draft.note('encounter.facility', hospital.name);
  const pcp = doctorName(random, drawOtherDoctor(random, clinical));

  const pairs: [string, string][] = [
    [labels.name, kit.patientName],
    [labels.mrn, draft.note('patient.mrn', clinical.mrn)],
    [labels.dateOfBirth, draft.note('patient.dateOfBirth', date(clinical.dateOfBirth))],
    [labels.sex, draft.note('patient.sex', clinical.sex === 'F' ? 'Female' : 'Male')],
    ['Admitted', date(admitted)],
    ['Discharged', draft.note('encounter.dateOfService', date(clinical.dateOfService))],
    [random.pick(['Attending', 'Discharging physician', labels.provider]), providerText(kit)],
    ['PCP', pcp],
  ];
  const rows: string[][] = [];
  for (let index = 0; index < pairs.length; index += 2) {
    rows.push(pairs.slice(index, index + 2).flat());
  }
  const blocks: Block[] = [
    { kind: 'title', text: hospital.name.toUpperCase(), subtitle: hospital.address },
    {
      kind: 'title',
      text: random.pick([
        'Discharge Record',
        'Inpatient Discharge Summary',
        'Hospital Discharge Report',
      ]),
    },
    {
      kind: 'table',
      columns: [
        { header: '', width: 100 },
        { header: '', width: 152 },
        { header: '', width: 100 },
        { header: '', width: 152 },
      ],
      rows,
    },
  ];

  // Diagnoses: principal (acute) first, then chronic; code column last.
  truth.diagnoses = [
    {
      description: draft.note('diagnoses', acute.common),
      icd10: draft.note('diagnoses', acute.icd10),
    },
    ...clinical.conditions.map((c) => ({
      description: draft.note('diagnoses', c.common),
      icd10: draft.note('diagnoses', c.icd10),
    })),
  ];
  blocks.push(
    { kind: 'heading', text: 'Diagnoses this admission' },
    {
      kind: 'table',
      columns: [
        { header: 'Type', width: 90 },
        { header: 'Description', width: 320 },
        { header: 'Code', width: 94 },
      ],
      rows: truth.diagnoses.map((d, index) => [
        index === 0 ? 'Principal' : 'Secondary',
        d.description,
        d.icd10 ?? '',
      ]),
    },
  );

  // Medication reconciliation: the stopped drug is not a discharge medication.
  const discharge = acute.dischargeMedication
    ? [
        ...clinical.medications,
        {
          name: acute.dischargeMedication.name,
          dose: acute.dischargeMedication.doses[0] ?? '',
          frequency: acute.dischargeMedication.frequency,
        },
      ]
    : clinical.medications;
  const medications = printMedications(kit, discharge);
  const stopped = discontinuedMedication(random, clinical);
  const medRows = medications.map((m, index) => [
    index >= clinical.medications.length ? 'NEW' : 'Continue',
    m.name,
    m.dose,
    m.frequency,
  ]);
  medRows.splice(random.int(0, medRows.length), 0, [
    'STOP',
    stopped.name,
    stopped.dose,
    printFrequency(random, stopped),
  ]);
  blocks.push(
    { kind: 'heading', text: 'Medication reconciliation' },
    {
      kind: 'table',
      columns: [
        { header: 'Action', width: 70 },
        { header: 'Drug', width: 190 },
        { header: 'Dose', width: 120 },
        { header: 'How often', width: 124 },
      ],
      rows: medRows,
    },
    { kind: 'paragraph', text: `Allergies reviewed: ${printAllergies(kit)}.` },
  );

  // Vitals at discharge: one column per measure.
  const vitals = printFamilyVitals(kit, {
    withHeight: random.chance(0.6),
    withBmi: random.chance(0.4),
  });
  const vitalColumns: [string, string][] = [
    ['BP', vitals.bloodPressure],
    ['HR', vitals.heartRate],
    ['Temp', random.pick(['98.1', '98.4', '36.9'])],
    ...(vitals.height === null ? [] : ([['Height', vitals.height]] as [string, string][])),
    ['Weight', vitals.weight],
    ...(vitals.bmi === null ? [] : ([['BMI', vitals.bmi]] as [string, string][])),
  ];
  const width = Math.floor(504 / vitalColumns.length);
  blocks.push(
    { kind: 'heading', text: 'Discharge vital signs' },
    {
      kind: 'table',
      columns: vitalColumns.map(([header]) => ({ header, width })),
      rows: [vitalColumns.map(([, value]) => value)],
    },
  );

  // Results: value first, then units, then the test.
  const labs = printLabs(
    kit,
    labKeys(kit, ['hemoglobin', 'wbc', 'creatinine', 'sodium', 'potassium'], [2, 4]),
    true,
  );
  blocks.push(
    { kind: 'heading', text: 'Key results' },
    {
      kind: 'table',
      columns: [
        { header: 'Value', width: 70 },
        { header: 'Units', width: 90 },
        { header: 'Test', width: 210 },
        { header: 'Flag', width: 50 },
        { header: 'Range', width: 84 },
      ],
      rows: labs.map((l) => [l.value, l.unit, l.test, l.flag, l.range]),
    },
  );

  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  if (tobacco !== null) draft.note('socialHistory.tobaccoUse', tobacco.text);
  blocks.push(
    { kind: 'heading', text: 'Course' },
    {
      kind: 'paragraph',
      text: `Presented with ${acute.presentation}. ${acute.course} ${tobacco?.text ?? ''}`.trim(),
    },
    { kind: 'filler' },
    { kind: 'paragraph', text: `Follow up with ${pcp} within 7 days.` },
  );

  return finishKit(kit, {
    title: 'Discharge Record',
    header: `${hospital.name} | Discharge Record`,
    blocks,
    tobaccoEvidence: tobacco?.text ?? null,
  });
};
