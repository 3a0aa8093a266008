/**
 * Hospital discharge summary: narrative sections (History of Present Illness,
 * Hospital Course, Discharge Diagnoses, Discharge Medications, Allergies,
 * Social History, Follow-up). Sex comes from prose ("a 54-year-old woman"),
 * labs are mentioned in sentences without flags, family history and a
 * follow-up physician act as distractors. The date of service is the
 * discharge date.
 */

import type { Medication } from '../clinical-case.ts';
import { labTest } from '../clinical-case.ts';
import {
  addDays,
  ageOn,
  dateLabel,
  fixed,
  formatDate,
  formatName,
  formatProvider,
  formatSex,
} from '../formats.ts';
import type { Block } from '../pdf.ts';
import { deriveRiskFactors } from '../truth.ts';
import {
  ACUTE_CONDITIONS,
  CLINICS,
  FAMILY_HISTORY,
  HOSPITALS,
  NARRATIVE_LAB_NAMES,
  PHYSICIAN_FIRST_NAMES,
  PHYSICIAN_LAST_NAMES,
} from '../vocabulary.ts';
import {
  allergyText,
  type Composer,
  creationDate,
  Draft,
  drawPrintStyle,
  emptyTruth,
  frequencyText,
  inlineVitals,
  medicationTruth,
  noteAllergies,
  noteDate,
  noteTobacco,
  printVitals,
  pronouns,
  recordEncounter,
  tobaccoPhrase,
  vitalsTruth,
} from './common.ts';

function joinWithAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Composes a discharge summary. */
export const composeDischargeSummary: Composer = (random, clinical) => {
  const hospital = random.pick(HOSPITALS);
  const style = drawPrintStyle(random, clinical, hospital);
  const draft = new Draft();
  const truth = emptyTruth('discharge_summary');
  const date = (iso: string): string => formatDate(iso, style.dateStyle);
  const discharged = clinical.dateOfService;
  const admitted = addDays(discharged, -random.int(1, 6));
  const acute = random.pick(ACUTE_CONDITIONS);
  const person = pronouns(clinical.sex);
  const attending = formatProvider(
    clinical.provider.name,
    clinical.provider.credential,
    random.chance(0.5),
  );

  recordEncounter(truth, clinical, style.nameStyle, {
    dateOfService: discharged,
    facility: hospital.name,
  });
  truth.patient.sex = clinical.sex;
  draft.note('encounter.facility', hospital.name);

  const rows: [string, string][] = [
    ['Patient Name:', draft.note('patient.name', formatName(clinical.patient, style.nameStyle))],
  ];
  if (random.chance(0.9)) {
    rows.push(['MRN:', draft.note('patient.mrn', clinical.mrn)]);
    truth.patient.mrn = clinical.mrn;
  }
  rows.push(
    [
      `${dateLabel('Date of Birth', style.dateStyle)}:`,
      noteDate(draft, 'patient.dateOfBirth', clinical.dateOfBirth, style.dateStyle),
    ],
    [`${dateLabel('Admission Date', style.dateStyle)}:`, date(admitted)],
    [
      `${dateLabel('Discharge Date', style.dateStyle)}:`,
      noteDate(draft, 'encounter.dateOfService', discharged, style.dateStyle),
    ],
    ['Attending Physician:', draft.note('encounter.providerName', attending)],
    ['Service:', random.pick(['Hospital Medicine', 'Internal Medicine', 'General Surgery'])],
    ['Disposition:', random.pick(['Home', 'Home with family', 'Home with home health'])],
  );
  if (random.chance(0.4)) rows.push(['Sex:', formatSex(clinical.sex, style.sexStyle)]);

  const blocks: Block[] = [
    {
      kind: 'title',
      text: 'DISCHARGE SUMMARY',
      subtitle: `${hospital.name} | ${hospital.address}`,
    },
    { kind: 'fields', rows, columns: 2 },
    { kind: 'rule' },
  ];

  // History of present illness.
  const age = ageOn(clinical.dateOfBirth, admitted);
  draft.note('patient.sex', person.noun);
  const history =
    clinical.conditions.length === 0
      ? 'no significant past medical history'
      : `a history of ${joinWithAnd(clinical.conditions.map((c) => c.common.toLowerCase()))}`;
  let hpi = `The patient is a ${age}-year-old ${person.noun} with ${history} who presented with ${acute.presentation}.`;
  if (random.chance(0.5)) {
    hpi += ` Family history is notable for ${random.pick(FAMILY_HISTORY)}.`;
  }
  blocks.push(
    { kind: 'heading', text: 'History of Present Illness' },
    { kind: 'paragraph', text: hpi },
  );

  // Hospital course, with labs and discharge vitals in prose.
  const labKeys: string[] = [];
  if (clinical.conditions.some((c) => c.key === 'diabetes')) labKeys.push('hba1c');
  if (clinical.conditions.some((c) => c.key === 'hyperlipidemia')) labKeys.push('ldl');
  labKeys.push(
    ...random.sample(['creatinine', 'hemoglobin', 'potassium', 'wbc'], random.int(0, 2)),
  );
  const mentionLabs = labKeys.length > 0 && random.chance(0.8);
  let course = acute.course;
  if (mentionLabs) {
    const phrases = labKeys.map((key) => {
      const test = labTest(key);
      const printed = fixed(clinical.labs[key] ?? 0, test.decimals);
      const name = NARRATIVE_LAB_NAMES[key] ?? test.name;
      truth.labs.push({ test: name, value: Number(printed), unit: test.unit, flag: null });
      draft.note('labs', name);
      draft.note('labs', `${printed} ${test.unit}`);
      return `${name} of ${printed} ${test.unit}`;
    });
    course += ` Laboratory studies were notable for ${joinWithAnd(phrases)}.`;
  }
  const vitals = printVitals(clinical, {
    feetAndInches: false,
    withHeight: random.chance(0.3),
    withBmi: random.chance(0.4),
  });
  truth.vitals = vitalsTruth(draft, vitals);
  const vitalParts = inlineVitals(vitals, { height: 'height', weight: 'weight' });
  course += ` Vital signs at discharge: ${vitalParts.join(', ')}.`;
  blocks.push(
    { kind: 'heading', text: 'Hospital Course' },
    { kind: 'paragraph', text: course },
    { kind: 'filler', heading: 'Patient Instructions' },
  );

  // Discharge diagnoses: principal first, then the chronic problems.
  const coded = random.chance(0.7);
  const diagnoses = [
    { description: acute.common, icd10: acute.icd10 },
    ...clinical.conditions.map((c) => ({ description: c.common, icd10: c.icd10 })),
  ];
  truth.diagnoses = diagnoses.map((d) => ({
    description: draft.note('diagnoses', d.description),
    icd10: coded ? draft.note('diagnoses', d.icd10) : null,
  }));
  blocks.push(
    { kind: 'heading', text: 'Discharge Diagnoses' },
    {
      kind: 'list',
      numbered: true,
      items: diagnoses.map((d) => (coded ? `${d.description} (${d.icd10})` : d.description)),
    },
  );

  // Discharge medications, including a short course started in hospital.
  const words = random.chance(0.7);
  const medications: Medication[] = [...clinical.medications];
  if (acute.dischargeMedication !== null) {
    medications.push({
      name: acute.dischargeMedication.name,
      dose: random.pick(acute.dischargeMedication.doses),
      frequency: acute.dischargeMedication.frequency,
    });
  }
  truth.medications = medicationTruth(draft, medications, words);
  blocks.push({ kind: 'heading', text: 'Discharge Medications' });
  blocks.push(
    medications.length === 0
      ? { kind: 'paragraph', text: 'No medications.' }
      : {
          kind: 'list',
          numbered: false,
          items: medications.map((m) => {
            const route = m.dose.includes('puff') ? 'inhaled' : 'by mouth';
            return `${m.name} ${m.dose} ${route} ${frequencyText(m, words)}`;
          }),
        },
  );

  const allergies = allergyText(random, clinical);
  noteAllergies(draft, allergies.allergies);
  truth.allergies = allergies.allergies;
  blocks.push({ kind: 'heading', text: 'Allergies' }, { kind: 'paragraph', text: allergies.text });

  // Social history.
  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  noteTobacco(draft, tobacco);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  const social = [
    tobacco?.text ?? 'Tobacco history was not obtained.',
    random.pick([
      `${person.subject} drinks alcohol socially.`,
      `${person.subject} denies alcohol use.`,
      `${person.subject} reports one to two glasses of wine per week.`,
    ]),
    random.pick([
      `${person.subject} works as a school administrator.`,
      `${person.subject} is retired and lives with family.`,
      `${person.subject} works in logistics and lives alone.`,
    ]),
  ];
  blocks.push(
    { kind: 'heading', text: 'Social History' },
    { kind: 'paragraph', text: social.join(' ') },
  );

  const pcp = `Dr. ${random.pick(PHYSICIAN_FIRST_NAMES)} ${random.pick(PHYSICIAN_LAST_NAMES)}`;
  blocks.push(
    { kind: 'heading', text: 'Condition at Discharge' },
    { kind: 'paragraph', text: random.pick(['Stable.', 'Good, ambulatory, tolerating diet.']) },
    { kind: 'heading', text: 'Follow-up' },
    {
      kind: 'paragraph',
      text: `Follow up with ${pcp} at ${random.pick(CLINICS).name} within ${random.pick(['one week', 'two weeks', '7 to 10 days'])}. Repeat basic metabolic panel at that visit.`,
    },
    { kind: 'filler', heading: 'Additional Notes' },
    {
      kind: 'paragraph',
      text: `Electronically signed by ${attending} on ${date(addDays(discharged, random.int(0, 3)))}.`,
    },
  );

  truth.riskFactors = deriveRiskFactors(truth, { tobacco: tobacco?.text ?? null });
  draft.add(...blocks);
  return {
    documentType: 'discharge_summary',
    model: {
      title: 'Discharge Summary',
      font: style.font,
      fontSize: style.fontSize,
      header: `${hospital.name} - Discharge Summary`,
      faxLine: style.faxLine,
      banner: style.banner,
      pageNumbers: style.pageNumbers,
      blocks: draft.blocks,
      creationDate: creationDate(discharged),
    },
    truth,
    printed: draft.printed,
  };
};
