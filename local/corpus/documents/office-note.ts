/**
 * Office visit note in SOAP form: Subjective (complaint, medications,
 * allergies, social and family history), Objective (inline vitals such as
 * `BP 138/88, HR 76, Ht 5'7", Wt 182 lb`, recent labs), Assessment (coded
 * problems) and Plan. The date of service is the visit date.
 */

import {
  addDays,
  dateLabel,
  formatDate,
  formatName,
  formatProvider,
  formatSex,
} from '../formats.ts';
import type { Block } from '../pdf.ts';
import { deriveRiskFactors } from '../truth.ts';
import { CLINICS, FAMILY_HISTORY } from '../vocabulary.ts';
import {
  allergyText,
  type Composer,
  creationDate,
  Draft,
  drawPrintStyle,
  emptyTruth,
  frequencyText,
  inlineVitals,
  LAB_COLUMNS,
  labTable,
  medicationTruth,
  noteAllergies,
  noteDate,
  noteTobacco,
  printVitals,
  recordEncounter,
  tobaccoPhrase,
  vitalsTruth,
} from './common.ts';

const COMPLAINTS = [
  'Routine follow-up of chronic conditions.',
  'Annual physical examination.',
  'Medication refill and blood pressure check.',
  'Follow-up of recent laboratory results.',
  'Fatigue for the past month.',
] as const;

const EXAM = [
  'General: well appearing, in no acute distress. HEENT: normocephalic, oropharynx clear. Neck: supple, no thyromegaly. Lungs: clear to auscultation bilaterally. Heart: regular rate and rhythm, no murmur. Abdomen: soft, non-tender. Extremities: no edema.',
  'Alert and oriented, pleasant. Lungs clear. Cardiac exam regular without gallop. Abdomen benign. Skin without rash. Neurologic exam non-focal.',
] as const;

/** Composes an office (SOAP) note. */
export const composeOfficeNote: Composer = (random, clinical) => {
  const clinic = random.pick(CLINICS);
  const style = drawPrintStyle(random, clinical, clinic);
  const draft = new Draft();
  const truth = emptyTruth('office_note');
  const date = (iso: string): string => formatDate(iso, style.dateStyle);
  const provider = formatProvider(
    clinical.provider.name,
    clinical.provider.credential,
    random.chance(0.3),
  );

  recordEncounter(truth, clinical, style.nameStyle, {
    dateOfService: clinical.dateOfService,
    facility: clinic.name,
  });
  draft.note('encounter.facility', clinic.name);

  const rows: [string, string][] = [
    ['Patient:', draft.note('patient.name', formatName(clinical.patient, style.nameStyle))],
    [
      `${dateLabel('DOB', style.dateStyle)}:`,
      noteDate(draft, 'patient.dateOfBirth', clinical.dateOfBirth, style.dateStyle),
    ],
  ];
  if (random.chance(0.85)) {
    rows.push(['Sex:', draft.note('patient.sex', formatSex(clinical.sex, style.sexStyle))]);
    truth.patient.sex = clinical.sex;
  }
  if (random.chance(0.8)) {
    rows.push(['MRN:', draft.note('patient.mrn', clinical.mrn)]);
    truth.patient.mrn = clinical.mrn;
  }
  rows.push(
    [
      `${dateLabel(random.pick(['Visit Date', 'Date of Service']), style.dateStyle)}:`,
      noteDate(draft, 'encounter.dateOfService', clinical.dateOfService, style.dateStyle),
    ],
    ['Provider:', draft.note('encounter.providerName', provider)],
  );

  const blocks: Block[] = [
    {
      kind: 'title',
      text: clinic.name.toUpperCase(),
      subtitle: `${clinic.address} | Tel ${clinic.phone}`,
    },
    { kind: 'title', text: random.pick(['Office Visit Note', 'Progress Note', 'Clinic Note']) },
    { kind: 'fields', rows, columns: 2 },
    { kind: 'rule' },
  ];

  // Subjective.
  const words = random.chance(0.4);
  truth.medications = medicationTruth(draft, clinical.medications, words);
  const allergies = allergyText(random, clinical);
  noteAllergies(draft, allergies.allergies);
  truth.allergies = allergies.allergies;
  const tobacco = tobaccoPhrase(random, clinical.tobacco, clinical.sex);
  noteTobacco(draft, tobacco);
  truth.socialHistory = {
    tobaccoUse: tobacco?.tobaccoUse ?? null,
    packYears: tobacco?.packYears ?? null,
  };
  const socialRows: [string, string][] = [
    ['Allergies:', allergies.text],
    ['Social history:', tobacco?.text ?? 'Not reviewed at this visit.'],
  ];
  if (random.chance(0.5)) {
    socialRows.push(['Family history:', `${random.pick(FAMILY_HISTORY)}.`]);
  }
  const subjective = [
    `Chief complaint: ${random.pick(COMPLAINTS)}`,
    random.pick([
      'Patient reports good adherence to medications and no side effects. Denies chest pain, shortness of breath or palpitations.',
      'Doing well overall. Sleep is fair. Reports occasional heartburn after large meals. No new complaints.',
      'Feels more tired than usual; denies fever, weight loss or night sweats. Appetite is normal.',
    ]),
  ].join(' ');
  blocks.push(
    { kind: 'heading', text: 'Subjective' },
    { kind: 'paragraph', text: subjective },
    { kind: 'paragraph', text: 'Current medications:' },
    clinical.medications.length === 0
      ? { kind: 'paragraph', text: 'None.' }
      : {
          kind: 'list',
          numbered: false,
          items: clinical.medications.map((m) => `${m.name} ${m.dose} ${frequencyText(m, words)}`),
        },
    { kind: 'fields', columns: 1, rows: socialRows },
  );

  // Objective: inline vitals, exam, optional recent labs.
  const vitals = printVitals(clinical, {
    feetAndInches: random.chance(0.7),
    withHeight: random.chance(0.8),
    withBmi: random.chance(0.6),
  });
  truth.vitals = vitalsTruth(draft, vitals);
  const inline = inlineVitals(vitals, { height: 'Ht', weight: 'Wt' });
  blocks.push(
    { kind: 'heading', text: 'Objective' },
    { kind: 'paragraph', text: `Vitals: ${inline.join(', ')}.` },
    { kind: 'paragraph', text: random.pick(EXAM) },
  );
  if (random.chance(0.45)) {
    const diabetic = clinical.conditions.some((c) => c.key === 'diabetes');
    const keys = [
      ...(diabetic ? ['hba1c'] : []),
      ...random.sample(
        ['ldl', 'hdl', 'triglycerides', 'creatinine', 'tsh', 'alt'],
        random.int(1, 3),
      ),
    ];
    const table = labTable(draft, clinical, keys, random.chance(0.5) ? 'N' : '');
    truth.labs = table.truth;
    blocks.push(
      {
        kind: 'paragraph',
        text: `Recent labs (${date(addDays(clinical.dateOfService, -random.int(2, 21)))}):`,
      },
      { kind: 'table', columns: LAB_COLUMNS, rows: table.rows },
    );
  }
  blocks.push({ kind: 'filler', heading: 'Counseling' });

  // Assessment with codes (occasionally without), then plan.
  const coded = random.chance(0.85);
  const codeFirst = random.chance(0.5);
  truth.diagnoses = clinical.conditions.map((c) => ({
    description: draft.note('diagnoses', c.common),
    icd10: coded ? draft.note('diagnoses', c.icd10) : null,
  }));
  blocks.push(
    { kind: 'heading', text: 'Assessment' },
    {
      kind: 'list',
      numbered: true,
      items: clinical.conditions.map((c) => {
        if (!coded) return `${c.common}.`;
        return codeFirst ? `${c.icd10} ${c.common}` : `${c.common} - ${c.icd10}`;
      }),
    },
    { kind: 'heading', text: 'Plan' },
    {
      kind: 'paragraph',
      text: [
        clinical.medications.length > 0
          ? 'Continue current medications as listed.'
          : 'No medications at this time.',
        random.pick([
          'Lifestyle counseling on diet and exercise provided.',
          'Discussed weight management and a graded walking program.',
          'Reviewed home blood pressure log technique.',
        ]),
        `Return in ${random.pick(['3 months', '6 months', '4 to 6 weeks'])} or sooner as needed.`,
      ].join(' '),
    },
    { kind: 'filler', heading: 'Additional Notes' },
    {
      kind: 'paragraph',
      text: `Electronically signed by ${provider}, ${date(clinical.dateOfService)} ${String(random.int(8, 18)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}.`,
    },
  );

  truth.riskFactors = deriveRiskFactors(truth, { tobacco: tobacco?.text ?? null });
  draft.add(...blocks);
  return {
    documentType: 'office_note',
    model: {
      title: 'Office Visit Note',
      font: style.font,
      fontSize: style.fontSize,
      header: `${clinic.name} | ${formatName(clinical.patient, 'last-first')}`,
      faxLine: style.faxLine,
      banner: style.banner,
      pageNumbers: style.pageNumbers,
      blocks: draft.blocks,
      creationDate: creationDate(clinical.dateOfService),
    },
    truth,
    printed: draft.printed,
  };
};
