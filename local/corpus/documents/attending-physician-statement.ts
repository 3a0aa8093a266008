/**
 * Attending physician statement: the insurer's form a treating physician
 * fills in. Labelled fields, a coded diagnosis list, current medications,
 * vitals, a tobacco checkbox line, optional recent labs, and the physician's
 * attestation with its own (later) signature date.
 */

import type { ClinicalCase } from '../clinical-case.ts';
import {
  addDays,
  dateLabel,
  formatDate,
  formatName,
  formatProvider,
  formatSex,
} from '../formats.ts';
import type { Block } from '../pdf.ts';
import type { Random } from '../random.ts';
import { deriveRiskFactors } from '../truth.ts';
import { CLINICS, HOSPITALS } from '../vocabulary.ts';
import {
  allergyText,
  type Composer,
  creationDate,
  Draft,
  drawPrintStyle,
  emptyTruth,
  frequencyText,
  LAB_COLUMNS,
  labTable,
  medicationTruth,
  noteAllergies,
  noteDate,
  printVitals,
  recordEncounter,
  vitalsTruth,
} from './common.ts';

const INSURERS = [
  'Northgate Mutual Life',
  'Keystone Harbor Assurance',
  'Silverline Life & Annuity',
];

function applicationNumber(random: Random): string {
  return `LP-${random.int(1000000, 9999999)}`;
}

function tobaccoCheckboxes(clinical: ClinicalCase): {
  line: string;
  status: 'current' | 'former' | 'never' | null;
} {
  const status = clinical.tobacco?.status ?? null;
  const box = (option: string): string =>
    `[${status === option ? 'X' : ' '}] ${option[0]?.toUpperCase()}${option.slice(1)}`;
  return { line: `${box('current')}   ${box('former')}   ${box('never')}`, status };
}

/** Composes an attending physician statement. */
export const composeAttendingPhysicianStatement: Composer = (random, clinical) => {
  const facility = random.pick(random.chance(0.75) ? CLINICS : HOSPITALS);
  const style = drawPrintStyle(random, clinical, facility);
  const draft = new Draft();
  const truth = emptyTruth('attending_physician_statement');
  const date = (iso: string): string => formatDate(iso, style.dateStyle);

  // Patient and encounter block.
  const printedName = draft.note('patient.name', formatName(clinical.patient, style.nameStyle));
  recordEncounter(truth, clinical, style.nameStyle, {
    dateOfService: clinical.dateOfService,
    facility: facility.name,
  });
  const provider = formatProvider(
    clinical.provider.name,
    clinical.provider.credential,
    random.chance(0.4),
  );
  const rows: [string, string][] = [
    ['Patient Name:', printedName],
    [
      `${dateLabel('Date of Birth', style.dateStyle)}:`,
      noteDate(draft, 'patient.dateOfBirth', clinical.dateOfBirth, style.dateStyle),
    ],
  ];
  if (random.chance(0.9)) {
    rows.push(['Sex:', draft.note('patient.sex', formatSex(clinical.sex, style.sexStyle))]);
    truth.patient.sex = clinical.sex;
  }
  if (random.chance(0.85)) {
    rows.push([
      random.pick(['MRN:', 'Medical Record #:']),
      draft.note('patient.mrn', clinical.mrn),
    ]);
    truth.patient.mrn = clinical.mrn;
  }
  rows.push(
    [
      `${dateLabel(random.pick(['Date of Service', 'Date of Last Visit']), style.dateStyle)}:`,
      noteDate(draft, 'encounter.dateOfService', clinical.dateOfService, style.dateStyle),
    ],
    ['Attending Physician:', draft.note('encounter.providerName', provider)],
    ['Facility:', draft.note('encounter.facility', facility.name)],
    ['Application No.:', applicationNumber(random)],
  );

  const blocks: Block[] = [
    {
      kind: 'title',
      text: 'ATTENDING PHYSICIAN STATEMENT',
      subtitle: `${random.pick(INSURERS)} - ${random.pick([
        'Part II, to be completed by the attending physician',
        'Medical information request for life insurance underwriting',
      ])}`,
    },
    { kind: 'fields', rows, columns: 2 },
    { kind: 'rule' },
  ];

  // Diagnoses: always coded on this form; official or everyday wording.
  const official = random.chance(0.5);
  const diagnoses = clinical.conditions.map((condition) => ({
    description: draft.note('diagnoses', official ? condition.official : condition.common),
    icd10: draft.note('diagnoses', condition.icd10),
  }));
  truth.diagnoses = diagnoses;
  blocks.push({ kind: 'heading', text: 'Diagnoses' });
  if (random.chance(0.5)) {
    blocks.push({
      kind: 'table',
      columns: [
        { header: 'ICD-10', width: 70 },
        { header: 'Description', width: 354 },
        { header: 'Onset', width: 80 },
      ],
      rows: diagnoses.map((diagnosis) => [
        diagnosis.icd10,
        diagnosis.description,
        String(Number(clinical.dateOfService.slice(0, 4)) - random.int(0, 12)),
      ]),
    });
  } else {
    blocks.push({
      kind: 'list',
      numbered: true,
      items: diagnoses.map((diagnosis) =>
        random.chance(0.5)
          ? `${diagnosis.description} (${diagnosis.icd10})`
          : `${diagnosis.icd10} - ${diagnosis.description}`,
      ),
    });
  }

  // Current medications.
  const words = random.chance(0.4);
  truth.medications = medicationTruth(draft, clinical.medications, words);
  blocks.push({ kind: 'heading', text: 'Current Medications' });
  if (clinical.medications.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'None.' });
  } else if (random.chance(0.5)) {
    blocks.push({
      kind: 'table',
      columns: [
        { header: 'Medication', width: 220 },
        { header: 'Dose', width: 150 },
        { header: 'Frequency', width: 134 },
      ],
      rows: clinical.medications.map((m) => [m.name, m.dose, frequencyText(m, words)]),
    });
  } else {
    blocks.push({
      kind: 'list',
      numbered: false,
      items: clinical.medications.map((m) => `${m.name} ${m.dose} ${frequencyText(m, words)}`),
    });
  }

  const allergies = allergyText(random, clinical);
  noteAllergies(draft, allergies.allergies);
  truth.allergies = allergies.allergies;
  blocks.push({ kind: 'fields', rows: [['Allergies:', allergies.text]], columns: 1 });

  // Vitals at the most recent visit.
  const vitals = printVitals(clinical, {
    feetAndInches: random.chance(0.6),
    withHeight: true,
    withBmi: random.chance(0.85),
  });
  truth.vitals = vitalsTruth(draft, vitals);
  const vitalRows: [string, string][] = [
    ['Blood Pressure:', `${vitals.bloodPressure} mmHg`],
    ['Pulse:', `${vitals.heartRate} bpm`],
    ['Height:', vitals.height?.printed ?? ''],
    ['Weight:', vitals.weight.printed],
  ];
  if (vitals.bmi !== null) vitalRows.push(['BMI:', vitals.bmi.toFixed(1)]);
  blocks.push(
    { kind: 'heading', text: 'Vital Signs (most recent visit)' },
    {
      kind: 'fields',
      rows: vitalRows,
      columns: 2,
    },
  );

  // Tobacco checkbox line.
  const tobacco = tobaccoCheckboxes(clinical);
  const tobaccoRows: [string, string][] = [['Tobacco use:', tobacco.line]];
  truth.socialHistory.tobaccoUse = tobacco.status;
  let tobaccoEvidence: string | null = null;
  if (tobacco.status !== null) {
    const label = `${tobacco.status[0]?.toUpperCase()}${tobacco.status.slice(1)}`;
    draft.note('socialHistory.tobaccoUse', `[X] ${label}`);
    tobaccoEvidence = `Tobacco use: ${label}`;
  }
  const packYears =
    clinical.tobacco?.status === 'never' ? null : (clinical.tobacco?.packYears ?? null);
  if (packYears !== null) {
    tobaccoRows.push(['Pack-years:', draft.note('socialHistory.packYears', String(packYears))]);
    truth.socialHistory.packYears = packYears;
  }
  if (clinical.tobacco?.quitYear != null)
    tobaccoRows.push(['Year quit:', String(clinical.tobacco.quitYear)]);
  blocks.push(
    { kind: 'heading', text: 'Social History' },
    { kind: 'fields', rows: tobaccoRows, columns: 1 },
  );

  // Recent labs, on about half the statements.
  if (random.chance(0.5)) {
    const diabetic = clinical.conditions.some((condition) => condition.key === 'diabetes');
    const extra = random.sample(
      ['ldl', 'creatinine', 'alt', 'ast', 'tsh', 'hemoglobin', 'glucose'],
      random.int(1, 4),
    );
    const keys = diabetic || random.chance(0.4) ? ['hba1c', ...extra] : extra;
    const table = labTable(draft, clinical, keys, random.chance(0.5) ? 'N' : '');
    truth.labs = table.truth;
    blocks.push(
      { kind: 'heading', text: 'Recent Laboratory Results' },
      {
        kind: 'paragraph',
        text: `Collected ${date(addDays(clinical.dateOfService, -random.int(3, 40)))}.`,
      },
      { kind: 'table', columns: LAB_COLUMNS, rows: table.rows },
    );
  }

  blocks.push(
    { kind: 'heading', text: 'Remarks' },
    {
      kind: 'paragraph',
      text: random.pick([
        'Prognosis is good with continued treatment and follow-up. No restrictions on activity.',
        'Condition is stable on the current regimen. The patient is able to work without restriction.',
        'Chronic conditions are followed in this office every three to six months. No hospitalizations in the past five years.',
      ]),
    },
    { kind: 'filler', heading: 'Additional Information' },
    { kind: 'heading', text: 'Physician Attestation' },
    {
      kind: 'paragraph',
      text: 'I certify that I am the attending physician of the patient named above and that the statements made in this form are true and complete to the best of my knowledge and belief.',
    },
    {
      kind: 'fields',
      columns: 2,
      rows: [
        ['Signature:', `/s/ ${provider} (electronically signed)`],
        ['Date signed:', date(addDays(clinical.dateOfService, random.int(2, 30)))],
        [
          'License No.:',
          `${random.pick(['OH', 'PA', 'CO', 'WI', 'NC'])}-${random.int(10000, 99999)}`,
        ],
        ['Telephone:', facility.phone],
      ],
    },
    { kind: 'filler', heading: 'Authorization' },
  );

  truth.riskFactors = deriveRiskFactors(truth, { tobacco: tobaccoEvidence });
  draft.add(...blocks);
  return {
    documentType: 'attending_physician_statement',
    model: {
      title: 'Attending Physician Statement',
      font: style.font,
      fontSize: style.fontSize,
      header: `${facility.name} | ${facility.address}`,
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
