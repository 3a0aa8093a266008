/**
 * The review verdict for one document: a flag per required field that is
 * missing (MISSING_REQUIRED), per value whose evidence was not found
 * (UNGROUNDED), and per value whose confidence is under its field's
 * threshold (LOW_CONFIDENCE). Thresholds come from the prompt version's
 * metadata (`reviewThreshold` of the field, or of its section), else
 * DEFAULT_REVIEW_THRESHOLD. A document needs review when any flag is raised.
 */
import { specKey } from './paths.ts';

/** Threshold for fields whose metadata sets none. */
export const DEFAULT_REVIEW_THRESHOLD = 0.5;

export interface ReviewFlag {
  readonly path: string;
  readonly reason: 'MISSING_REQUIRED' | 'UNGROUNDED' | 'LOW_CONFIDENCE';
  readonly confidence: number | null;
  readonly threshold: number | null;
}

export interface ReviewAssessment {
  readonly required: boolean;
  readonly flags: ReviewFlag[];
}

/** Metadata field settings the assessment reads. */
export type FieldThresholds = Readonly<Record<string, { readonly reviewThreshold?: number }>>;

/** The threshold for a leaf path: its own key, then each shorter prefix, then the default. */
export const thresholdFor = (fields: FieldThresholds, path: string): number => {
  const segments = specKey(path).split('.');
  for (let length = segments.length; length > 0; length -= 1) {
    const threshold = fields[segments.slice(0, length).join('.')]?.reviewThreshold;
    if (threshold !== undefined) return threshold;
  }
  return DEFAULT_REVIEW_THRESHOLD;
};

export interface AssessInput {
  readonly fields: FieldThresholds;
  /** Required metadata keys that are absent from the extraction. */
  readonly missingRequired: readonly string[];
  readonly values: readonly {
    readonly path: string;
    readonly grounded: boolean;
    readonly confidence: number;
  }[];
}

export const assessReview = (input: AssessInput): ReviewAssessment => {
  const flags: ReviewFlag[] = input.missingRequired.map((path) => ({
    path,
    reason: 'MISSING_REQUIRED',
    confidence: null,
    threshold: null,
  }));
  for (const value of input.values) {
    if (!value.grounded) {
      flags.push({
        path: value.path,
        reason: 'UNGROUNDED',
        confidence: value.confidence,
        threshold: null,
      });
      continue;
    }
    const threshold = thresholdFor(input.fields, value.path);
    if (value.confidence < threshold) {
      flags.push({
        path: value.path,
        reason: 'LOW_CONFIDENCE',
        confidence: value.confidence,
        threshold,
      });
    }
  }
  return { required: flags.length > 0, flags };
};
