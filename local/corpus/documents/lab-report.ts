/**
 * Laboratory report: the performing lab's header, patient and specimen
 * block (collected, received and reported dates), then one results table per
 * panel (Test | Result | Units | Reference range | Flag) at fixed columns,
 * continued over several pages when long, with interpretive comments.
 * The date of service is the collection date; the facility is the laboratory.
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
import { CLINICS, LAB_COMMENTS, LAB_PANELS, LABORATORIES } from '../vocabulary.ts';
import {
  type Composer,
  creationDate,
  Draft,
  drawPrintStyle,
  emptyTruth,
  LAB_COLUMNS,
  labTable,
  noteDate,
  recordEncounter,
} from './common.ts';

/** Composes a laboratory report. */
export const composeLabReport: Composer = (random, clinical) => {
  const laboratory = random.pick(LABORATORIES);
  const client = random.pick(CLINICS);
  const style = drawPrintStyle(random, clinical, laboratory);
  const draft = new Draft();
  const truth = emptyTruth('lab_report');
  const date = (iso: string): string => formatDate(iso, style.dateStyle);
  const collected = clinical.dateOfService;

  recordEncounter(truth, clinical, style.nameStyle, {
    dateOfService: collected,
    facility: laboratory.name,
  });
  truth.patient.sex = clinical.sex;
  truth.patient.mrn = clinical.mrn;

  const rows: [string, string][] = [
    ['Patient:', draft.note('patient.name', formatName(clinical.patient, style.nameStyle))],
    [random.pick(['Patient ID:', 'MRN:']), draft.note('patient.mrn', clinical.mrn)],
    [
      `${dateLabel('DOB', style.dateStyle)}:`,
      noteDate(draft, 'patient.dateOfBirth', clinical.dateOfBirth, style.dateStyle),
    ],
    [
      random.pick(['Sex:', 'Gender:']),
      draft.note('patient.sex', formatSex(clinical.sex, style.sexStyle)),
    ],
    [
      'Ordering Physician:',
      draft.note(
        'encounter.providerName',
        formatProvider(clinical.provider.name, clinical.provider.credential, random.chance(0.3)),
      ),
    ],
    ['Client:', client.name],
    [
      `${dateLabel('Date Collected', style.dateStyle)}:`,
      noteDate(draft, 'encounter.dateOfService', collected, style.dateStyle),
    ],
    [`${dateLabel('Date Received', style.dateStyle)}:`, date(addDays(collected, random.int(0, 1)))],
    [`${dateLabel('Date Reported', style.dateStyle)}:`, date(addDays(collected, random.int(1, 3)))],
    ['Specimen ID:', `${random.pick(['S', 'X', 'Q'])}${random.int(100000000, 999999999)}`],
    ['Fasting:', random.pick(['Yes', 'No', 'Not stated'])],
  ];
  draft.note('encounter.facility', laboratory.name);

  const blocks: Block[] = [
    {
      kind: 'title',
      text: laboratory.name.toUpperCase(),
      subtitle: `${laboratory.address} | ${laboratory.phone}`,
    },
    {
      kind: 'title',
      text: random.pick(['LABORATORY REPORT', 'Lab Results Report', 'FINAL REPORT']),
    },
    { kind: 'fields', rows, columns: 2 },
  ];

  // Ordering diagnoses on the requisition, on about half the reports.
  if (random.chance(0.5) && clinical.conditions.length > 0) {
    const coded = random.sample(
      clinical.conditions,
      random.int(1, Math.min(3, clinical.conditions.length)),
    );
    truth.diagnoses = coded.map((condition) => ({
      description: draft.note('diagnoses', condition.official),
      icd10: draft.note('diagnoses', condition.icd10),
    }));
    blocks.push({
      kind: 'fields',
      columns: 1,
      rows: [
        [
          'Clinical information (ICD-10):',
          coded.map((condition) => `${condition.icd10} ${condition.official}`).join('; '),
        ],
      ],
    });
  }
  blocks.push({ kind: 'rule' });

  // Panels: always at least two, more when the report is long.
  const eligible = LAB_PANELS.filter(
    (panel) => clinical.sex === 'M' || !panel.tests.includes('psa'),
  );
  const diabetic = clinical.conditions.some((condition) => condition.key === 'diabetes');
  const panels = random.sample(eligible, random.int(2, 6));
  const hba1cPanel = eligible.find((panel) => panel.tests.includes('hba1c'));
  if (diabetic && hba1cPanel !== undefined && !panels.includes(hba1cPanel)) panels.push(hba1cPanel);
  const normalFlag = random.chance(0.5) ? 'N' : '';
  const siGlucose = random.chance(0.25);
  const labs: typeof truth.labs = [];
  panels.forEach((panel, index) => {
    const keys = panel.tests.map((key) => (key === 'glucose' && siGlucose ? 'glucoseSi' : key));
    const table = labTable(draft, clinical, keys, normalFlag);
    labs.push(...table.truth);
    blocks.push(
      { kind: 'heading', text: panel.title },
      { kind: 'table', columns: LAB_COLUMNS, rows: table.rows },
    );
    if (random.chance(0.35))
      blocks.push({ kind: 'paragraph', text: `Comment: ${random.pick(LAB_COMMENTS)}` });
    if (index === 0) blocks.push({ kind: 'filler', heading: 'Specimen Notes' });
  });
  truth.labs = labs;

  const director = formatProvider(
    {
      first: random.pick(['Helena', 'Arjun', 'Colette', 'Bram']),
      middleInitial: null,
      last: random.pick(['Voss', 'Kerrigan', 'Adeyemi', 'Lund']),
    },
    'MD',
    false,
  );
  blocks.push(
    { kind: 'filler', heading: 'Notes' },
    {
      kind: 'paragraph',
      text: `Flags: H = above reference range, L = below reference range${normalFlag === 'N' ? ', N = within reference range' : ''}. Performed at ${laboratory.name}, ${laboratory.address}. Laboratory Director: ${director}.`,
    },
    { kind: 'paragraph', text: '*** END OF REPORT ***' },
  );

  truth.riskFactors = deriveRiskFactors(truth, { tobacco: null });
  draft.add(...blocks);
  return {
    documentType: 'lab_report',
    model: {
      title: 'Laboratory Report',
      font: style.font,
      fontSize: style.fontSize,
      header: `${laboratory.name} | Patient: ${formatName(clinical.patient, 'last-first')} | ID ${clinical.mrn}`,
      faxLine: style.faxLine,
      banner: style.banner,
      pageNumbers: style.pageNumbers,
      blocks: draft.blocks,
      creationDate: creationDate(addDays(collected, 1)),
    },
    truth,
    printed: draft.printed,
  };
};
