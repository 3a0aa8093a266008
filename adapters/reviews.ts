/**
 * The review trail of a document in the experiments table (the control
 * plane's table of operator actions): under `pk = REVIEW#<documentId>`, one
 * item per recorded decision (`DECISION#<seq>`), the approval (`APPROVAL`,
 * at most one) and an audit entry per request (`AUDIT#<at>#<seq>`, the
 * experiments' audit style). Every item is put once under a condition that
 * it does not exist: nothing is overwritten, a lost race is an error.
 */

import * as z from 'zod';
import { TransactionCanceledException } from '#adapters/aws-sdk/client-dynamodb.cjs';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '#adapters/aws-sdk/lib-dynamodb.cjs';
import { type RecordedDecision, RecordedDecisionSchema } from '#contracts/review-api.ts';
import { auditSortKey } from './experiments/items.ts';

const reviewPk = (documentId: string) => `REVIEW#${documentId}`;
const decisionSk = (seq: number) => `DECISION#${String(seq).padStart(6, '0')}`;
const APPROVAL_SK = 'APPROVAL';

export const ReviewAuditSchema = z.object({
  seq: z.number().int().positive(),
  documentId: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['decide', 'approve']),
  /** What the request did, in codes and counts only (never a value: values may be patient data). */
  reason: z.string(),
  before: z.string().nullable(),
  after: z.string(),
});
export type ReviewAuditEntry = z.infer<typeof ReviewAuditSchema>;

const StoredDecisionSchema = RecordedDecisionSchema.extend({ seq: z.number().int().positive() });
const ApprovalSchema = z.object({
  reviewer: z.string(),
  at: z.string(),
  decisions: z.number().int().nonnegative(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export interface ReviewTrail {
  readonly decisions: RecordedDecision[];
  readonly approval: Approval | null;
  readonly audit: ReviewAuditEntry[];
}

/** Another request wrote to the same review between this one's read and its write. */
export class ReviewRaceError extends Error {
  override readonly name = 'ReviewRace';
}
/** The document was approved already (by this or another request). */
export class AlreadyApprovedError extends Error {
  override readonly name = 'AlreadyApproved';
}

export interface ReviewStore {
  trail(documentId: string): Promise<ReviewTrail>;
  /** Appends decisions after the `known` ones, with their audit entry, unless the document was approved. */
  appendDecisions(
    documentId: string,
    known: ReviewTrail,
    decisions: readonly RecordedDecision[],
    audit: Omit<ReviewAuditEntry, 'seq' | 'documentId'>,
  ): Promise<void>;
  /** Records the one approval with its audit entry. */
  putApproval(
    documentId: string,
    known: ReviewTrail,
    approval: Approval,
    audit: Omit<ReviewAuditEntry, 'seq' | 'documentId'>,
  ): Promise<void>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const reviewStore = (client: DynamoDBDocumentClient, table: string): ReviewStore => {
  const putNew = (item: Record<string, unknown>): TransactItem => ({
    Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  const auditPut = (
    documentId: string,
    known: ReviewTrail,
    audit: Omit<ReviewAuditEntry, 'seq' | 'documentId'>,
  ): TransactItem => {
    const seq = known.audit.length + 1;
    return putNew({
      pk: reviewPk(documentId),
      sk: auditSortKey(audit.at, seq),
      ...ReviewAuditSchema.parse({ ...audit, seq, documentId }),
    });
  };
  const transact = async (items: TransactItem[], explain: (codes: string[]) => Error) => {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      throw explain((error.CancellationReasons ?? []).map((r) => r.Code ?? 'None'));
    }
  };

  return {
    trail: async (documentId) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': reviewPk(documentId) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      const sk = (item: Record<string, unknown>) => String(item.sk);
      const decisions = items
        .filter((item) => sk(item).startsWith('DECISION#'))
        .map((item) => StoredDecisionSchema.parse(item))
        .sort((a, b) => a.seq - b.seq)
        .map(({ seq: _seq, ...decision }) => decision);
      const approvalItem = items.find((item) => sk(item) === APPROVAL_SK);
      const audit = items
        .filter((item) => sk(item).startsWith('AUDIT#'))
        .map((item) => ReviewAuditSchema.parse(item))
        .sort((a, b) => a.seq - b.seq);
      return {
        decisions,
        approval: approvalItem === undefined ? null : ApprovalSchema.parse(approvalItem),
        audit,
      };
    },

    appendDecisions: async (documentId, known, decisions, audit) => {
      const pk = reviewPk(documentId);
      const items: TransactItem[] = [
        // No decision lands on an approved document.
        {
          ConditionCheck: {
            TableName: table,
            Key: { pk, sk: APPROVAL_SK },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...decisions.map((decision, i) => {
          const seq = known.decisions.length + i + 1;
          return putNew({
            pk,
            sk: decisionSk(seq),
            seq,
            ...RecordedDecisionSchema.parse(decision),
          });
        }),
        auditPut(documentId, known, audit),
      ];
      await transact(items, (codes) =>
        codes[0] === 'ConditionalCheckFailed'
          ? new AlreadyApprovedError('the document was approved; decisions are closed')
          : new ReviewRaceError('the review changed while this request ran; nothing was written'),
      );
    },

    putApproval: async (documentId, known, approval, audit) => {
      const pk = reviewPk(documentId);
      await transact(
        [
          putNew({ pk, sk: APPROVAL_SK, ...ApprovalSchema.parse(approval) }),
          // The approval covers exactly the decisions it was computed from.
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk, sk: decisionSk(known.decisions.length + 1) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(documentId, known, audit),
        ],
        (codes) =>
          codes[0] === 'ConditionalCheckFailed'
            ? new AlreadyApprovedError('the document was approved already')
            : new ReviewRaceError('the review changed while this request ran; nothing was written'),
      );
    },
  };
};
