/**
 * Layout family `narrative-letter`: a physician's letter to an insurer's
 * underwriting department. Every value sits inside a sentence: identity in
 * the "Re:" line or the first paragraph, diagnoses, medications, vitals,
 * labs and tobacco in prose. Distractors: the patient's spouse or child with
 * their own birth date, and a relative's diagnosis.
 */

import { addDays, formatName } from '../formats.ts';
import type { Block } from '../pdf.ts';
import { CLINICS } from '../vocabulary.ts';
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
import { drawRelative, familyCondition } from './variants.ts';

const INSURERS = ['Harborline Life', 'Greyfield Mutual', 'Tidewater Assurance Company'];

export const composeNarrativeLetter: FamilyComposer = (random, clinical) => {
  const clinic = random.pick(CLINICS);
  const kit = startKit(random, clinical, 'other', clinic.name);
  const { draft, truth, date } = kit;
  draft.note('encounter.facility', clinic.name);
  const { subject, possessive, noun } = pronouns(clinical.sex);
  const gendered = random.chance(0.75);
  const they = gendered ? subject : 'The patient';
  const their = gendered ? possessive : "the patient's";
  const title = clinical.sex === 'F' ? 'Ms.' : 'Mr.';
  const surname = gendered ? `${title} ${clinical.patient.last}` : clinical.patient.first;

  const dob = draft.note('patient.dateOfBirth', date(clinical.dateOfBirth));
  const visit = draft.note('encounter.dateOfService', date(clinical.dateOfService));
  const provider = providerText(kit);
  const age = Number(clinical.dateOfService.slice(0, 4)) - Number(clinical.dateOfBirth.slice(0, 4));
  if (gendered) {
    truth.patient.sex = clinical.sex;
    draft.note('patient.sex', noun);
  }
  const showMrn = random.chance(0.5);
  if (showMrn) truth.patient.mrn = draft.note('patient.mrn', clinical.mrn);

  const reLine = random.pick([
    `Re: ${kit.patientName}, ${random.pick(['DOB', 'born', 'date of birth'])} ${dob}`,
    `RE: ${kit.patientName} (${dob})`,
    `Subject: medical records of ${kit.patientName}, born ${dob}`,
  ]);
  const letterDate = date(addDays(clinical.dateOfService, random.int(5, 60)));
  const blocks: Block[] = [
    { kind: 'title', text: clinic.name, subtitle: `${clinic.address} | ${clinic.phone}` },
    { kind: 'lines', lines: [letterDate] },
    {
      kind: 'lines',
      lines: [
        'Medical Underwriting Department',
        random.pick(INSURERS),
        'PO Box 4410, Dorset, VT 05999',
      ],
    },
    { kind: 'lines', lines: showMrn ? [reLine, `Our chart number: ${clinical.mrn}`] : [reLine] },
    { kind: 'paragraph', text: 'Dear Underwriter,' },
  ];

  const intro = [
    `I am writing at your request about ${gendered ? `${surname}, a ${age}-year-old ${noun}` : kit.patientName} who has been under my care since ${Number(clinical.dateOfService.slice(0, 4)) - random.int(2, 12)}.`,
    random.pick([
      `${they} was last seen in my office on ${visit}.`,
      `My most recent examination of ${gendered ? (clinical.sex === 'F' ? 'her' : 'him') : 'the patient'} took place on ${visit}.`,
      `The last visit was on ${visit}.`,
    ]),
  ];
  const relative = drawRelative(random, clinical);
  if (random.chance(0.7)) {
    intro.push(
      `${gendered ? possessive.replace(/^./, (c) => c.toUpperCase()) : "The patient's"} ${relative.relation}, ${formatName(relative.name, 'first-last')} (born ${date(relative.dateOfBirth)}), is also a patient of this practice; this letter concerns only ${kit.patientName}.`,
    );
  }
  blocks.push({ kind: 'paragraph', text: intro.join(' ') });

  // Diagnoses in a sentence, codes in brackets on some letters.
  const coded = random.chance(0.5);
  // Mid-sentence a condition loses its capital, an abbreviation (GERD) keeps it.
  const inSentence = (text: string): string =>
    text.replace(/^([A-Z])(?=[a-z])/, (c) => c.toLowerCase());
  truth.diagnoses = clinical.conditions.map((c) => ({
    description: draft.note('diagnoses', inSentence(c.common)),
    icd10: coded ? draft.note('diagnoses', c.icd10) : null,
  }));
  const diagnosisPhrases = clinical.conditions.map((c) =>
    coded ? `${inSentence(c.common)} (${c.icd10})` : inSentence(c.common),
  );
  const family = familyCondition(random, clinical);
  const history = [
    `${they.replace(/^The/, 'The')} is treated for ${prose(diagnosisPhrases)}.`,
    random.chance(0.6)
      ? `There is a family history of ${family.description.toLowerCase()} in ${their} ${family.relative}, which ${gendered ? subject.toLowerCase() : 'the patient'} does not have.`
      : '',
  ];
  blocks.push({ kind: 'paragraph', text: history.filter((s) => s !== '').join(' ') });

  // Medications and allergies.
  const medications = printMedications(kit, clinical.medications);
  const medicationText =
    medications.length === 0
      ? `${they} takes no regular medication.`
      : `${gendered ? subject : 'The patient'} currently takes ${prose(medications.map((m) => `${m.name} ${m.dose} ${m.frequency}`))}.`;
  const allergies = printAllergies(kit);
  const allergyText =
    clinical.allergies.length === 0
      ? `${random.pick(['There are no known drug allergies.', `${they} reports no known allergies.`])}`
      : `${they} is allergic to ${allergies}.`;
  blocks.push({ kind: 'paragraph', text: `${medicationText} ${allergyText}` });

  // Vitals and labs in prose.
  const vitals = printFamilyVitals(kit, {
    withHeight: random.chance(0.7),
    withBmi: random.chance(0.5),
  });
  const vitalParts = [
    `blood pressure was ${vitals.bloodPressure}`,
    `pulse ${vitals.heartRate}`,
    ...(vitals.height === null ? [] : [`height ${vitals.height}`]),
    `weight ${vitals.weight}`,
    ...(vitals.bmi === null ? [] : [`BMI ${vitals.bmi}`]),
  ];
  const labs = random.chance(0.6)
    ? printLabs(kit, labKeys(kit, ['ldl', 'creatinine', 'tsh', 'hdl'], [1, 2]), false, (name) =>
        inSentence(name.replace(/, fasting$/, '')),
      )
    : [];
  const labText =
    labs.length === 0
      ? ''
      : ` Recent laboratory work showed ${prose(labs.map((l) => `${l.test} of ${l.value} ${l.unit}`))}.`;
  blocks.push({
    kind: 'paragraph',
    text: `At that visit ${their} ${prose(vitalParts)}.${labText}`,
  });

  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  if (tobacco !== null) draft.note('socialHistory.tobaccoUse', tobacco.text);
  blocks.push(
    {
      kind: 'paragraph',
      text: [
        tobacco?.text ?? '',
        random.pick([
          'In my opinion the prognosis is good with continued treatment.',
          'The conditions above are stable and followed every three to six months.',
        ]),
        'Please contact my office if you need anything further.',
      ]
        .filter((s) => s !== '')
        .join(' '),
    },
    { kind: 'filler' },
    { kind: 'lines', lines: ['Sincerely,', '', provider, clinic.name] },
  );

  return finishKit(kit, {
    title: 'Letter',
    header: clinic.name,
    blocks,
    tobaccoEvidence: tobacco?.text ?? null,
  });
};
