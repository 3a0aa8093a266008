/**
 * Reads a message of the aggregator failure queue: Lambda's on-failure
 * record of an asynchronous invocation, whose `requestPayload` is the log
 * subscription event the aggregator could not count (ids, reason codes and
 * numbers; no document text).
 */
import * as z from 'zod';

export const AggregatorFailureRecordSchema = z.object({
  requestContext: z.object({
    requestId: z.string().optional(),
    condition: z.string().optional(),
    approximateInvokeCount: z.number().optional(),
  }),
  requestPayload: z.object({ awslogs: z.object({ data: z.string().min(1) }) }),
  responsePayload: z.object({ errorType: z.string().optional() }).passthrough().nullish(),
});
export type AggregatorFailureRecord = z.infer<typeof AggregatorFailureRecordSchema>;

/** The record in a message body, or null when the body is not one. */
export const parseAggregatorFailure = (body: string): AggregatorFailureRecord | null => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = AggregatorFailureRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
};
