/**
 * Layout family `fax-lab-packet`: a fax cover sheet (sender, recipient, the
 * fax date, a page count) followed by a laboratory report whose header is
 * a grid of boxes and whose results table has a drawn column order and
 * drawn column titles. Distractors: the cover sheet's date and sender, and
 * the report's received and reported dates.
 */

import { labTest } from '../clinical-case.ts';
import { addDays } from '../formats.ts';
import type { Block, TableColumn } from '../pdf.ts';
import { LAB_PANELS, LABORATORIES } from '../vocabulary.ts';
import {
  type FamilyComposer,
  finishKit,
  type PrintedLab,
  printLabs,
  providerText,
  startKit,
} from './family-kit.ts';
import { doctorName, drawOtherDoctor } from './variants.ts';

type LabColumn = 'test' | 'value' | 'unit' | 'range' | 'flag';

const TITLES: Readonly<Record<LabColumn, readonly string[]>> = {
  test: ['Test', 'Analyte', 'Component', 'Test name'],
  value: ['Result', 'Value', 'Your value'],
  unit: ['Units', 'UOM', 'Unit'],
  range: ['Reference range', 'Ref. interval', 'Normal range', 'Standard range'],
  flag: ['Flag', 'Abn', 'H/L'],
};
const WIDTHS: Readonly<Record<LabColumn, number>> = {
  test: 190,
  value: 70,
  unit: 84,
  range: 110,
  flag: 50,
};
const ORDERS: readonly (readonly LabColumn[])[] = [
  ['test', 'value', 'flag', 'unit', 'range'],
  ['test', 'range', 'value', 'unit', 'flag'],
  ['test', 'flag', 'value', 'unit', 'range'],
  ['test', 'value', 'unit', 'range', 'flag'],
];

export const composeFaxLabPacket: FamilyComposer = (random, clinical) => {
  const lab = random.pick(LABORATORIES);
  const kit = startKit(random, clinical, 'lab_report', lab.name);
  const { draft, truth, date, labels } = kit;
  truth.patient.sex = clinical.sex;
  truth.patient.mrn = clinical.mrn;
  const clerk = doctorName(random, drawOtherDoctor(random, clinical)).replace(
    /^Dr\. |, (?:MD|DO)$/g,
    '',
  );
  const faxDate = date(addDays(clinical.dateOfService, random.int(4, 30)));

  const blocks: Block[] = [
    { kind: 'title', text: 'FAX', subtitle: 'Facsimile transmittal' },
    {
      kind: 'gutter',
      gutter: 90,
      rows: [
        ['To', 'Medical Underwriting'],
        ['From', `${clerk}, Release of Information, ${lab.name}`],
        ['Phone', lab.phone],
        ['Date', faxDate],
        ['Pages', `${random.int(2, 4)} including cover`],
        ['Re', 'Requested laboratory records'],
      ],
    },
    {
      kind: 'paragraph',
      text: 'The documents accompanying this transmission are intended only for the recipient named above. If you have received this fax in error, please call the sender.',
    },
    { kind: 'pageBreak' },
    {
      kind: 'title',
      text: random.pick(['Laboratory Report', 'Final Report', 'Lab Results']),
      subtitle: lab.name,
    },
  ];

  const collected = draft.note('encounter.dateOfService', date(clinical.dateOfService));
  blocks.push({
    kind: 'stacked',
    columns: 4,
    cells: [
      [labels.name, kit.patientName],
      [labels.dateOfBirth, draft.note('patient.dateOfBirth', date(clinical.dateOfBirth))],
      [labels.sex, draft.note('patient.sex', clinical.sex)],
      [labels.mrn, draft.note('patient.mrn', clinical.mrn)],
      ['Collected', collected],
      ['Received', date(addDays(clinical.dateOfService, 1))],
      ['Reported', date(addDays(clinical.dateOfService, random.int(1, 3)))],
      [random.pick(['Ordering provider', 'Ordered by', labels.provider]), providerText(kit)],
    ],
  });
  draft.note('encounter.facility', lab.name);

  const order = random.pick(ORDERS);
  const columns: TableColumn[] = order.map((c) => ({
    header: random.pick(TITLES[c]),
    width: WIDTHS[c],
  }));
  const panels = random.sample(LAB_PANELS, random.int(1, 2));
  const keys = [...new Set(panels.flatMap((p) => p.tests))].filter(
    (key) => !(clinical.sex === 'F' && labTest(key).maleOnly === true),
  );
  const labs = printLabs(kit, keys, true);
  const cell = (l: PrintedLab, c: LabColumn): string => l[c];
  blocks.push({ kind: 'table', columns, rows: labs.map((l) => order.map((c) => cell(l, c))) });
  blocks.push(
    { kind: 'filler' },
    {
      kind: 'paragraph',
      text: `Results released to ${doctorName(random, clinical.provider.name)} on ${date(addDays(clinical.dateOfService, 2))}.`,
    },
  );

  return finishKit(kit, {
    title: 'Laboratory Report',
    header: `${lab.name} | ${lab.phone}`,
    blocks,
    tobaccoEvidence: null,
    faxLine: `${faxDate} 10:${String(random.int(10, 59))} ${lab.phone} p.1`,
  });
};
