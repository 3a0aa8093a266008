/**
 * Layout family `soap-multipage`: a progress note running over several pages
 * with a running header that repeats the patient's name, birth date and
 * record number on every page and a footer with page numbers. Abbreviated
 * headings (`S:`, `O:`, `A/P:`, `PMH`, `FHx`), abbreviated diagnoses (HTN,
 * T2DM), vitals in one run (`T 98.4 P 72 R 16 BP 128/82 SpO2 98%`).
 * Distractors: a family history written like a problem list.
 */

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
import { familyCondition } from './variants.ts';

/** Abbreviations clinicians use in assessments, by condition key. */
export const CONDITION_ABBREVIATIONS: Readonly<Record<string, string>> = {
  diabetes: 'T2DM',
  hypertension: 'HTN',
  hyperlipidemia: 'HLD',
  gerd: 'GERD',
  cad: 'CAD',
  'atrial-fibrillation': 'Afib',
  'sleep-apnea': 'OSA',
  depression: 'MDD',
  anxiety: 'GAD',
  osteoarthritis: 'OA right knee',
  'low-back-pain': 'LBP',
};

export const composeSoapMultipage: FamilyComposer = (random, clinical) => {
  const clinic = random.pick(CLINICS);
  const kit = startKit(random, clinical, 'office_note', clinic.name);
  const { draft, truth, date, labels } = kit;
  draft.note('encounter.facility', clinic.name);
  truth.patient.mrn = draft.note('patient.mrn', clinical.mrn);
  const dob = draft.note('patient.dateOfBirth', date(clinical.dateOfBirth));
  const sexWord = clinical.sex === 'F' ? 'F' : 'M';
  truth.patient.sex = clinical.sex;
  draft.note('patient.sex', sexWord);
  const provider = providerText(kit);
  const age = Number(clinical.dateOfService.slice(0, 4)) - Number(clinical.dateOfBirth.slice(0, 4));

  const blocks: Block[] = [
    {
      kind: 'title',
      text: random.pick(['PROGRESS NOTE', 'Follow-up Visit', 'Outpatient Progress Note']),
    },
    {
      kind: 'fields',
      columns: 2,
      rows: [
        [
          `${labels.dateOfService}:`,
          draft.note('encounter.dateOfService', date(clinical.dateOfService)),
        ],
        [`${labels.provider}:`, provider],
        [`${labels.facility}:`, clinic.name],
        ['Visit type:', random.pick(['Established patient', 'Follow-up', 'Chronic care'])],
      ],
    },
  ];

  // S: complaint, PMH, meds, allergies, social, family history.
  const abbreviate = random.chance(0.6);
  truth.diagnoses = clinical.conditions.map((c) => {
    const printed = abbreviate ? (CONDITION_ABBREVIATIONS[c.key] ?? c.common) : c.common;
    return { description: draft.note('diagnoses', printed), icd10: null };
  });
  const medications = printMedications(kit, clinical.medications);
  const allergies = printAllergies(kit);
  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  if (tobacco !== null) draft.note('socialHistory.tobaccoUse', tobacco.text);
  const family = familyCondition(random, clinical);
  blocks.push(
    { kind: 'heading', text: 'S:' },
    {
      kind: 'paragraph',
      text: `${age} y/o ${clinical.sex === 'F' ? 'female' : 'male'} here for ${random.pick(['f/u of chronic problems', 'med check', 'routine follow-up'])}. ${random.pick(['No new complaints.', 'Reports mild fatigue.', 'Feels well overall.'])}`,
    },
    { kind: 'paragraph', text: `FHx: ${family.description} (${family.relative}).` },
    {
      kind: 'paragraph',
      text: `${labels.medications}: ${medications.length === 0 ? 'none' : medications.map((m) => `${m.name} ${m.dose} ${m.frequency}`).join('; ')}`,
    },
    { kind: 'paragraph', text: `${labels.allergies}: ${allergies}` },
    { kind: 'paragraph', text: `SH: ${tobacco?.text ?? 'not asked'}` },
    { kind: 'filler', heading: 'Interval history' },
  );

  // O: vitals in one run, exam, labs.
  const vitals = printFamilyVitals(kit, {
    withHeight: random.chance(0.7),
    withBmi: random.chance(0.6),
  });
  const vitalRun = [
    `T ${random.pick(['98.2', '98.6', '97.9', '36.8 C'])}`,
    `P ${vitals.heartRate}`,
    `R ${random.int(12, 18)}`,
    `BP ${vitals.bloodPressure}`,
    `SpO2 ${random.int(95, 99)}%`,
    ...(vitals.height === null ? [] : [`Ht ${vitals.height}`]),
    `Wt ${vitals.weight}`,
    ...(vitals.bmi === null ? [] : [`BMI ${vitals.bmi}`]),
  ];
  blocks.push(
    { kind: 'heading', text: 'O:' },
    { kind: 'paragraph', text: `VS: ${vitalRun.join('  ')}` },
    { kind: 'paragraph', text: 'Gen: NAD. CV: RRR, no m/r/g. Lungs: CTAB. Ext: no edema.' },
  );
  if (random.chance(0.6)) {
    const labs = printLabs(
      kit,
      labKeys(kit, ['ldl', 'creatinine', 'tsh', 'alt', 'potassium'], [2, 3]),
      true,
    );
    blocks.push(
      { kind: 'paragraph', text: 'Labs:' },
      {
        kind: 'list',
        numbered: false,
        items: labs.map(
          (l) => `${l.test} ${l.value} ${l.unit} (${l.range})${l.flag === '' ? '' : ` ${l.flag}`}`,
        ),
      },
    );
  }
  blocks.push({ kind: 'filler', heading: 'Review of systems' });

  // A/P: numbered problems with a plan after a dash.
  blocks.push(
    { kind: 'heading', text: random.pick(['A/P:', 'Assessment/Plan:']) },
    {
      kind: 'list',
      numbered: true,
      items: truth.diagnoses.map(
        (d) =>
          `${d.description} - ${random.pick(['stable, continue current tx', 'monitor', 'recheck in 3 mo', 'counseled'])}`,
      ),
    },
    { kind: 'filler' },
    { kind: 'paragraph', text: `Signed: ${provider} ${date(clinical.dateOfService)}` },
  );

  return finishKit(kit, {
    title: 'Progress Note',
    header: `${kit.patientName} | DOB ${dob} | MRN ${clinical.mrn}`,
    blocks,
    tobaccoEvidence: tobacco?.text ?? null,
    banner: random.chance(0.6) ? 'Confidential patient information' : null,
  });
};
