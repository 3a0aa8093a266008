/**
 * The slot record of each model in DynamoDB. A reservation is one atomic
 * conditional update (`tat = tat + cost` while the next slot lies between
 * the burst floor and the horizon), so a hot record serialises in DynamoDB
 * instead of racing in the function; only an idle record (slot in the past)
 * takes a second, conditional write. Pressure reports, rare, use a read and a
 * revision-checked update of the breaker fields, and an opening breaker moves
 * `tat` past the cool-down. The arithmetic is core/quota/model-slots.ts's;
 * nothing in the record refers to a document.
 */

import * as z from 'zod/mini';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '#adapters/aws-sdk/lib-dynamodb.cjs';
import { admissionKey } from '#contracts/model-admission.ts';
import {
  type AdmissionPolicy,
  breakerOpen,
  initialSlots,
  type Reservation,
  reportPressure,
  reserveSlot,
  type SlotState,
} from '#core/quota/model-slots.ts';

const StoredSlotsSchema = z.object({
  tat: z._default(z.number(), 0),
  openUntil: z._default(z.number(), 0),
  pressure: z._default(z.number(), 0),
  pressureSince: z._default(z.number(), 0),
  opened: z._default(z.number(), 0),
  revision: z._default(z.int(), 0),
});

export type SlotReservation = Reservation & { readonly breakerOpen: boolean };

export interface SlotStore {
  read(modelId: string): Promise<SlotState>;
  reserve(
    modelId: string,
    now: number,
    costMs: number,
    policy: AdmissionPolicy,
  ): Promise<SlotReservation>;
  /** Counts one throttling / 5xx report; true when it opened the breaker. */
  reportPressure(modelId: string, now: number, policy: AdmissionPolicy): Promise<boolean>;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const MAX_RACES = 20;

/** A store over one table (the metrics table in every stage). */
export const dynamoSlotStore = (client: DynamoDBDocumentClient, tableName: string): SlotStore => {
  const Key = (modelId: string) => admissionKey(modelId);
  const read = async (modelId: string) => {
    const got = await client.send(
      new GetCommand({ TableName: tableName, Key: Key(modelId), ConsistentRead: true }),
    );
    return got.Item === undefined
      ? { ...initialSlots(), revision: 0 }
      : StoredSlotsSchema.parse(got.Item);
  };
  const toState = ({ revision: _revision, ...state }: z.infer<typeof StoredSlotsSchema>) => state;

  return {
    read: async (modelId) => toState(await read(modelId)),

    reserve: async (modelId, now, costMs, policy) => {
      const burstMs = Math.max(0, policy.burstCalls - 1) * costMs;
      const floor = now - burstMs;
      const latest = now + policy.horizonMs;
      for (let race = 0; race < MAX_RACES; race += 1) {
        try {
          // Busy: the next slot is at or after the floor and within the horizon.
          const updated = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: Key(modelId),
              UpdateExpression: 'SET tat = tat + :cost',
              ConditionExpression: 'tat >= :floor AND tat <= :latest',
              ExpressionAttributeValues: { ':cost': costMs, ':floor': floor, ':latest': latest },
              ReturnValues: 'ALL_NEW',
            }),
          );
          const state = toState(StoredSlotsSchema.parse(updated.Attributes ?? {}));
          const notBefore = Math.max(now, state.tat - costMs);
          return { admitted: true, notBefore, state, breakerOpen: breakerOpen(state, now) };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        const current = await read(modelId);
        const state = toState(current);
        if (state.tat > latest) {
          return {
            ...reserveSlot(state, now, costMs, policy),
            breakerOpen: breakerOpen(state, now),
          };
        }
        if (state.tat >= floor) continue;
        // Idle: the next slot is in the past; start from the floor, if nobody else just did.
        try {
          const updated = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: Key(modelId),
              UpdateExpression: 'SET tat = :start',
              ConditionExpression: 'attribute_not_exists(tat) OR tat < :floor',
              ExpressionAttributeValues: { ':start': floor + costMs, ':floor': floor },
              ReturnValues: 'ALL_NEW',
            }),
          );
          const fresh = toState(StoredSlotsSchema.parse(updated.Attributes ?? {}));
          return {
            admitted: true,
            notBefore: now,
            state: fresh,
            breakerOpen: breakerOpen(fresh, now),
          };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      throw new Error(
        'ADMISSION_CONTENDED: the slot record kept changing under concurrent writers',
      );
    },

    reportPressure: async (modelId, now, policy) => {
      for (let race = 0; race < MAX_RACES; race += 1) {
        const current = await read(modelId);
        const reported = reportPressure(toState(current), now, policy);
        const next = reported.state;
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: Key(modelId),
              UpdateExpression:
                'SET pressure = :pressure, pressureSince = :since, openUntil = :openUntil, opened = :opened, revision = :next',
              ConditionExpression: 'attribute_not_exists(revision) OR revision = :revision',
              ExpressionAttributeValues: {
                ':pressure': next.pressure,
                ':since': next.pressureSince,
                ':openUntil': next.openUntil,
                ':opened': next.opened,
                ':next': current.revision + 1,
                ':revision': current.revision,
              },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          continue;
        }
        if (reported.opened) {
          // Every slot not yet given starts after the cool-down.
          await client
            .send(
              new UpdateCommand({
                TableName: tableName,
                Key: Key(modelId),
                UpdateExpression: 'SET tat = :openUntil',
                ConditionExpression: 'attribute_not_exists(tat) OR tat < :openUntil',
                ExpressionAttributeValues: { ':openUntil': next.openUntil },
              }),
            )
            .catch((error: unknown) => {
              if (!isConditionFailure(error)) throw error;
            });
        }
        return reported.opened;
      }
      throw new Error(
        'ADMISSION_CONTENDED: the slot record kept changing under concurrent writers',
      );
    },
  };
};
