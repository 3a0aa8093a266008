/**
 * The slot record of each model in DynamoDB: read, compute the next state in
 * core/quota/model-slots.ts, write back only if nobody wrote in between
 * (optimistic concurrency on a revision number), retrying a lost race. One
 * small item per model; nothing in it refers to a document.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { admissionKey } from '#contracts/model-admission.ts';
import { initialSlots, type SlotState } from '#core/quota/model-slots.ts';

const StoredSlotsSchema = z.object({
  tat: z.number(),
  openUntil: z.number(),
  pressure: z.number(),
  pressureSince: z.number(),
  opened: z.number(),
  revision: z.number().int(),
});

export interface SlotStore {
  /** Applies `next` to the current state atomically; returns what `next` returned. */
  update<T>(
    modelId: string,
    next: (state: SlotState) => { state: SlotState; result: T },
  ): Promise<T>;
  read(modelId: string): Promise<SlotState>;
}

const MAX_RACES = 25;

export const dynamoSlotStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): SlotStore => {
  const load = async (modelId: string): Promise<{ state: SlotState; revision: number }> => {
    const got = await client.send(
      new GetCommand({ TableName: tableName, Key: admissionKey(modelId), ConsistentRead: true }),
    );
    if (got.Item === undefined) return { state: initialSlots(), revision: 0 };
    const { revision, ...state } = StoredSlotsSchema.parse(got.Item);
    return { state, revision };
  };
  return {
    read: async (modelId) => (await load(modelId)).state,
    update: async (modelId, next) => {
      for (let race = 0; race < MAX_RACES; race += 1) {
        const { state, revision } = await load(modelId);
        const { state: updated, result } = next(state);
        if (updated === state) return result;
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...admissionKey(modelId), ...updated, revision: revision + 1 },
              ConditionExpression:
                revision === 0 ? 'attribute_not_exists(pk)' : 'revision = :revision',
              ...(revision === 0 ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
            }),
          );
          return result;
        } catch (error) {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) {
            throw error;
          }
          await sleep(Math.random() * 5 * (race + 1));
        }
      }
      throw new Error(
        'ADMISSION_CONTENDED: the slot record kept changing under concurrent writers',
      );
    },
  };
};
