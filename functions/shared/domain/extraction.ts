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
