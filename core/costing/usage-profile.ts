/**
 * The shape of a usage profile: what one document does to each service, as
 * measured on the local stack (`npm run bench:profile` writes
 * `measured-profile.ts`), and the stated assumptions for what the local stack
 * cannot measure. A JSON file of the same shape overrides it
 * (`medextract cost --profile <file>`).
 */
import * as z from 'zod';

const nonNegative = z.number().min(0);

const FunctionProfileSchema = z
  .object({
    invocationsPerDocument: nonNegative,
    /** Mean duration of one invocation in milliseconds. */
    durationMs: nonNegative,
    /** `measured` on the local stack, or `assumed` (then `note` says why). */
    source: z.enum(['measured', 'assumed']),
    note: z.string().optional(),
  })
  .strict();

const LogProfileSchema = z
  .object({
    linesPerDocument: nonNegative,
    bytesPerDocument: nonNegative,
    emfLinesPerDocument: nonNegative,
    emfBytesPerDocument: nonNegative,
  })
  .strict();

const TableProfileSchema = z
  .object({
    writesPerDocument: nonNegative,
    readsPerDocument: nonNegative,
    /** Mean size of the table's items in bytes (DynamoDB JSON, an upper bound). */
    itemBytes: nonNegative,
    /** Items the document adds to the table. */
    itemsPerDocument: nonNegative,
  })
  .strict();

export const UsageProfileSchema = z
  .object({
    measuredOn: z.string(),
    /** How to reproduce the measurement. */
    command: z.string(),
    documents: z.number().int().positive(),
    meanPages: z.number().positive(),
    pdfBytesPerPage: nonNegative,
    textCharsPerPage: nonNegative,
    /** Mean output tokens (ceil(JSON characters / 4)) of an extraction, per prompt version. */
    outputTokensByVersion: z.record(z.string(), nonNegative),
    functions: z.record(z.string(), FunctionProfileSchema),
    logs: z.record(z.string(), LogProfileSchema),
    s3: z
      .object({
        putRequestsPerDocument: nonNegative,
        getRequestsPerDocument: nonNegative,
        /** Bytes written per document under each prefix (`incoming/`, `work/`, `results/`). */
        bytesPerDocumentByPrefix: z.record(z.string(), nonNegative),
      })
      .strict(),
    sqs: z.object({ sendRequestsPerDocument: nonNegative }).strict(),
    dynamodb: z.record(z.string(), TableProfileSchema),
    /** Execution history events per document (Step Functions logs one record per event). */
    historyEventsPerDocument: nonNegative,
    /** Distinct EMF metric and dimension-value combinations seen, per prompt version. */
    emfMetricsPerVersion: nonNegative,
  })
  .strict();

export type UsageProfile = z.infer<typeof UsageProfileSchema>;
export type FunctionProfile = z.infer<typeof FunctionProfileSchema>;
