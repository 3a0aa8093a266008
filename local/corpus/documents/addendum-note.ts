/**
 * Layout family `addendum-note`: a short visit note whose facts are spread
 * over an original entry and a later addendum on its own page. The note
 * carries identity in a one-line banner (`Name / DOB / Acct`), narrative
 * history, a medication list in which one drug is marked stopped, and a
 * problem-oriented plan; the addendum, dated days later, adds the lab
 * results that came back. Distractors: the stopped medication, the
 * addendum's date and signer, and a relative's diagnosis.
 */

import { addDays } from '../formats.ts';
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
import {
  discontinuedMedication,
  doctorName,
  drawOtherDoctor,
  familyCondition,
  printFrequency,
} from './variants.ts';

export const composeAddendumNote: FamilyComposer = (random, clinical) => {
  const clinic = random.pick(CLINICS);
  const kit = startKit(random, clinical, 'office_note', clinic.name);
  const { draft, truth, date, labels } = kit;
  draft.note('encounter.facility', clinic.name);
  truth.patient.mrn = draft.note('patient.mrn', clinical.mrn);
  truth.patient.sex = clinical.sex;
  const sexText = draft.note(
    'patient.sex',
    clinical.sex === 'F' ? random.pick(['F', 'female']) : random.pick(['M', 'male']),
  );
  const provider = providerText(kit);
  const covering = doctorName(random, drawOtherDoctor(random, clinical));

  const banner = [
    kit.patientName,
    `${labels.dateOfBirth} ${draft.note('patient.dateOfBirth', date(clinical.dateOfBirth))}`,
    sexText,
    `${labels.mrn} ${clinical.mrn}`,
  ].join(' / ');
  const blocks: Block[] = [
    { kind: 'lines', lines: [clinic.name.toUpperCase(), clinic.address] },
    { kind: 'paragraph', text: banner },
    {
      kind: 'paragraph',
      text: `${random.pick(['Office visit', 'Clinic encounter', 'Outpatient visit'])} ${draft.note('encounter.dateOfService', date(clinical.dateOfService))} with ${provider}`,
    },
    { kind: 'rule' },
  ];

  const family = familyCondition(random, clinical);
  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  if (tobacco !== null) draft.note('socialHistory.tobaccoUse', tobacco.text);
  blocks.push({
    kind: 'paragraph',
    text: `History: seen for ongoing care. ${random.pick(['No hospital stays since the last visit.', 'Tolerating medicines well.'])} Family history is significant for ${family.description.toLowerCase()} (${family.relative}). ${tobacco?.text ?? ''}`.trim(),
  });

  const medications = printMedications(kit, clinical.medications);
  const stopped = discontinuedMedication(random, clinical);
  const items = medications.map((m) => `${m.name} ${m.dose} ${m.frequency}`);
  items.splice(
    random.int(0, items.length),
    0,
    `${stopped.name} ${stopped.dose} ${printFrequency(random, stopped)} - ${random.pick(['STOPPED', 'discontinued', 'stopped (side effects)'])}`,
  );
  blocks.push(
    { kind: 'paragraph', text: `${labels.medications}:` },
    { kind: 'list', numbered: false, items },
    { kind: 'paragraph', text: `${labels.allergies}: ${printAllergies(kit)}` },
  );

  const vitals = printFamilyVitals(kit, {
    withHeight: random.chance(0.5),
    withBmi: random.chance(0.5),
  });
  blocks.push({
    kind: 'paragraph',
    text: `Exam: blood pressure ${vitals.bloodPressure}, pulse ${vitals.heartRate}${vitals.height === null ? '' : `, height ${vitals.height}`}, weight ${vitals.weight}${vitals.bmi === null ? '' : `, BMI ${vitals.bmi}`}. Unremarkable otherwise.`,
  });

  truth.diagnoses = clinical.conditions.map((c) => ({
    description: draft.note('diagnoses', c.common),
    icd10: draft.note('diagnoses', c.icd10),
  }));
  blocks.push(
    { kind: 'paragraph', text: 'Problems addressed:' },
    {
      kind: 'list',
      numbered: false,
      items: clinical.conditions.map(
        (c) =>
          `${c.common} [${c.icd10}]: ${random.pick(['stable', 'improving', 'at goal', 'needs work'])}`,
      ),
    },
    { kind: 'filler' },
    { kind: 'paragraph', text: `Electronically signed: ${provider}` },
  );

  // The addendum on its own page: later date, another signer, the results.
  const labs = printLabs(
    kit,
    labKeys(kit, ['ldl', 'triglycerides', 'creatinine', 'tsh', 'alt'], [2, 3]),
    true,
  );
  blocks.push(
    { kind: 'pageBreak' },
    {
      kind: 'heading',
      text: `Addendum ${date(addDays(clinical.dateOfService, random.int(2, 9)))}`,
    },
    {
      kind: 'paragraph',
      text: `Results from the visit of ${date(clinical.dateOfService)} have been reviewed by ${covering}:`,
    },
    {
      kind: 'table',
      columns: [
        { header: 'Result', width: 70 },
        { header: 'Units', width: 80 },
        { header: 'Test', width: 200 },
        { header: 'Ref', width: 100 },
        { header: 'Flag', width: 54 },
      ],
      rows: labs.map((l) => [l.value, l.unit, l.test, l.range, l.flag]),
    },
    { kind: 'paragraph', text: `Patient notified by phone. Addendum signed by ${covering}.` },
  );

  return finishKit(kit, {
    title: 'Office Visit with Addendum',
    header: `${clinic.name} | ${clinic.phone}`,
    blocks,
    tobaccoEvidence: tobacco?.text ?? null,
  });
};
