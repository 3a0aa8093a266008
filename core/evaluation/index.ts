/**
 * Public surface of the evaluation module: comparators, Hungarian matching,
 * per-field outcomes, summaries, the paired bootstrap and the layout-family
 * breakdown. Pure: no I/O.
 */

export {
  type BootstrapOptions,
  type BootstrapResult,
  type BootstrapVerdict,
  pairedBootstrap,
} from './bootstrap.ts';
export {
  compareItem,
  compareObjects,
  compareValues,
  fuzzySimilarity,
  type ItemComparator,
  isEmpty,
  matchLists,
  type ObjectComparators,
  passThreshold,
} from './comparators.ts';
export {
  breakdownByLayout,
  type FamilyScores,
  familyScoresFromCounts,
  fieldsSideBySide,
  type LayoutBreakdown,
  type LayoutDocument,
  type LayoutRecord,
  type LayoutSplit,
  parseLayoutRecord,
  UNLABELLED,
} from './families.ts';
export { type AssignedPair, type Assignment, solveAssignment } from './hungarian.ts';
export {
  type DocumentSummary,
  type EvaluationSummary,
  type FieldSummary,
  microF1,
  type Scores,
  scores,
  summarise,
} from './metrics.ts';
export {
  addCounts,
  type DocumentEvaluation,
  documentCounts,
  evaluateDocument,
  type FieldOutcome,
  NO_OUTCOMES,
  type OutcomeCounts,
  scoreList,
  scoreValue,
} from './outcomes.ts';
