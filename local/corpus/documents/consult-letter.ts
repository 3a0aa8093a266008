/**
 * Layout family `consult-letter`: a specialist's consultation letter back to
 * the referring doctor. Identity in the opening sentence, history and
 * medications as run-on paragraphs with inline headings, examination in a
 * sentence, an impression list and recommendations. Distractors: the
 * referring doctor (salutation and cc line) and a family history of a
 * condition the patient does not have.
 */

import { addDays } from '../formats.ts';
import type { Block } from '../pdf.ts';
import { HOSPITALS } from '../vocabulary.ts';
import { pronouns, tobaccoPhrase } from './common.ts';
import {
  type FamilyComposer,
  finishKit,
  labKeys,
  printAllergies,
  printFamilyVitals,
  printLabs,
  printMedications,
  prose,
  providerText,
  startKit,
} from './family-kit.ts';
import { doctorName, drawOtherDoctor, familyCondition } from './variants.ts';

const SPECIALTIES = ['Cardiology', 'Endocrinology', 'Pulmonology', 'Nephrology'];

export const composeConsultLetter: FamilyComposer = (random, clinical) => {
  const hospital = random.pick(HOSPITALS);
  const specialty = random.pick(SPECIALTIES);
  const kit = startKit(random, clinical, 'office_note', hospital.name);
  const { draft, truth, date } = kit;
  draft.note('encounter.facility', hospital.name);
  const { subject, possessive, noun } = pronouns(clinical.sex);
  truth.patient.sex = clinical.sex;
  draft.note('patient.sex', noun);
  const referring = doctorName(random, drawOtherDoctor(random, clinical));
  const provider = providerText(kit);
  const dob = draft.note('patient.dateOfBirth', date(clinical.dateOfBirth));
  const visit = draft.note('encounter.dateOfService', date(clinical.dateOfService));
  const age = Number(clinical.dateOfService.slice(0, 4)) - Number(clinical.dateOfBirth.slice(0, 4));
  const showMrn = random.chance(0.6);
  if (showMrn) truth.patient.mrn = draft.note('patient.mrn', clinical.mrn);

  const blocks: Block[] = [
    {
      kind: 'title',
      text: `${hospital.name} - Department of ${specialty}`,
      subtitle: hospital.address,
    },
    {
      kind: 'title',
      text: random.pick(['Consultation', 'Outpatient Consultation', 'Consult Letter']),
    },
    { kind: 'lines', lines: [date(addDays(clinical.dateOfService, random.int(1, 10))), referring] },
    {
      kind: 'paragraph',
      text: `Dear ${referring.replace(/,.*$/, '').replace(/^(?!Dr\.)/, 'Dr. ')},`,
    },
    {
      kind: 'paragraph',
      text: `Thank you for asking me to see ${kit.patientName}${showMrn ? ` (hospital number ${clinical.mrn})` : ''}, a ${age}-year-old ${noun} born on ${dob}, whom I saw in the ${specialty.toLowerCase()} clinic on ${visit}. ${subject} was referred for ${random.pick(['evaluation of cardiovascular risk', 'review of glycaemic control', 'exertional breathlessness', 'an abnormal laboratory result'])}.`,
    },
  ];

  // History as a run-on paragraph with its own inline headings.
  truth.diagnoses = clinical.conditions.map((c) => ({
    description: draft.note('diagnoses', c.common),
    icd10: null,
  }));
  const family = familyCondition(random, clinical);
  const medications = printMedications(kit, clinical.medications);
  const allergies = printAllergies(kit);
  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  if (tobacco !== null) draft.note('socialHistory.tobaccoUse', tobacco.text);
  blocks.push(
    {
      kind: 'paragraph',
      text: `Background: ${possessive} history is notable for ${prose(clinical.conditions.map((c) => c.common.toLowerCase()))}. Family history: ${family.relative} with ${family.description.toLowerCase()}.${tobacco === null ? '' : ` Social: ${tobacco.text}`}`,
    },
    {
      kind: 'paragraph',
      text: `Current treatment: ${medications.length === 0 ? 'none' : medications.map((m) => `${m.name} ${m.dose} ${m.frequency}`).join('; ')}. Allergies: ${allergies}.`,
    },
  );

  const vitals = printFamilyVitals(kit, {
    withHeight: random.chance(0.6),
    withBmi: random.chance(0.5),
  });
  const exam = [
    `On examination ${subject.toLowerCase()} looked well.`,
    `Blood pressure ${vitals.bloodPressure} mmHg, heart rate ${vitals.heartRate} regular${vitals.height === null ? '' : `, height ${vitals.height}`}, weight ${vitals.weight}${vitals.bmi === null ? '' : ` (BMI ${vitals.bmi})`}.`,
    'Heart sounds normal, chest clear, no peripheral oedema.',
  ];
  blocks.push({ kind: 'paragraph', text: exam.join(' ') });
  if (random.chance(0.6)) {
    const labs = printLabs(
      kit,
      labKeys(kit, ['ldl', 'creatinine', 'potassium', 'hemoglobin'], [1, 3]),
      true,
    );
    blocks.push({
      kind: 'paragraph',
      text: `Investigations: ${labs.map((l) => `${l.test} ${l.value} ${l.unit}${l.flag === '' ? '' : ` (${l.flag})`}`).join(', ')}.`,
    });
  }

  blocks.push(
    { kind: 'heading', text: random.pick(['Impression', 'Assessment']) },
    {
      kind: 'list',
      numbered: true,
      items: clinical.conditions.map((c) => c.common),
    },
    {
      kind: 'paragraph',
      text: `Recommendations: ${random.pick(['continue the current regimen', 'no change to treatment for now', 'repeat fasting lipids in three months'])}. I will see ${possessive === 'her' ? 'her' : 'him'} again in ${random.pick(['three', 'six'])} months.`,
    },
    { kind: 'filler' },
    {
      kind: 'lines',
      lines: ['Yours sincerely,', provider, `Consultant, ${specialty}`, `cc: ${referring}`],
    },
  );

  return finishKit(kit, {
    title: 'Consultation',
    header: `${hospital.name} | ${specialty}`,
    blocks,
    tobaccoEvidence: tobacco?.text ?? null,
  });
};
