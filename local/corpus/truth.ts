/**
 * Ground truth of a generated document in the canonical v2.0.0 shape, and the
 * underwriting risk factors derived from it. Risk factors are computed from
 * the truth itself, so every factor rests on something the document prints:
 *
 * - tobacco: current smoker -> high; former smoker -> low;
 * - obesity: stated BMI >= 40 -> high, >= 30 -> moderate; without a BMI, an
 *   obesity diagnosis -> moderate;
 * - diabetes: HbA1c >= 6.5 % or a type 2 diabetes diagnosis -> moderate;
 * - hypertension: blood pressure >= 140 systolic or >= 90 diastolic, or an
 *   essential hypertension diagnosis -> moderate;
 * - coronary artery disease diagnosis -> high.
 */

import {
  CANONICAL_SECTIONS,
  type DocumentType,
  type Extraction,
} from '#core/extraction/extraction.ts';

/** A truth file: every v2.0.0 section present (null / [] when not stated). */
export type Truth = Required<Extraction>;

/** Document types the generator produces. */
export type CorpusDocumentType = Exclude<DocumentType, 'other'>;

/** A value as the document prints it, for checking the PDF text against the truth. */
export interface PrintedForm {
  /** Dotted truth path, e.g. `patient.dateOfBirth` or `labs`. */
  readonly path: string;
  readonly text: string;
}

/** The phrases a document prints that risk factors quote as evidence. */
export interface RiskEvidence {
  readonly tobacco: string | null;
}

type RiskFactor = Truth['riskFactors'][number];

const HBA1C_NAME = /a1c/i;
const DIABETES = /^E11\./;

function bloodPressure(text: string | null): { systolic: number; diastolic: number } | null {
  const match = text === null ? null : /^(\d+)\/(\d+)$/.exec(text);
  return match ? { systolic: Number(match[1]), diastolic: Number(match[2]) } : null;
}

function diagnosisWith(truth: Truth, code: RegExp): Truth['diagnoses'][number] | undefined {
  return truth.diagnoses.find((diagnosis) => diagnosis.icd10 != null && code.test(diagnosis.icd10));
}

/** Underwriting risk factors supported by the truth (rules in the module header). */
export function deriveRiskFactors(truth: Truth, evidence: RiskEvidence): RiskFactor[] {
  const factors: RiskFactor[] = [];
  const tobacco = truth.socialHistory.tobaccoUse;
  if (tobacco === 'current' || tobacco === 'former') {
    factors.push({
      factor: 'tobacco use',
      severity: tobacco === 'current' ? 'high' : 'low',
      evidence: evidence.tobacco,
    });
  }

  const bmi = truth.vitals.bmi;
  const obesity = diagnosisWith(truth, /^E66\./);
  if (bmi !== null && bmi >= 30) {
    factors.push({
      factor: 'obesity',
      severity: bmi >= 40 ? 'high' : 'moderate',
      evidence: `BMI ${bmi}`,
    });
  } else if (bmi === null && obesity !== undefined) {
    factors.push({ factor: 'obesity', severity: 'moderate', evidence: obesity.description });
  }

  const hba1c = truth.labs.find(
    (lab) => HBA1C_NAME.test(lab.test) && typeof lab.value === 'number',
  );
  const diabetes = diagnosisWith(truth, DIABETES);
  if (hba1c !== undefined && typeof hba1c.value === 'number' && hba1c.value >= 6.5) {
    factors.push({
      factor: 'diabetes',
      severity: 'moderate',
      evidence: `${hba1c.test} ${hba1c.value} ${hba1c.unit ?? ''}`.trim(),
    });
  } else if (diabetes !== undefined) {
    factors.push({ factor: 'diabetes', severity: 'moderate', evidence: diabetes.description });
  }

  const pressure = bloodPressure(truth.vitals.bloodPressure);
  const hypertension = diagnosisWith(truth, /^I10$/);
  if (pressure !== null && (pressure.systolic >= 140 || pressure.diastolic >= 90)) {
    factors.push({
      factor: 'hypertension',
      severity: 'moderate',
      evidence: `BP ${truth.vitals.bloodPressure}`,
    });
  } else if (hypertension !== undefined) {
    factors.push({
      factor: 'hypertension',
      severity: 'moderate',
      evidence: hypertension.description,
    });
  }

  const cad = diagnosisWith(truth, /^I25\./);
  if (cad !== undefined) {
    factors.push({
      factor: 'coronary artery disease',
      severity: 'high',
      evidence: cad.description,
    });
  }
  return factors;
}

/** Canonical top-level keys of a v2.0.0 truth file, in file order. */
export const TRUTH_KEYS = CANONICAL_SECTIONS;

/** Serialises a truth file: canonical key order, two-space indent, trailing newline. */
export function serialiseTruth(truth: Truth): string {
  const ordered = {
    patient: {
      name: truth.patient.name,
      dateOfBirth: truth.patient.dateOfBirth,
      sex: truth.patient.sex,
      mrn: truth.patient.mrn,
    },
    encounter: {
      dateOfService: truth.encounter.dateOfService,
      providerName: truth.encounter.providerName,
      facility: truth.encounter.facility,
      documentType: truth.encounter.documentType,
    },
    diagnoses: truth.diagnoses.map((d) => ({ description: d.description, icd10: d.icd10 ?? null })),
    medications: truth.medications.map((m) => ({
      name: m.name,
      dose: m.dose,
      frequency: m.frequency,
    })),
    allergies: truth.allergies,
    vitals: {
      bloodPressure: truth.vitals.bloodPressure,
      heartRate: truth.vitals.heartRate,
      heightCm: truth.vitals.heightCm,
      weightKg: truth.vitals.weightKg,
      bmi: truth.vitals.bmi,
    },
    labs: truth.labs.map((l) => ({ test: l.test, value: l.value, unit: l.unit, flag: l.flag })),
    socialHistory: {
      tobaccoUse: truth.socialHistory.tobaccoUse,
      packYears: truth.socialHistory.packYears,
    },
    riskFactors: truth.riskFactors.map((r) => ({
      factor: r.factor,
      severity: r.severity,
      evidence: r.evidence,
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
