/**
 * The extraction-reuse table over DynamoDB: a consistent GetItem by content
 * hash and prompt version, and a put that only the first SUCCEEDED
 * extraction of those bytes wins (two identical uploads racing both call the
 * model; the second put is refused and nothing is overwritten).
 */
import { ConditionalCheckFailedException } from '#adapters/aws-sdk/client-dynamodb.cjs';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '#adapters/aws-sdk/lib-dynamodb.cjs';
import { ReuseItemSchema } from '#contracts/reuse-items.ts';
import {
  type Reuse,
  type ReuseEntry,
  type ReuseQuery,
  reuseFrom,
  reuseKeyFor,
} from '#core/reuse/identical-documents.ts';

/** The earlier extraction `query`'s document may reuse, or null. */
export const findReusableExtraction = async (
  client: DynamoDBDocumentClient,
  table: string,
  query: ReuseQuery,
): Promise<Reuse | null> => {
  const { Item } = await client.send(
    new GetCommand({
      TableName: table,
      Key: { reuseKey: reuseKeyFor(query.contentSha256, query.promptVersion) },
      ConsistentRead: true,
    }),
  );
  return reuseFrom(Item === undefined ? undefined : ReuseItemSchema.parse(Item), query);
};

/**
 * Remembers `entry` unless a live entry for the same bytes and version
 * exists; an expired one (TTL deletion lags) is replaced.
 */
export const rememberExtraction = async (
  client: DynamoDBDocumentClient,
  table: string,
  entry: ReuseEntry,
  now: Date,
): Promise<'remembered' | 'kept-earlier'> => {
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: entry,
        ConditionExpression: 'attribute_not_exists(reuseKey) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
      }),
    );
    return 'remembered';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'kept-earlier';
    throw error;
  }
};
