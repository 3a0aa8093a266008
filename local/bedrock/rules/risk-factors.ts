/**
 * Derives underwriting risk factors from what the other rules found, each with
 * the short printed phrase that triggered it. Fixed thresholds, no weighting.
 */
import type { Severity, TobaccoUse } from '#core/extraction/extraction.ts';
import { shortPhrase } from './text.ts';

/** One risk factor with its trigger phrase. */
export interface FoundRiskFactor {
  readonly factor: string;
  readonly severity: Severity;
  readonly evidence: string | null;
}

/** What the risk rules look at. */
export interface RiskInputs {
  readonly diagnoses: readonly { readonly description: string; readonly icd10: string | null }[];
  readonly labs: readonly {
    readonly test: string;
    readonly value: number | string;
    readonly unit: string | null;
  }[];
  readonly bloodPressure: string | null;
  readonly bloodPressureEvidence: string | null;
  readonly bmi: number | null;
  readonly bmiEvidence: string | null;
  readonly tobaccoUse: TobaccoUse | null;
  readonly tobaccoEvidence: string | null;
}

interface DiagnosisRule {
  readonly factor: string;
  readonly severity: Severity;
  readonly description: RegExp;
  readonly exclude?: RegExp;
  readonly icd10: RegExp;
}

const DIABETES: DiagnosisRule = {
  factor: 'diabetes',
  severity: 'moderate',
  description: /\bdiabet(?:es|ic)\b|\b(?:t1dm|t2dm|iddm|niddm|dm\s*(?:type\s*)?(?:1|2|ii|i))\b/i,
  exclude: /\bpre-?\s*diabet|\bgestational\b|\binsipidus\b|\bborderline\b|\brisk\s+of\b/i,
  icd10: /^E1[0-13]\b/,
};
const HYPERTENSION: DiagnosisRule = {
  factor: 'hypertension',
  severity: 'moderate',
  description: /\bhypertension\b|\bhtn\b|\bhigh\s+blood\s+pressure\b/i,
  exclude: /\b(?:pulmonary|portal|intracranial|ocular|gestational)\s+hypertension\b/i,
  icd10: /^I1[0-6]\b/,
};
const CORONARY: DiagnosisRule = {
  factor: 'coronary artery disease',
  severity: 'high',
  description:
    /\bcoronary\s+(?:artery|heart)\s+disease\b|\bcad\b|\bmyocardial\s+infarction\b|\b(?:n?stemi|mi)\b|\bischemic\s+heart\s+disease\b|\bcoronary\s+atherosclerosis\b|\bashd\b/i,
  icd10: /^I2[0-5]\b/,
};

// Only when no BMI is stated: a stated BMI under 30 outranks an old obesity diagnosis.
const OBESITY: DiagnosisRule = {
  factor: 'obesity',
  severity: 'moderate',
  description: /\bobes(?:e|ity)\b/i,
  exclude: /\boverweight\b|\bnon-?obese\b/i,
  icd10: /^E66\b/,
};

const HBA1C =
  /\b(?:hb\s*a1c|hemoglobin\s*a1c|haemoglobin\s*a1c|a1c|glycated\s+h(?:a)?emoglobin|glycosylated\s+h(?:a)?emoglobin)\b/i;

function diagnosisTrigger(inputs: RiskInputs, rule: DiagnosisRule): string | null {
  for (const diagnosis of inputs.diagnoses) {
    const code = diagnosis.icd10 ?? '';
    const text = diagnosis.description;
    if (rule.exclude?.test(text)) continue;
    if (rule.description.test(text) || rule.icd10.test(code)) return shortPhrase(text);
  }
  return null;
}

function highHba1c(inputs: RiskInputs): string | null {
  for (const lab of inputs.labs) {
    if (HBA1C.test(lab.test) && typeof lab.value === 'number' && lab.value >= 6.5) {
      return shortPhrase(`${lab.test} ${lab.value}${lab.unit === null ? '' : ` ${lab.unit}`}`);
    }
  }
  return null;
}

function highBloodPressure(inputs: RiskInputs): boolean {
  const [systolic, diastolic] = (inputs.bloodPressure ?? '').split('/').map(Number);
  return (systolic ?? 0) >= 140 || (diastolic ?? 0) >= 90;
}

/**
 * Risk factors, in a fixed order: tobacco use (current high, former low),
 * obesity (stated BMI >= 40 high, >= 30 moderate; with no BMI stated, an
 * obesity diagnosis moderate), diabetes (HbA1c >= 6.5 or diagnosis),
 * hypertension (BP >= 140/90 or diagnosis), coronary artery disease or
 * myocardial infarction (diagnosis, high).
 */
export function deriveRiskFactors(inputs: RiskInputs): FoundRiskFactor[] {
  const factors: FoundRiskFactor[] = [];
  if (inputs.tobaccoUse === 'current' || inputs.tobaccoUse === 'former') {
    factors.push({
      factor: 'tobacco use',
      severity: inputs.tobaccoUse === 'current' ? 'high' : 'low',
      evidence: inputs.tobaccoEvidence,
    });
  }
  if (inputs.bmi !== null && inputs.bmi >= 30) {
    factors.push({
      factor: OBESITY.factor,
      severity: inputs.bmi >= 40 ? 'high' : 'moderate',
      evidence: inputs.bmiEvidence,
    });
  } else if (inputs.bmi === null) {
    const obesity = diagnosisTrigger(inputs, OBESITY);
    if (obesity !== null) {
      factors.push({ factor: OBESITY.factor, severity: OBESITY.severity, evidence: obesity });
    }
  }
  // A measurement is the more specific evidence, so it is quoted before a diagnosis.
  const diabetes = highHba1c(inputs) ?? diagnosisTrigger(inputs, DIABETES);
  if (diabetes !== null) {
    factors.push({ factor: DIABETES.factor, severity: DIABETES.severity, evidence: diabetes });
  }
  const hypertension =
    (highBloodPressure(inputs) ? inputs.bloodPressureEvidence : null) ??
    diagnosisTrigger(inputs, HYPERTENSION);
  if (hypertension !== null) {
    factors.push({
      factor: HYPERTENSION.factor,
      severity: HYPERTENSION.severity,
      evidence: hypertension,
    });
  }
  const coronary = diagnosisTrigger(inputs, CORONARY);
  if (coronary !== null) {
    factors.push({ factor: CORONARY.factor, severity: CORONARY.severity, evidence: coronary });
  }
  return factors;
}
