/**
 * The shared label lexicon: every spelling of a field label the extraction
 * rules know, ranked within each field, plus labels that only end the value
 * before them. Form lines (`Label: value`), gutter rows (`Label<tab>value`)
 * and label-above-value boxes all read labels from here.
 */

/** Fields read from labels. */
export type LabelledField =
  | 'patientName'
  | 'dateOfBirth'
  | 'sex'
  | 'mrn'
  | 'dateOfService'
  | 'providerName'
  | 'facility';

export interface LabelRule {
  /** The field the value belongs to; null for labels that only end the previous value. */
  readonly field: LabelledField | null;
  /** Literal label words; each space matches any run of spaces, or none (letter-spaced text). */
  readonly words: string;
  /** Lower wins when one field has several labels (`Date of Service` over `Date`). */
  readonly rank: number;
  /** Printed without a colon too (`DOB 03/14/1968`); a space must then follow. */
  readonly colonOptional?: boolean;
}

const rule = (
  field: LabelledField | null,
  rank: number,
  words: readonly string[],
  colonOptional = false,
): LabelRule[] => words.map((w) => ({ field, rank, words: w, colonOptional }));

export const LABEL_LEXICON: readonly LabelRule[] = [
  ...rule('patientName', 0, [
    'Patient Name',
    "Patient's Name",
    'Name of Patient',
    'Patient Full Name',
    'Pt Name',
    'Member Name',
    'Full Name',
  ]),
  ...rule('patientName', 1, [
    'Insured Name',
    'Name of Insured',
    'Proposed Insured',
    'Applicant Name',
    'Insured',
    'Applicant',
    'Member',
  ]),
  ...rule('patientName', 2, ['Patient']),
  ...rule('patientName', 3, ['Name', 'Name (Last, First, MI)', 'Name (Last, First)', 'Pt']),
  // A letter names its subject on the `Re:` line.
  ...rule('patientName', 5, ['Re', 'Regarding', 'Subject']),
  ...rule('dateOfBirth', 0, ['Date of Birth', 'Birth Date', 'Birthdate', 'DOB', 'D.O.B.'], true),
  ...rule('dateOfBirth', 1, ['Born', 'Birthday']),
  ...rule(
    'sex',
    0,
    ['Sex', 'Gender', 'Sex/Gender', 'Sex / Gender', 'Sex at Birth', 'Sex Assigned at Birth'],
    true,
  ),
  ...rule(
    'mrn',
    0,
    [
      'MRN',
      'Medical Record #',
      'Medical Record No.',
      'Medical Record Number',
      'Medical Record',
      'Med Rec #',
      'Med Rec No.',
      'Med Rec Number',
      'MR #',
      'MR No.',
    ],
    true,
  ),
  ...rule(
    'mrn',
    1,
    [
      'Patient ID',
      'Pt ID',
      'Patient No.',
      'Patient Number',
      'Patient #',
      'Chart #',
      'Chart No.',
      'Chart Number',
      'Record #',
      'Record No.',
      'Record Number',
      'Hospital Number',
      'Hospital No.',
      'Unit No.',
    ],
    true,
  ),
  ...rule('mrn', 2, ['Account No.', 'Account Number', 'Account #', 'Acct No.', 'Acct #'], true),
  ...rule('mrn', 2, ['Chart']),
  // Date labels may lack a colon: a value that holds no date is skipped anyway.
  ...rule('dateOfService', 0, ['Date of Service', 'Service Date', 'DOS'], true),
  ...rule(
    'dateOfService',
    1,
    [
      'Visit Date',
      'Date of Visit',
      'Encounter Date',
      'Exam Date',
      'Date of Last Visit',
      'Last Visit',
      'Seen On',
      'Date Seen',
      'Date Last Seen',
      'Last Seen',
      'Appointment Date',
      'Date of Exam',
      'Examination Date',
      'Date of Encounter',
    ],
    true,
  ),
  ...rule(
    'dateOfService',
    2,
    ['Collected', 'Collection Date', 'Date Collected', 'Specimen Collected', 'Collected Date'],
    true,
  ),
  // A discharge summary's date of service is the discharge, not the admission.
  ...rule('dateOfService', 3, ['Discharge Date', 'Date of Discharge'], true),
  ...rule('dateOfService', 3, ['Discharged']),
  ...rule('dateOfService', 4, ['Admission Date', 'Date of Admission', 'Admit Date'], true),
  ...rule('dateOfService', 4, ['Admitted']),
  ...rule('dateOfService', 5, ['Report Date', 'Date of Report', 'Statement Date'], true),
  ...rule('dateOfService', 6, ['Date']),
  ...rule('providerName', 0, [
    'Attending Physician',
    'Treating Physician',
    'Treating Provider',
    'Physician Name',
    'Examining Physician',
    'Examined By',
    'Discharging Physician',
    'Attending Provider',
  ]),
  ...rule('providerName', 1, [
    'Physician',
    'Attending',
    'Provider',
    'Rendering Provider',
    'Clinician',
    'Treating Clinician',
  ]),
  ...rule('providerName', 2, [
    'Ordering Physician',
    'Ordering Provider',
    'Ordered By',
    'Doctor',
    'Seen By',
    'Author',
  ]),
  ...rule('providerName', 3, ['Primary Care Physician', 'PCP']),
  ...rule('providerName', 4, [
    'Electronically Signed By',
    'Electronically Signed',
    'Signed By',
    'Signed',
    'Dictated By',
  ]),
  ...rule('facility', 0, [
    'Facility',
    'Facility Name',
    'Hospital',
    'Hospital Name',
    'Clinic',
    'Clinic Name',
    'Practice',
    'Practice Name',
    'Location',
    'Site',
    'Name of Clinic or Hospital',
    'Place of Service',
  ]),
  ...rule('facility', 1, ['Laboratory', 'Performing Lab', 'Performing Laboratory', 'Lab']),
  // Labels whose values are never needed but must end the value before them.
  ...rule(null, 9, [
    'Age',
    'Address',
    'Phone',
    'Home Phone',
    'Cell Phone',
    'Work Phone',
    'Fax',
    'Tel',
    'Email',
    'SSN',
    'Policy #',
    'Policy Number',
    'Policy No.',
    'Room',
    'Bed',
    'Race',
    'Ethnicity',
    'Insurance',
    'Employer',
    'Occupation',
    'Referring Physician',
    'Referring Provider',
    'Specimen',
    'Specimen ID',
    'Accession',
    'Accession #',
    'Received',
    'Reported',
    'Date Reported',
    'Date Received',
    'Date Signed',
    'Time',
    'Status',
    'Length of Stay',
    'NPI',
    'Signature',
    'Physician Signature',
    'Unit',
    'Department',
    'Dept',
    'Service',
    'Disposition',
    'Client',
    'Fasting',
    'Telephone',
    'License No.',
    'License #',
    'Application No.',
    'Application #',
    'Application Number',
    'Claim No.',
    'Claim #',
    'Claim Number',
    'Group No.',
    'Group #',
    'Member ID',
    'Subscriber ID',
    'Date Printed',
    // Other people's details: a spouse, a contact, a referring doctor.
    'Spouse',
    'Spouse Name',
    "Spouse's Name",
    'Spouse Date of Birth',
    'Spouse DOB',
    'Husband',
    'Wife',
    'Emergency Contact',
    'Next of Kin',
    'Guarantor',
    'Referred By',
    'Referring',
    'Referring Doctor',
    'Visit Type',
    'Signature of Physician',
    'Pages',
    'To',
    'From',
    'Type',
  ]),
];
