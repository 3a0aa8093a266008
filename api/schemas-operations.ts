/**
 * Request and response schemas of the operational endpoints (dead-letter
 * queues, health), in the conventions of `schemas.ts`.
 */
import { z } from '@hono/zod-openapi';
import { list } from './schemas.ts';

// ---- DLQ ---------------------------------------------------------------------

export const DlqParam = z.object({ queue: z.enum(['extraction', 'ingest']) });

export const DlqListSchema = z
  .object({
    queue: z.enum(['extraction', 'ingest']),
    messages: list(
      z.object({
        queue: z.enum(['extraction', 'ingest', 'aggregator']),
        messageId: z.string(),
        documentId: z.string().nullable(),
        reason: z.string().nullable(),
        error: z.string().nullable(),
        sentAt: z.string().nullable(),
        receiveCount: z.number().int().nullable(),
      }),
    ),
    byReason: z.record(z.string(), z.number().int()),
  })
  .openapi('DlqList');

export const DlqListQuery = z.object({
  max: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .openapi({ description: 'At most this many (default 100)' }),
});

export const RedriveBodySchema = z
  .object({
    max: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: 'At most this many (default 100); ignored with message_ids' }),
    message_ids: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: 'Only these messages (ids as the list shows them); default all' }),
    rate_per_second: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .openapi({ description: 'Messages per second, at most (default 5)' }),
  })
  .strict()
  .openapi('RedriveRequest');

export const RedriveResultSchema = z
  .object({
    queue: z.enum(['extraction', 'ingest']),
    results: list(
      z.object({
        messageId: z.string(),
        documentId: z.string().nullable(),
        outcome: z.enum(['redriven', 'already-redriven', 'skipped']),
        executionArn: z.string().nullable(),
        detail: z.string().nullable(),
        status: z.string().optional(),
      }),
    ),
  })
  .openapi('RedriveResult');

// ---- health ------------------------------------------------------------------

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    stage: z.string(),
    dependencies: list(
      z.object({
        name: z.string(),
        state: z.enum(['ok', 'unreachable']),
        latencyMs: z.number(),
        error: z.string().nullable(),
      }),
    ),
  })
  .openapi('Health');
