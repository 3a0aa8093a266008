/**
 * Resource definitions shared by the CDK app and the local runtime: table keys
 * and indexes, queue settings and logical names. Plain data only (no CDK
 * import), so the local runtime creates exactly what AWS gets.
 */
import { isDocumentKey } from '#core/ledger/key-classification.ts';

export type AttributeType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
}

export interface TableDefinition {
  /** Logical id in CDK and base of the physical name (`medextract-<stage>-<suffix>`). */
  readonly logicalId: string;
  readonly suffix: string;
  /** Environment variable through which functions receive the table name. */
  readonly envVar: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
}

const S = (name: string): KeyDefinition => ({ name, type: 'S' });

/** One row per document: status, reason, prompt version, scores, cost. */
export const RESULTS_TABLE: TableDefinition = {
  logicalId: 'ResultsTable',
  suffix: 'results',
  envVar: 'RESULTS_TABLE_NAME',
  partitionKey: S('documentId'),
  globalSecondaryIndexes: [
    { indexName: 'byPromptVersion', partitionKey: S('promptVersion'), sortKey: S('completedAt') },
    { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('completedAt') },
  ],
};

/**
 * Experiments, their append-only audit entries, the running-experiment pointer
 * and prompt aliases, in one table (pk/sk). `status` index lists experiments by
 * lifecycle state.
 */
export const EXPERIMENTS_TABLE: TableDefinition = {
  logicalId: 'ExperimentsTable',
  suffix: 'experiments',
  envVar: 'EXPERIMENTS_TABLE_NAME',
  partitionKey: S('pk'),
  sortKey: S('sk'),
  globalSecondaryIndexes: [
    { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('createdAt') },
  ],
};

/** Hourly roll-ups per prompt version and per experiment arm, plus dedup markers (TTL). */
export const METRICS_TABLE: TableDefinition = {
  logicalId: 'MetricsTable',
  suffix: 'metrics',
  envVar: 'METRICS_TABLE_NAME',
  partitionKey: S('pk'),
  sortKey: S('sk'),
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
};

/**
 * The document ledger: one item per uploaded object version (key
 * `documentId`) with its status and outcome. `byStatus` finds entries waiting
 * in a status since before a time (reconciliation); `byKey` lists a bucket's
 * entries by key prefix; `byReceivedAt` lists them by upload time.
 */
export const LEDGER_TABLE: TableDefinition = {
  logicalId: 'LedgerTable',
  suffix: 'ledger',
  envVar: 'LEDGER_TABLE_NAME',
  partitionKey: S('documentId'),
  globalSecondaryIndexes: [
    { indexName: 'byStatus', partitionKey: S('status'), sortKey: S('statusAt') },
    { indexName: 'byKey', partitionKey: S('bucket'), sortKey: S('key') },
    { indexName: 'byReceivedAt', partitionKey: S('bucket'), sortKey: S('receivedAt') },
  ],
};

/**
 * Extractions that identical uploads may reuse (ADR 40): one item per
 * content hash and prompt version (`reuseKey`), written once, on the first
 * SUCCEEDED extraction, read with a consistent GetItem. TTL follows the work
 * prefix, whose objects the items point at.
 */
export const REUSE_TABLE: TableDefinition = {
  logicalId: 'ExtractionReuseTable',
  suffix: 'extraction-reuse',
  envVar: 'REUSE_TABLE_NAME',
  partitionKey: S('reuseKey'),
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
};

export const TABLES = [
  RESULTS_TABLE,
  EXPERIMENTS_TABLE,
  METRICS_TABLE,
  LEDGER_TABLE,
  REUSE_TABLE,
] as const;

export interface QueueDefinition {
  readonly logicalId: string;
  readonly suffix: string;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  /** Set on a source queue: its dead-letter queue and receives before moving there. */
  readonly deadLetter?: { readonly queue: QueueDefinition; readonly maxReceiveCount: number };
}

const DAY = 86_400;

/** Starter function timeout; the ingest queue's visibility is 6x this. */
export const STARTER_TIMEOUT_SECONDS = 30;

export const INGEST_DLQ: QueueDefinition = {
  logicalId: 'IngestDeadLetterQueue',
  suffix: 'ingest-dlq',
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 14 * DAY,
};

export const INGEST_QUEUE: QueueDefinition = {
  logicalId: 'IngestQueue',
  suffix: 'ingest',
  visibilityTimeoutSeconds: 6 * STARTER_TIMEOUT_SECONDS,
  retentionSeconds: 4 * DAY,
  deadLetter: { queue: INGEST_DLQ, maxReceiveCount: 5 },
};

/** Failed extractions, one message per FAILED execution (sent by the state machine). */
export const EXTRACTION_DLQ: QueueDefinition = {
  logicalId: 'ExtractionDeadLetterQueue',
  suffix: 'extraction-dlq',
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 14 * DAY,
};

export const QUEUES = [INGEST_DLQ, INGEST_QUEUE, EXTRACTION_DLQ] as const;

/**
 * The aggregator's on-failure queue on AWS (log batches that failed three
 * asynchronous attempts). Not in QUEUES: the local aggregator runs in
 * process and has none.
 */
export const AGGREGATOR_FAILURE_QUEUE_SUFFIX = 'aggregator-failures';

/** S3 layout of the documents bucket. */
export const BUCKET_PREFIXES = {
  /** Uploads; every object created here is notified and gets a ledger entry. */
  incoming: 'incoming/',
  /** Intermediate artefacts (extracted text, raw model output); expires after 7 days. */
  work: 'work/',
  /** Final result JSON per document. */
  results: 'results/',
  /** Evidence, confidence and review flags per document (`grounding/<documentId>.json`), beside its result. */
  grounding: 'grounding/',
} as const;

/**
 * True for a key the pipeline processes: under `incoming/` with a `.pdf`
 * name in any letter case and a safe path (see `core/ledger/key-classification.ts`).
 * Intake is notified of every object under `incoming/`; this decides which
 * of them are documents.
 */
export const isIncomingDocumentKey = (key: string): boolean => isDocumentKey(key);

/** Physical name of a resource for a stage, e.g. `medextract-dev-results`. */
export const physicalName = (stage: string, suffix: string): string =>
  `medextract-${stage}-${suffix}`;

/** Physical table names of a stage, keyed by role. */
export interface TableNames {
  readonly results: string;
  readonly experiments: string;
  readonly metrics: string;
  readonly ledger: string;
  readonly reuse: string;
}

/** Every table's physical name for a stage (`medextract-<stage>-<suffix>`). */
export const tableNamesFor = (stage: string): TableNames => ({
  results: physicalName(stage, RESULTS_TABLE.suffix),
  experiments: physicalName(stage, EXPERIMENTS_TABLE.suffix),
  metrics: physicalName(stage, METRICS_TABLE.suffix),
  ledger: physicalName(stage, LEDGER_TABLE.suffix),
  reuse: physicalName(stage, REUSE_TABLE.suffix),
});
