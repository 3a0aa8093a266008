/**
 * The environment variables the API's Lambda entry reads (the API construct
 * sets them; a missing one fails the cold start), named once for the entry
 * and the infrastructure tests.
 */
export const API_ENV = [
  'STAGE',
  'DOCUMENTS_BUCKET',
  'STATE_MACHINE_ARN',
  'RESULTS_TABLE_NAME',
  'EXPERIMENTS_TABLE_NAME',
  'METRICS_TABLE_NAME',
  'LEDGER_TABLE_NAME',
  'INGEST_QUEUE_URL',
  'INGEST_DLQ_URL',
  'EXTRACTION_DLQ_URL',
  'CONSOLE_ORIGIN',
  /** JSON `{ "<function>": <memory MB> }` of the pipeline functions, for the Functions page. */
  'FUNCTION_MEMORY_MB',
] as const;
