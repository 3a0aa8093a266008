/**
 * Word lists the synthetic documents are built from: invented people and
 * places, ICD-10-CM conditions with their descriptions, the medications that
 * treat them, laboratory tests with reference ranges, allergens and filler
 * paragraphs. Every person, facility, phone number and address is made up
 * (phone numbers use the fictional 555-01xx block). ASCII only, so the
 * standard PDF fonts can print every character.
 */

export const FEMALE_FIRST_NAMES = [
  'Adela',
  'Brisa',
  'Calla',
  'Delphine',
  'Elowen',
  'Fenna',
  'Greta',
  'Hollis',
  'Ilse',
  'Jorunn',
  'Katrin',
  'Liesel',
  'Marisol',
  'Nerys',
  'Odalys',
  'Perpetua',
  'Quinta',
  'Rosalind',
  'Saoirse',
  'Tamsin',
  'Ulla',
  'Verity',
  'Wren',
  'Yolanda',
  'Zinnia',
] as const;

export const MALE_FIRST_NAMES = [
  'Anselm',
  'Barnaby',
  'Casimir',
  'Dorian',
  'Evander',
  'Florian',
  'Gideon',
  'Hakon',
  'Ignatius',
  'Jasper',
  'Leopold',
  'Mattias',
  'Nikolai',
  'Osric',
  'Percival',
  'Quillon',
  'Rafferty',
  'Soren',
  'Thaddeus',
  'Ulric',
  'Valentin',
  'Wendell',
  'Xavier',
  'Yannick',
  'Zebulon',
] as const;

export const LAST_NAMES = [
  'Abernathy-Quill',
  'Brannock',
  'Castellanos',
  'Dunmore',
  'Eklund',
  'Fairweather',
  'Galloway-Finch',
  'Hargreave',
  'Ingersoll',
  'Jablonski',
  'Kettering',
  'Lindqvist',
  'Marchetti',
  'Nakashima',
  'Okonkwo',
  'Pemberton',
  'Quarrington',
  'Ravensworth',
  'Szymanski',
  'Thistlewood',
  'Underhill',
  'Valderrama',
  'Whitacre',
  'Yarborough',
  'Zielinski',
  'Ashcombe',
  'Brightwater',
  'Cordero',
  'Delacroix-Hunt',
  'Esterhazy',
] as const;

export const MIDDLE_INITIALS = [
  'A',
  'B',
  'C',
  'D',
  'E',
  'J',
  'K',
  'L',
  'M',
  'R',
  'S',
  'T',
] as const;

/** A facility with its invented address and phone number. */
export interface Facility {
  readonly name: string;
  readonly address: string;
  readonly phone: string;
}

export const CLINICS: readonly Facility[] = [
  {
    name: 'Maplecrest Family Practice',
    address: '1420 Alder Crest Drive, Fenwick, OH 43999',
    phone: '(555) 010-2231',
  },
  {
    name: 'Stonebridge Internal Medicine',
    address: '88 Quarry Lane, Suite 200, Millbrook Falls, PA 19999',
    phone: '(555) 014-7720',
  },
  {
    name: 'Larkspur Valley Clinic',
    address: '301 Larkspur Road, Eastmere, CO 80999',
    phone: '(555) 016-0094',
  },
  {
    name: 'Ravenmoor Health Partners',
    address: '17 Heron Court, Ravenmoor, WI 53999',
    phone: '(555) 012-4418',
  },
  {
    name: 'Oakhaven Medical Group',
    address: '905 Old Mill Parkway, Oakhaven, NC 27999',
    phone: '(555) 019-3306',
  },
];

export const HOSPITALS: readonly Facility[] = [
  {
    name: 'North Fenwick Medical Center',
    address: '2200 Lakeshore Boulevard, Fenwick, OH 43999',
    phone: '(555) 011-6000',
  },
  {
    name: 'Cedar Hollow Regional Hospital',
    address: '450 Hospital Drive, Cedar Hollow, KY 40999',
    phone: '(555) 013-9100',
  },
  {
    name: 'St. Aldric Memorial Hospital',
    address: '1 Aldric Plaza, Port Wescott, ME 04999',
    phone: '(555) 017-2500',
  },
  {
    name: 'Brackenridge County Hospital',
    address: '77 County Road 12, Brackenridge, TX 78999',
    phone: '(555) 018-4040',
  },
];

export const LABORATORIES: readonly Facility[] = [
  {
    name: 'Brightwater Diagnostics Laboratory',
    address: '640 Commerce Way, Fenwick, OH 43999',
    phone: '(555) 015-8800',
  },
  {
    name: 'Quillfield Clinical Labs',
    address: '12 Innovation Drive, Millbrook Falls, PA 19999',
    phone: '(555) 010-9911',
  },
  {
    name: 'Meridian Reference Laboratories',
    address: '3300 Meridian Avenue, Eastmere, CO 80999',
    phone: '(555) 019-5151',
  },
];

/** Physician name parts: invented, shared by every document type. */
export const PHYSICIAN_FIRST_NAMES = [
  'Miriam',
  'Tobias',
  'Anneliese',
  'Rashid',
  'Corinne',
  'Lucian',
  'Imogen',
  'Desmond',
  'Priyanka',
  'Magnus',
  'Beatrix',
  'Emeka',
] as const;

export const PHYSICIAN_LAST_NAMES = [
  'Okafor-Lind',
  'Vellacott',
  'Haverford',
  'Solberg',
  'Tremaine',
  'Achterberg',
  'Mbeki-Rowe',
  'Fairclough',
  'Ramaswamy',
  'Lindgren',
  'Castellane',
  'Whitlock',
] as const;

export const CREDENTIALS = ['MD', 'MD', 'MD', 'DO'] as const;

/** How often a dose is taken, as an abbreviation and in words. */
export interface Frequency {
  readonly abbreviation: string;
  readonly words: string;
}

export const DAILY: Frequency = { abbreviation: 'daily', words: 'once daily' };
export const BID: Frequency = { abbreviation: 'BID', words: 'twice daily' };
export const TID: Frequency = { abbreviation: 'TID', words: 'three times daily' };
export const QHS: Frequency = { abbreviation: 'QHS', words: 'at bedtime' };
export const WEEKLY: Frequency = { abbreviation: 'weekly', words: 'once weekly' };
export const PRN: Frequency = { abbreviation: 'PRN', words: 'as needed' };
export const Q6H_PRN: Frequency = { abbreviation: 'q6h PRN', words: 'every 6 hours as needed' };

/** A medication the generator can prescribe. */
export interface MedicationOption {
  readonly name: string;
  readonly doses: readonly string[];
  readonly frequency: Frequency;
}

/** A condition with its ICD-10-CM code, descriptions and typical treatment. */
export interface Condition {
  readonly key: string;
  readonly icd10: string;
  /** ICD-10-CM long description. */
  readonly official: string;
  /** How clinicians usually write it. */
  readonly common: string;
  readonly medications: readonly MedicationOption[];
}

export const CONDITIONS: readonly Condition[] = [
  {
    key: 'diabetes',
    icd10: 'E11.9',
    official: 'Type 2 diabetes mellitus without complications',
    common: 'Type 2 diabetes mellitus',
    medications: [
      { name: 'Metformin', doses: ['500 mg', '1000 mg'], frequency: BID },
      { name: 'Empagliflozin', doses: ['10 mg', '25 mg'], frequency: DAILY },
    ],
  },
  {
    key: 'hypertension',
    icd10: 'I10',
    official: 'Essential (primary) hypertension',
    common: 'Essential hypertension',
    medications: [
      { name: 'Lisinopril', doses: ['10 mg', '20 mg', '40 mg'], frequency: DAILY },
      { name: 'Amlodipine', doses: ['5 mg', '10 mg'], frequency: DAILY },
      { name: 'Hydrochlorothiazide', doses: ['12.5 mg', '25 mg'], frequency: DAILY },
    ],
  },
  {
    key: 'hyperlipidemia',
    icd10: 'E78.5',
    official: 'Hyperlipidemia, unspecified',
    common: 'Hyperlipidemia',
    medications: [
      { name: 'Atorvastatin', doses: ['20 mg', '40 mg'], frequency: QHS },
      { name: 'Rosuvastatin', doses: ['10 mg', '20 mg'], frequency: DAILY },
    ],
  },
  {
    key: 'asthma',
    icd10: 'J45.909',
    official: 'Unspecified asthma, uncomplicated',
    common: 'Asthma',
    medications: [
      { name: 'Albuterol HFA', doses: ['90 mcg/actuation, 2 puffs'], frequency: Q6H_PRN },
      { name: 'Fluticasone HFA', doses: ['110 mcg, 2 puffs'], frequency: BID },
    ],
  },
  {
    key: 'depression',
    icd10: 'F32.9',
    official: 'Major depressive disorder, single episode, unspecified',
    common: 'Depression',
    medications: [
      { name: 'Sertraline', doses: ['50 mg', '100 mg'], frequency: DAILY },
      { name: 'Escitalopram', doses: ['10 mg', '20 mg'], frequency: DAILY },
    ],
  },
  {
    key: 'sleep-apnea',
    icd10: 'G47.33',
    official: 'Obstructive sleep apnea (adult) (pediatric)',
    common: 'Obstructive sleep apnea',
    medications: [],
  },
  {
    key: 'obesity',
    icd10: 'E66.9',
    official: 'Obesity, unspecified',
    common: 'Obesity',
    medications: [{ name: 'Semaglutide', doses: ['0.5 mg', '1 mg'], frequency: WEEKLY }],
  },
  {
    key: 'gerd',
    icd10: 'K21.9',
    official: 'Gastro-esophageal reflux disease without esophagitis',
    common: 'GERD',
    medications: [
      { name: 'Omeprazole', doses: ['20 mg', '40 mg'], frequency: DAILY },
      { name: 'Pantoprazole', doses: ['40 mg'], frequency: DAILY },
    ],
  },
  {
    key: 'low-back-pain',
    icd10: 'M54.50',
    official: 'Low back pain, unspecified',
    common: 'Low back pain',
    medications: [
      { name: 'Ibuprofen', doses: ['600 mg'], frequency: TID },
      { name: 'Cyclobenzaprine', doses: ['10 mg'], frequency: QHS },
    ],
  },
  {
    key: 'cad',
    icd10: 'I25.10',
    official: 'Atherosclerotic heart disease of native coronary artery without angina pectoris',
    common: 'Coronary artery disease',
    medications: [
      { name: 'Aspirin', doses: ['81 mg'], frequency: DAILY },
      { name: 'Metoprolol succinate', doses: ['25 mg', '50 mg'], frequency: DAILY },
    ],
  },
  {
    key: 'hypothyroidism',
    icd10: 'E03.9',
    official: 'Hypothyroidism, unspecified',
    common: 'Hypothyroidism',
    medications: [
      { name: 'Levothyroxine', doses: ['50 mcg', '75 mcg', '100 mcg'], frequency: DAILY },
    ],
  },
  {
    key: 'anxiety',
    icd10: 'F41.1',
    official: 'Generalized anxiety disorder',
    common: 'Generalized anxiety disorder',
    medications: [{ name: 'Buspirone', doses: ['10 mg', '15 mg'], frequency: BID }],
  },
  {
    key: 'atrial-fibrillation',
    icd10: 'I48.91',
    official: 'Unspecified atrial fibrillation',
    common: 'Atrial fibrillation',
    medications: [{ name: 'Apixaban', doses: ['5 mg'], frequency: BID }],
  },
  {
    key: 'osteoarthritis',
    icd10: 'M17.11',
    official: 'Unilateral primary osteoarthritis, right knee',
    common: 'Osteoarthritis of right knee',
    medications: [{ name: 'Acetaminophen', doses: ['500 mg', '650 mg'], frequency: Q6H_PRN }],
  },
  {
    key: 'vitamin-d-deficiency',
    icd10: 'E55.9',
    official: 'Vitamin D deficiency, unspecified',
    common: 'Vitamin D deficiency',
    medications: [{ name: 'Cholecalciferol', doses: ['2000 IU'], frequency: DAILY }],
  },
];

/** Conditions mentioned only as family history: never part of the truth. */
export const FAMILY_HISTORY = [
  'father with coronary artery disease diagnosed at 58',
  'mother with type 2 diabetes',
  'a sister with breast cancer',
  'a brother with hypertension',
  'maternal grandmother with stroke in her seventies',
  'no premature cardiac death',
] as const;

export const ALLERGENS = [
  'Penicillin',
  'Sulfa drugs',
  'Codeine',
  'Latex',
  'Shellfish',
  'Amoxicillin',
  'Iodinated contrast',
  'Morphine',
] as const;

export const REACTIONS = ['Rash', 'Hives', 'Nausea', 'Swelling', 'Anaphylaxis', 'Itching'] as const;

/** A reference range: `low`/`high` bound the normal values; `text` is how it is printed. */
export interface ReferenceRange {
  readonly low: number | null;
  readonly high: number | null;
  readonly text: string;
}

/** A laboratory test in one unit system. */
export interface LabTest {
  readonly key: string;
  readonly name: string;
  readonly unit: string;
  readonly decimals: number;
  readonly range: ReferenceRange;
  /** Range of values drawn for a healthy patient (may stray slightly outside the reference range). */
  readonly typical: readonly [number, number];
  /** Only men (PSA) or sex-specific range for women. */
  readonly femaleRange?: ReferenceRange;
  readonly maleOnly?: boolean;
}

const range = (low: number | null, high: number | null, text: string): ReferenceRange => ({
  low,
  high,
  text,
});

export const LAB_TESTS: Readonly<Record<string, LabTest>> = {
  hba1c: {
    key: 'hba1c',
    name: 'Hemoglobin A1c',
    unit: '%',
    decimals: 1,
    range: range(4.0, 5.6, '4.0-5.6'),
    typical: [4.8, 5.7],
  },
  glucose: {
    key: 'glucose',
    name: 'Glucose, fasting',
    unit: 'mg/dL',
    decimals: 0,
    range: range(70, 99, '70-99'),
    typical: [72, 104],
  },
  glucoseSi: {
    key: 'glucoseSi',
    name: 'Glucose, fasting',
    unit: 'mmol/L',
    decimals: 1,
    range: range(3.9, 5.5, '3.9-5.5'),
    typical: [4.0, 5.8],
  },
  cholesterol: {
    key: 'cholesterol',
    name: 'Cholesterol, Total',
    unit: 'mg/dL',
    decimals: 0,
    range: range(100, 199, '100-199'),
    typical: [150, 215],
  },
  triglycerides: {
    key: 'triglycerides',
    name: 'Triglycerides',
    unit: 'mg/dL',
    decimals: 0,
    range: range(0, 149, '0-149'),
    typical: [60, 170],
  },
  hdl: {
    key: 'hdl',
    name: 'HDL Cholesterol',
    unit: 'mg/dL',
    decimals: 0,
    range: range(40, null, '>39'),
    typical: [36, 75],
  },
  ldl: {
    key: 'ldl',
    name: 'LDL Cholesterol Calc',
    unit: 'mg/dL',
    decimals: 0,
    range: range(0, 99, '0-99'),
    typical: [65, 115],
  },
  bun: {
    key: 'bun',
    name: 'BUN',
    unit: 'mg/dL',
    decimals: 0,
    range: range(6, 24, '6-24'),
    typical: [8, 22],
  },
  creatinine: {
    key: 'creatinine',
    name: 'Creatinine',
    unit: 'mg/dL',
    decimals: 2,
    range: range(0.76, 1.27, '0.76-1.27'),
    femaleRange: range(0.57, 1.0, '0.57-1.00'),
    typical: [0.62, 1.18],
  },
  egfr: {
    key: 'egfr',
    name: 'eGFR',
    unit: 'mL/min/1.73',
    decimals: 0,
    range: range(60, null, '>59'),
    typical: [64, 112],
  },
  sodium: {
    key: 'sodium',
    name: 'Sodium',
    unit: 'mmol/L',
    decimals: 0,
    range: range(134, 144, '134-144'),
    typical: [135, 143],
  },
  potassium: {
    key: 'potassium',
    name: 'Potassium',
    unit: 'mmol/L',
    decimals: 1,
    range: range(3.5, 5.2, '3.5-5.2'),
    typical: [3.6, 5.1],
  },
  chloride: {
    key: 'chloride',
    name: 'Chloride',
    unit: 'mmol/L',
    decimals: 0,
    range: range(96, 106, '96-106'),
    typical: [97, 105],
  },
  calcium: {
    key: 'calcium',
    name: 'Calcium',
    unit: 'mg/dL',
    decimals: 1,
    range: range(8.7, 10.2, '8.7-10.2'),
    typical: [8.8, 10.1],
  },
  albumin: {
    key: 'albumin',
    name: 'Albumin',
    unit: 'g/dL',
    decimals: 1,
    range: range(3.8, 4.9, '3.8-4.9'),
    typical: [3.9, 4.8],
  },
  bilirubin: {
    key: 'bilirubin',
    name: 'Bilirubin, Total',
    unit: 'mg/dL',
    decimals: 1,
    range: range(0.0, 1.2, '0.0-1.2'),
    typical: [0.2, 1.1],
  },
  alp: {
    key: 'alp',
    name: 'Alkaline Phosphatase',
    unit: 'IU/L',
    decimals: 0,
    range: range(44, 121, '44-121'),
    typical: [50, 118],
  },
  ast: {
    key: 'ast',
    name: 'AST (SGOT)',
    unit: 'IU/L',
    decimals: 0,
    range: range(0, 40, '0-40'),
    typical: [14, 44],
  },
  alt: {
    key: 'alt',
    name: 'ALT (SGPT)',
    unit: 'IU/L',
    decimals: 0,
    range: range(0, 44, '0-44'),
    femaleRange: range(0, 32, '0-32'),
    typical: [11, 38],
  },
  tsh: {
    key: 'tsh',
    name: 'TSH',
    unit: 'uIU/mL',
    decimals: 3,
    range: range(0.45, 4.5, '0.450-4.500'),
    typical: [0.8, 3.9],
  },
  hemoglobin: {
    key: 'hemoglobin',
    name: 'Hemoglobin',
    unit: 'g/dL',
    decimals: 1,
    range: range(13.0, 17.7, '13.0-17.7'),
    femaleRange: range(11.1, 15.9, '11.1-15.9'),
    typical: [12.2, 15.4],
  },
  hematocrit: {
    key: 'hematocrit',
    name: 'Hematocrit',
    unit: '%',
    decimals: 1,
    range: range(37.5, 51.0, '37.5-51.0'),
    femaleRange: range(34.0, 46.6, '34.0-46.6'),
    typical: [36.5, 45.5],
  },
  wbc: {
    key: 'wbc',
    name: 'WBC',
    unit: 'x10E3/uL',
    decimals: 1,
    range: range(3.4, 10.8, '3.4-10.8'),
    typical: [4.1, 10.2],
  },
  platelets: {
    key: 'platelets',
    name: 'Platelets',
    unit: 'x10E3/uL',
    decimals: 0,
    range: range(150, 450, '150-450'),
    typical: [170, 410],
  },
  mcv: {
    key: 'mcv',
    name: 'MCV',
    unit: 'fL',
    decimals: 0,
    range: range(79, 97, '79-97'),
    typical: [81, 96],
  },
  vitaminD: {
    key: 'vitaminD',
    name: 'Vitamin D, 25-Hydroxy',
    unit: 'ng/mL',
    decimals: 1,
    range: range(30.0, 100.0, '30.0-100.0'),
    typical: [24.0, 58.0],
  },
  microalbumin: {
    key: 'microalbumin',
    name: 'Microalbumin/Creatinine Ratio',
    unit: 'mg/g creat',
    decimals: 0,
    range: range(0, 29, '0-29'),
    typical: [3, 26],
  },
  psa: {
    key: 'psa',
    name: 'PSA',
    unit: 'ng/mL',
    decimals: 1,
    range: range(0.0, 4.0, '0.0-4.0'),
    typical: [0.3, 3.2],
    maleOnly: true,
  },
};

/** Lab panels as ordered on a requisition. */
export const LAB_PANELS: readonly { readonly title: string; readonly tests: readonly string[] }[] =
  [
    { title: 'Lipid Panel', tests: ['cholesterol', 'triglycerides', 'hdl', 'ldl'] },
    {
      title: 'Comprehensive Metabolic Panel (14)',
      tests: [
        'glucose',
        'bun',
        'creatinine',
        'egfr',
        'sodium',
        'potassium',
        'chloride',
        'calcium',
        'albumin',
        'bilirubin',
        'alp',
        'ast',
        'alt',
      ],
    },
    { title: 'CBC', tests: ['wbc', 'hemoglobin', 'hematocrit', 'mcv', 'platelets'] },
    { title: 'Hemoglobin A1c', tests: ['hba1c'] },
    { title: 'Thyroid Stimulating Hormone', tests: ['tsh'] },
    { title: 'Vitamin D, 25-Hydroxy', tests: ['vitaminD'] },
    { title: 'Microalbumin, Urine', tests: ['microalbumin'] },
    { title: 'Prostate-Specific Antigen', tests: ['psa'] },
  ];

/** Interpretive comments printed under some lab panels. */
export const LAB_COMMENTS = [
  'Results were reviewed by the laboratory director. Values outside the reference interval are flagged.',
  'Specimen received at ambient temperature within the stability window. No hemolysis or lipemia was observed.',
  'Reference intervals are method and population specific and were verified by this laboratory.',
  'For patients receiving biotin supplements, some immunoassay results may be falsely altered; consider holding biotin before collection.',
  'A1c of 5.7 to 6.4 percent indicates increased risk for diabetes; 6.5 percent or greater is consistent with diabetes when confirmed.',
  'Desirable LDL cholesterol targets depend on overall cardiovascular risk; interpret alongside clinical history.',
] as const;

/**
 * Generic sentences that pad documents, as boilerplate pads real records.
 * Filler paragraphs are drawn from these, so no two documents pad alike.
 */
export const FILLER_SENTENCES = [
  'This record has been released in response to a signed authorization on file.',
  'The information is limited to the minimum necessary to respond to the request and may not be redisclosed without further written consent.',
  'This summary reflects the clinical information available at the time of dictation.',
  'Addenda, corrections and late entries, if any, are filed separately and are available on request from the records department.',
  'Patient education was provided regarding diet, regular physical activity and adherence to the prescribed regimen.',
  'The patient verbalized understanding and agreed with the plan of care.',
  'The importance of routine preventive care, including age-appropriate cancer screening and immunizations, was reviewed.',
  'Educational handouts were provided and reviewed at the visit.',
  'Medication reconciliation was completed at this encounter.',
  'The patient was instructed to bring all current medications, including over-the-counter products and supplements, to every visit.',
  'Records from outside providers were requested and will be reviewed when received.',
  'The patient was advised to call emergency services for chest pain, shortness of breath or sudden weakness.',
  'This document was transcribed from dictation and reviewed for accuracy; minor typographical errors may remain.',
  'Please contact the office if any part of this record is unclear.',
  'Advance care planning was discussed briefly and written information about health care proxy designation was offered.',
  'Return precautions were reviewed in detail, including warning signs that should prompt an urgent evaluation.',
  'The patient had the opportunity to ask questions and all questions were answered.',
  'Billing and coding are provided for administrative purposes only and do not replace the clinical narrative.',
  'Time spent on this encounter included review of prior records and coordination with other clinicians.',
  'The patient reports walking several times per week and is working on reducing sugary beverages.',
  'Influenza vaccination is up to date for the current season.',
  'Colon cancer screening status was discussed and will be addressed at the next preventive visit.',
  'Review of systems was otherwise negative in all other systems reviewed.',
  'No recent travel, sick contacts or new exposures were reported.',
  'Home safety, seat belt use and smoke detectors were reviewed.',
  'The patient uses a pill organizer and reports missing doses rarely.',
  'Dental and vision examinations are reportedly current.',
  'Sleep hygiene measures were discussed, including a regular bedtime and limiting screens before sleep.',
  'Nutrition counseling focused on portion size, fiber intake and limiting processed foods.',
  'Prior authorization requirements for the current regimen were reviewed with the pharmacy.',
  'The patient declined a chaperone for the examination.',
  'An interpreter was offered and declined; the visit was conducted in English.',
  'Copies of this record are provided to the patient on request through the patient portal.',
  'The patient consents to the release of this information to the named insurer for underwriting purposes.',
  'Outside imaging reports were reviewed and are filed in the chart.',
  'Care gaps identified at this visit were communicated to the care coordination team.',
  'Questions about this record should be directed to the health information management department.',
  'Vaccination history was reconciled with the state immunization registry.',
  'Screening for depression and anxiety was completed using standard questionnaires.',
  'Fall risk screening was negative.',
] as const;

/** A reason for a hospital stay, with the story a discharge summary tells about it. */
export interface AcuteCondition {
  readonly icd10: string;
  readonly official: string;
  readonly common: string;
  /** Completes "...who presented with". */
  readonly presentation: string;
  /** Hospital course sentences. */
  readonly course: string;
  /** A short course of treatment continued after discharge, if any. */
  readonly dischargeMedication: MedicationOption | null;
}

export const ACUTE_CONDITIONS: readonly AcuteCondition[] = [
  {
    icd10: 'J18.9',
    official: 'Pneumonia, unspecified organism',
    common: 'Community-acquired pneumonia',
    presentation: 'three days of fever, productive cough and pleuritic chest pain',
    course:
      'Chest radiograph showed a right lower lobe infiltrate. Blood cultures remained negative. The patient was treated with intravenous ceftriaxone and azithromycin, defervesced within 48 hours and was transitioned to oral antibiotics.',
    dischargeMedication: { name: 'Amoxicillin-clavulanate', doses: ['875 mg'], frequency: BID },
  },
  {
    icd10: 'R07.9',
    official: 'Chest pain, unspecified',
    common: 'Chest pain, acute coronary syndrome ruled out',
    presentation: 'substernal chest pressure at rest lasting about twenty minutes',
    course:
      'Serial troponins were negative and the electrocardiogram showed no acute ischemic changes. A stress echocardiogram the following morning was negative for inducible ischemia. Symptoms did not recur.',
    dischargeMedication: null,
  },
  {
    icd10: 'N39.0',
    official: 'Urinary tract infection, site not specified',
    common: 'Urinary tract infection',
    presentation: 'dysuria, urinary frequency and low-grade fever',
    course:
      'Urinalysis was consistent with infection and urine culture grew pan-sensitive E. coli. The patient improved on intravenous antibiotics and was switched to an oral agent.',
    dischargeMedication: {
      name: 'Cephalexin',
      doses: ['500 mg'],
      frequency: { abbreviation: 'QID', words: 'four times daily' },
    },
  },
  {
    icd10: 'K35.80',
    official: 'Unspecified acute appendicitis',
    common: 'Acute appendicitis',
    presentation: 'periumbilical pain migrating to the right lower quadrant with nausea',
    course:
      'CT of the abdomen confirmed uncomplicated appendicitis. The patient underwent laparoscopic appendectomy on the day of admission without complication and tolerated a regular diet on postoperative day one.',
    dischargeMedication: {
      name: 'Oxycodone',
      doses: ['5 mg'],
      frequency: { abbreviation: 'q6h PRN', words: 'every 6 hours as needed' },
    },
  },
  {
    icd10: 'A08.4',
    official: 'Viral intestinal infection, unspecified',
    common: 'Viral gastroenteritis',
    presentation: 'two days of vomiting and diarrhea with lightheadedness',
    course:
      'The patient was found to be volume depleted and received intravenous fluids and antiemetics. Stool studies were unremarkable. Oral intake recovered by the second hospital day.',
    dischargeMedication: {
      name: 'Ondansetron',
      doses: ['4 mg'],
      frequency: { abbreviation: 'q8h PRN', words: 'every 8 hours as needed' },
    },
  },
  {
    icd10: 'L03.115',
    official: 'Cellulitis of right lower limb',
    common: 'Cellulitis of the right lower leg',
    presentation: 'spreading redness, warmth and swelling of the right lower leg',
    course:
      'Ultrasound excluded deep vein thrombosis. The erythema receded on intravenous cefazolin and the patient was transitioned to oral therapy to complete a ten-day course.',
    dischargeMedication: {
      name: 'Cephalexin',
      doses: ['500 mg'],
      frequency: { abbreviation: 'QID', words: 'four times daily' },
    },
  },
];

/** Narrative names of lab tests a discharge summary mentions in prose. */
export const NARRATIVE_LAB_NAMES: Readonly<Record<string, string>> = {
  hba1c: 'hemoglobin A1c',
  ldl: 'LDL cholesterol',
  creatinine: 'creatinine',
  hemoglobin: 'hemoglobin',
  potassium: 'potassium',
  wbc: 'white blood cell count',
  tsh: 'TSH',
};
