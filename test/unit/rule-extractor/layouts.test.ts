/**
 * The rules that read layouts beyond `Label: value` lines: label boxes above
 * values and gutter rows (tabs mark column gaps), prose letters, tables in
 * any column order, running headers, and the distractors each layout
 * carries (a spouse, a relative's illness, a stopped drug, a referring
 * doctor).
 */
import { describe, expect, it } from 'vitest';
import { extractFields } from '#local/bedrock/rule-extractor.ts';
import { cellLabel, findCellValues } from '#local/bedrock/rules/cells.ts';
import {
  findNarrativeValues,
  namesBeforeBirthDate,
  proseItems,
} from '#local/bedrock/rules/narrative.ts';

const BOXES = [
  'STATEMENT OF ATTENDING PHYSICIAN',
  'Proposed insured\tBirthdate\tSex\tMed Rec #',
  'QUILL, ADA M\tMarch 14, 1968\tFemale\tK204518',
  'Spouse name\tSpouse date of birth\tDate last seen\tExamined by',
  'Brannock Quill\t07/02/1965\t05/06/2024\tDr. Imogen Haverford',
].join('\n');

const GUTTER = [
  'Visit Summary',
  'Pt name\tAda Quill',
  'D.O.B.\t3/14/1968',
  'Account no.\tA-99812',
  'Seen on\tJune 3, 2024',
  'Treating physician\tMiriam Vellacott, MD',
  'Location\tMaplecrest Family Practice',
  'Emergency contact\tBrannock Quill (husband) (555) 010-2231',
  'Rx',
  'Medication\tStrength\tSig\tStatus',
  'Lisinopril\t10 mg\tdaily\tActive',
  'Aspirin\t81 mg\tdaily\tDiscontinued',
  'Metformin\t500 mg\tBID\tActive',
].join('\n');

const LETTER = [
  'Maplecrest Family Practice',
  'Re: Ada Quill, DOB 03/14/1968',
  'Dear Underwriter,',
  'I am writing about Ms. Quill, whom I last saw in my office on June 3, 2024. Her husband, Brannock Quill (born 07/02/1965), is also my patient.',
  'She is treated for essential hypertension, type 2 diabetes mellitus and GERD. There is a family history of breast cancer in her mother.',
  'She currently takes lisinopril 10 mg daily and metformin 500 mg twice a day. She is allergic to penicillin and latex.',
  'Sincerely,',
  'Miriam Vellacott, MD',
].join('\n');

describe('label cells', () => {
  it('knows label spellings as whole cells, with or without a colon', () => {
    expect(cellLabel('Birthdate')?.field).toBe('dateOfBirth');
    expect(cellLabel('Med Rec #:')?.field).toBe('mrn');
    expect(cellLabel('Spouse date of birth')?.field).toBeNull();
    expect(cellLabel('Lisinopril')).toBeNull();
  });

  it('pairs a row of label boxes with the row of values under it', () => {
    const values = findCellValues(BOXES.split('\n'));
    expect(values.filter((v) => v.field === 'dateOfBirth').map((v) => v.value)).toEqual([
      'March 14, 1968',
    ]);
    expect(values.find((v) => v.field === 'mrn')?.value).toBe('K204518');
  });

  it('reads a box form without taking the spouse for the patient', () => {
    const extraction = extractFields(BOXES);
    expect(extraction.patient).toEqual({
      name: 'Ada M. Quill',
      dateOfBirth: '1968-03-14',
      sex: 'F',
      mrn: 'K204518',
    });
    expect(extraction.encounter.dateOfService).toBe('2024-05-06');
    expect(extraction.encounter.providerName).toBe('Imogen Haverford');
  });

  it('reads a gutter form and leaves the stopped drug out', () => {
    const extraction = extractFields(GUTTER);
    expect(extraction.patient).toMatchObject({
      name: 'Ada Quill',
      dateOfBirth: '1968-03-14',
      mrn: 'A-99812',
    });
    expect(extraction.encounter).toMatchObject({
      dateOfService: '2024-06-03',
      providerName: 'Miriam Vellacott',
      facility: 'Maplecrest Family Practice',
    });
    expect(extraction.medications).toEqual([
      { name: 'Lisinopril', dose: '10 mg', frequency: 'daily' },
      { name: 'Metformin', dose: '500 mg', frequency: 'BID' },
    ]);
  });
});

describe('prose letters', () => {
  it('splits prose lists', () => {
    expect(proseItems('hypertension, asthma and GERD')).toEqual(['hypertension', 'asthma', 'GERD']);
  });

  it("skips the spouse's birth date and finds the visit and the signer", () => {
    const values = findNarrativeValues(LETTER.split('\n'));
    expect(values.filter((v) => v.field === 'dateOfBirth')).toEqual([]);
    expect(values.find((v) => v.field === 'dateOfService')?.value).toBe('June 3, 2024');
    expect(values.find((v) => v.field === 'providerName')?.value).toBe('Miriam Vellacott, MD');
  });

  it("reads identity, history and treatment from sentences, not the relative's illness", () => {
    const extraction = extractFields(LETTER);
    expect(extraction.patient).toMatchObject({
      name: 'Ada Quill',
      dateOfBirth: '1968-03-14',
      sex: 'F',
    });
    expect(extraction.encounter).toMatchObject({
      dateOfService: '2024-06-03',
      providerName: 'Miriam Vellacott',
    });
    expect(extraction.diagnoses.map((d) => d.description.toLowerCase())).toEqual([
      'essential hypertension',
      'type 2 diabetes mellitus',
      'gerd',
    ]);
    // Names as printed: lower case inside a sentence.
    expect(extraction.medications.map((m) => [m.name, m.dose, m.frequency])).toEqual([
      ['lisinopril', '10 mg', 'daily'],
      ['metformin', '500 mg', 'twice a day'],
    ]);
    expect(extraction.allergies?.map((a) => a.toLowerCase())).toEqual(['penicillin', 'latex']);
  });
});

describe('tables and running headers', () => {
  it('reads lab rows whatever the column order', () => {
    const extraction = extractFields(
      [
        'Laboratory Report',
        'Analyte\tReference range\tResult\tUnits\tFlag',
        'Hemoglobin A1c\t4.0-5.6\t7.4\t%\tH',
        'Creatinine\t0.57-1.00\t0.82\tmg/dL',
      ].join('\n'),
    );
    expect(extraction.labs).toEqual([
      { test: 'Hemoglobin A1c', value: 7.4, unit: '%', flag: 'H' },
      { test: 'Creatinine', value: 0.82, unit: 'mg/dL', flag: 'N' },
    ]);
  });

  it('takes identity from a running header when the body has none', () => {
    const page = (n: number): string =>
      [
        `Body text of page ${n} about follow-up care.`,
        `Quill, Ada | DOB 3/14/1968 | MRN K204518\tPage ${n} of 2`,
      ].join('\n');
    const extraction = extractFields(['PROGRESS NOTE', page(1), page(2)].join('\n'));
    expect(extraction.patient).toMatchObject({
      name: 'Ada Quill',
      dateOfBirth: '1968-03-14',
      mrn: 'K204518',
    });
  });

  it('reads the name written before a birth-date label, not a relative', () => {
    expect(namesBeforeBirthDate(['Quill, Ada / DOB 03/14/1968']).map((v) => v.value)).toEqual([
      'Quill, Ada',
    ]);
    expect(namesBeforeBirthDate(['Spouse Brannock Quill DOB 07/02/1965'])).toEqual([]);
  });

  it('reads the pulse in a run of vitals', () => {
    const extraction = extractFields('O:\nVS: T 98.6  P 72  R 16  BP 128/82  SpO2 98%');
    expect(extraction.vitals).toMatchObject({ heartRate: 72, bloodPressure: '128/82' });
  });
});

describe('grids, loose boxes, numbered questions and titles', () => {
  it('reads vitals from a table of one column per measure', () => {
    const extraction = extractFields(
      ['Vital signs at discharge', 'BP\tHR\tHeight\tWeight', '142/91\t77\t170 cm\t81.5 kg'].join(
        '\n',
      ),
    );
    expect(extraction.vitals).toMatchObject({
      bloodPressure: '142/91',
      heartRate: 77,
      heightCm: 170,
      weightKg: 81.5,
    });
  });

  it('matches values to label boxes by kind when a box is empty', () => {
    const values = findCellValues([
      'Patient name\tBirthdate\tSex\tPatient ID',
      'Ada Quill\t03/14/1968\tK204518',
    ]);
    expect(values.map((v) => [v.field, v.value])).toEqual([
      ['patientName', 'Ada Quill'],
      ['dateOfBirth', '03/14/1968'],
      ['mrn', 'K204518'],
    ]);
  });

  it('reads a numbered question as a heading', () => {
    const extraction = extractFields(
      [
        '2. Current medications:',
        '- Lisinopril 10 mg daily',
        '3. Known allergies: Penicillin',
      ].join('\n'),
    );
    expect(extraction.medications.map((m) => m.name)).toEqual(['Lisinopril']);
    expect(extraction.allergies).toEqual(['Penicillin']);
  });

  it.each([
    ['Statement of Attending Physician', 'attending_physician_statement'],
    ["Physician's Statement", 'attending_physician_statement'],
    ['Discharge Record', 'discharge_summary'],
    ['Consultation', 'office_note'],
  ])('classifies a document titled %s', (title, type) => {
    expect(extractFields(`${title}\nPatient: Ada Quill`).encounter.documentType).toBe(type);
  });
});
