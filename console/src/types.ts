/**
 * The shapes of the API answers the console reads (a subset of the OpenAPI
 * document at /openapi.json).
 */
import type { ConfidenceMap, EvidenceMap, ReviewAssessment } from '../../contracts/evidence.ts';

export interface Upload {
  key: string;
  documentId: string;
  status:
    | 'RECEIVED'
    | 'PROCESSING'
    | 'SUCCEEDED'
    | 'NEEDS_REVIEW'
    | 'FAILED'
    | 'IGNORED'
    | 'SUPERSEDED'
    | string;
  reason: string | null;
  promptVersion: string | null;
  receivedAt: string;
  completedAt: string | null;
  attempt: number;
}

export interface StateVisit {
  name: string;
  type: string;
  enteredAt: string;
  exitedAt: string | null;
  durationMs: number | null;
  attempts: number;
  attemptErrors: string[];
  error: string | null;
}

export interface DocumentRecord extends Upload, DocumentGrounding {
  experimentId: string | null;
  arm: string | null;
  completeness: number | null;
  allRequiredPresent: boolean | null;
  costMicroUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  servedBy: string | null;
  usageEstimated: boolean | null;
  latencyMs: number | null;
  fields: unknown;
  path: {
    outcome: string;
    startedAt: string | null;
    endedAt: string | null;
    error: string | null;
    states: StateVisit[];
  } | null;
}

export interface VersionMetrics {
  version: string;
  documents: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  completenessMean: number | null;
  costPerDocumentMicroUsd: number | null;
  inputTokensMean: number | null;
  outputTokensMean: number | null;
  latencyMs: { p50: number; p95: number; p99: number } | null;
  failedByReason: Record<string, number>;
}

export interface Experiment {
  id: string;
  name: string;
  control: string;
  treatment: string;
  status: string;
  allocation: { preset: string; weights: { control: number; treatment: number }; coverage: number };
  successCriteria: { primaryMetric: string; [k: string]: unknown };
  createdAt: string;
  decision?: string;
}

/** The grounding the document detail carries once the pipeline verified evidence (absent before). */
export interface DocumentGrounding {
  evidence?: EvidenceMap;
  confidence?: ConfidenceMap;
  review?: ReviewAssessment;
}
