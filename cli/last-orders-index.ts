/**
 * Puts the customers whose last order was recorded before the `lastOrders` index existed into it:
 * a Scan of the profiles table for profiles with a `lastOrderAt` and no index attributes, and for
 * each the attributes the profile store writes with every newer order, on the condition that the
 * last order is still the one read and still unindexed (docs/flows.md#win-back). A one-off
 * migration, idempotent: the daily sweep itself never scans.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lastOrderIndexAttributes } from '../lambdas/domain/stores/lapsed-customers';
import { documentClient, type TableTarget } from './table-target';

export interface LastOrdersMigration {
  /** Profiles found with a last order and no index attributes. */
  readonly found: number;
  /** Of those, indexed now. */
  readonly indexed: number;
}

export async function indexLastOrders(target: TableTarget): Promise<LastOrdersMigration> {
  const client = documentClient(target);
  const names = { '#phone': 'phone', '#lastOrderAt': 'lastOrderAt', '#lastOrderShard': 'lastOrderShard' };
  let found = 0;
  let indexed = 0;
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: target.table,
          ProjectionExpression: '#phone, #lastOrderAt',
          FilterExpression: 'attribute_exists(#lastOrderAt) AND attribute_not_exists(#lastOrderShard)',
          ExpressionAttributeNames: names,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        found += 1;
        const phone = String(item.phone);
        const lastOrderAt = String(item.lastOrderAt);
        const attributes = lastOrderIndexAttributes(phone, lastOrderAt);
        if (!attributes) continue;
        try {
          await client.send(
            new UpdateCommand({
              TableName: target.table,
              Key: { phone },
              UpdateExpression: 'SET #lastOrderShard = :shard, #lastOrderUtc = :utc',
              // A newer order meanwhile wrote its own attributes: left as it is.
              ConditionExpression: '#lastOrderAt = :seen AND attribute_not_exists(#lastOrderShard)',
              ExpressionAttributeNames: {
                '#lastOrderAt': 'lastOrderAt',
                '#lastOrderShard': 'lastOrderShard',
                '#lastOrderUtc': 'lastOrderUtc',
              },
              ExpressionAttributeValues: {
                ':shard': attributes.lastOrderShard,
                ':utc': attributes.lastOrderUtc,
                ':seen': lastOrderAt,
              },
            }),
          );
          indexed += 1;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return { found, indexed };
}
