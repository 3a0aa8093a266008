/**
 * What the routes run against: the stack's service context, the prompt
 * catalog, the saved evaluation reports, and who is acting (the IAM caller on AWS, the body's `actor` or a
 * fixed local name on this machine), plus the shared shape of JSON answers.
 */

import type { Context } from 'hono';
import type { CloudWatchFunctionFigures } from '#adapters/cloudwatch-functions.ts';
import type { EvaluationReportStore } from '#adapters/evaluation-reports.ts';
import type { InvocationReport } from '#contracts/invocation-reports.ts';
import type { PromptCatalog, ServiceContext } from '#services/context.ts';
import type { LocalConcurrency } from '#services/functions-report.ts';

export interface ApiDeps {
  readonly ctx: ServiceContext;
  readonly catalog?: PromptCatalog;
  /** Where `medextract eval` saved its reports (a folder locally, the bucket on AWS). */
  readonly evaluations: EvaluationReportStore;
  /** The caller's identity for the audit trail when the body names no actor. */
  readonly callerOf: (c: Context) => string;
  /** The local runtime's per-invocation REPORT records; none on AWS. */
  readonly invocations?: () => readonly InvocationReport[];
  /** The local runtime's reserved-concurrency counts per function (peak, throttled); none on AWS. */
  readonly concurrency?: () => Readonly<Record<string, LocalConcurrency>>;
  /** On AWS: the stage's functions' figures from CloudWatch. */
  readonly cloudWatchFunctions?: CloudWatchFunctionFigures;
}

/** The OpenAPI description of a JSON answer. */
export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A JSON request body, required. */
export const jsonBody = <T>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
