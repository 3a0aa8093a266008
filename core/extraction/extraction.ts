/**
 * Canonical extraction fields (prompt version 2.0.0; earlier versions are
 * subsets). Values are normalised: ISO dates, cm, kg, coded enums. `null`
 * means the document does not state the value.
 */

export type Sex = 'F' | 'M' | 'X' | 'unknown';
export type DocumentType =
  | 'attending_physician_statement'
  | 'lab_report'
  | 'discharge_summary'
  | 'office_note'
  | 'other';
export type LabFlag = 'H' | 'L' | 'N';
export type TobaccoUse = 'current' | 'former' | 'never' | 'unknown';
export type Severity = 'low' | 'moderate' | 'high';

export interface Extraction {
  patient: {
    name: string | null;
    dateOfBirth: string | null;
    sex: Sex | null;
    mrn: string | null;
  };
  encounter: {
    dateOfService: string | null;
    providerName: string | null;
    facility: string | null;
    documentType: DocumentType | null;
  };
  diagnoses: { description: string; icd10?: string | null }[];
  medications: { name: string; dose: string | null; frequency: string | null }[];
  allergies?: string[];
  vitals?: {
    bloodPressure: string | null;
    heartRate: number | null;
    heightCm: number | null;
    weightKg: number | null;
    bmi: number | null;
  };
  labs?: {
    test: string;
    value: number | string | null;
    unit: string | null;
    flag: LabFlag | null;
  }[];
  socialHistory?: { tobaccoUse: TobaccoUse | null; packYears: number | null };
  riskFactors?: { factor: string; severity: Severity; evidence: string | null }[];
}

/** Top-level sections of the canonical extraction (prompt version 2.0.0), in schema order. */
export const CANONICAL_SECTIONS = [
  'patient',
  'encounter',
  'diagnoses',
  'medications',
  'allergies',
  'vitals',
  'labs',
  'socialHistory',
  'riskFactors',
] as const;
export type CanonicalSection = (typeof CANONICAL_SECTIONS)[number];

/** Every v2.0.0 field present and empty: what a document that states nothing yields. */
export const emptyExtraction = (): Required<Extraction> => ({
  patient: { name: null, dateOfBirth: null, sex: null, mrn: null },
  encounter: { dateOfService: null, providerName: null, facility: null, documentType: null },
  diagnoses: [],
  medications: [],
  allergies: [],
  vitals: { bloodPressure: null, heartRate: null, heightCm: null, weightKg: null, bmi: null },
  labs: [],
  socialHistory: { tobaccoUse: null, packYears: null },
  riskFactors: [],
});
