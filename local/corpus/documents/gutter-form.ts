/**
 * Layout family `gutter-form`: a clinic's visit summary printed as a form
 * with labels on the left and values across a wide gutter, no colons, drawn
 * label spellings, then problem, medication and result tables. Distractors:
 * a discontinued medication in the medication table and an emergency
 * contact with a name and phone number.
 */

import { formatName } from '../formats.ts';
import type { Block } from '../pdf.ts';
import { CLINICS } from '../vocabulary.ts';
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
import { discontinuedMedication, drawRelative, printFrequency } from './variants.ts';

export const composeGutterForm: FamilyComposer = (random, clinical) => {
  const clinic = random.pick(CLINICS);
  const kit = startKit(random, clinical, 'office_note', clinic.name);
  const { draft, truth, date, labels } = kit;
  const gutter = random.pick([130, 150, 170]);
  truth.patient.sex = clinical.sex;
  truth.patient.mrn = clinical.mrn;
  const relative = drawRelative(random, clinical);

  const identity: [string, string][] = [
    [labels.name, kit.patientName],
    [labels.dateOfBirth, draft.note('patient.dateOfBirth', date(clinical.dateOfBirth))],
    [
      labels.sex,
      draft.note(
        'patient.sex',
        clinical.sex === 'F' ? random.pick(['Female', 'F']) : random.pick(['Male', 'M']),
      ),
    ],
    [labels.mrn, draft.note('patient.mrn', clinical.mrn)],
    [labels.dateOfService, draft.note('encounter.dateOfService', date(clinical.dateOfService))],
    [labels.provider, providerText(kit)],
    [labels.facility, draft.note('encounter.facility', clinic.name)],
  ];
  if (random.chance(0.6)) {
    identity.push([
      'Emergency contact',
      `${formatName(relative.name, 'first-last')} (${relative.relation}) ${clinic.phone}`,
    ]);
  }

  const blocks: Block[] = [
    {
      kind: 'title',
      text: random.pick(['Clinic Visit Summary', 'Visit Summary', 'Encounter Summary']),
      subtitle: clinic.name,
    },
    { kind: 'gutter', rows: identity, gutter },
    { kind: 'rule' },
  ];

  // Problems as a table: code first or description first.
  const codeFirst = random.chance(0.5);
  truth.diagnoses = clinical.conditions.map((c) => ({
    description: draft.note('diagnoses', c.common),
    icd10: draft.note('diagnoses', c.icd10),
  }));
  blocks.push(
    { kind: 'heading', text: labels.diagnoses },
    {
      kind: 'table',
      columns: codeFirst
        ? [
            { header: 'Code', width: 80 },
            { header: 'Problem', width: 334 },
            { header: 'Status', width: 90 },
          ]
        : [
            { header: 'Problem', width: 334 },
            { header: 'ICD-10', width: 80 },
            { header: 'Status', width: 90 },
          ],
      rows: clinical.conditions.map((c) =>
        codeFirst ? [c.icd10, c.common, 'Active'] : [c.common, c.icd10, 'Chronic'],
      ),
    },
  );

  // Medications with a status column; one stopped medication is not current.
  const medications = printMedications(kit, clinical.medications);
  const stopped = discontinuedMedication(random, clinical);
  const rows = medications.map((m) => [m.name, m.dose, m.frequency, 'Active']);
  if (random.chance(0.7)) {
    rows.splice(random.int(0, rows.length), 0, [
      stopped.name,
      stopped.dose,
      printFrequency(random, stopped),
      'Discontinued',
    ]);
  }
  blocks.push(
    { kind: 'heading', text: labels.medications },
    rows.length === 0
      ? { kind: 'paragraph', text: 'No medications on file.' }
      : {
          kind: 'table',
          columns: [
            { header: 'Medication', width: 180 },
            { header: 'Strength', width: 120 },
            { header: 'Sig', width: 120 },
            { header: 'Status', width: 84 },
          ],
          rows,
        },
  );

  const allergies = printAllergies(kit);
  const vitals = printFamilyVitals(kit, {
    withHeight: random.chance(0.8),
    withBmi: random.chance(0.6),
  });
  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  if (tobacco !== null) draft.note('socialHistory.tobaccoUse', tobacco.text);
  const observations: [string, string][] = [
    [labels.allergies, allergies],
    ['Blood pressure', `${vitals.bloodPressure} mmHg`],
    ['Pulse', `${vitals.heartRate} /min`],
    ...(vitals.height === null ? [] : ([['Height', vitals.height]] as [string, string][])),
    ['Weight', vitals.weight],
    ...(vitals.bmi === null ? [] : ([['BMI', vitals.bmi]] as [string, string][])),
    ['Tobacco', tobacco?.text ?? 'Not documented'],
  ];
  blocks.push(
    { kind: 'heading', text: 'Observations' },
    { kind: 'gutter', rows: observations, gutter },
  );

  if (random.chance(0.6)) {
    const labs = printLabs(
      kit,
      labKeys(kit, ['ldl', 'hdl', 'creatinine', 'alt', 'tsh'], [2, 4]),
      true,
    );
    blocks.push(
      { kind: 'heading', text: 'Results' },
      {
        kind: 'table',
        columns: [
          { header: 'Test', width: 190 },
          { header: 'Value', width: 70 },
          { header: 'Units', width: 80 },
          { header: 'Range', width: 110 },
          { header: 'Flag', width: 54 },
        ],
        rows: labs.map((l) => [l.test, l.value, l.unit, l.range, l.flag]),
      },
    );
  }
  blocks.push({ kind: 'filler', heading: 'Visit notes' });

  return finishKit(kit, {
    title: 'Visit Summary',
    header: clinic.name,
    blocks,
    tobaccoEvidence: tobacco?.text ?? null,
  });
};
