/**
 * The sparse `lastOrders` index of the profiles table (keys only: the number, its shard and its last
 * order's UTC time): a window of last-order times is one Query per shard, never a Scan.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  LAST_ORDERS_INDEX,
  type LapsedCustomerStore,
  type LastOrder,
} from '../domain/stores/lapsed-customers';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';

/** Keys read per page: small items, one Query well under 1 MB. */
const PAGE_SIZE = 1000;

export class DynamoLapsedCustomerStore implements LapsedCustomerStore {
  constructor(private readonly table: string) {}

  async lastOrdersBetween(
    shard: string,
    window: { readonly from: string; readonly to: string },
    startKey?: Record<string, unknown>,
  ): Promise<{ customers: LastOrder[]; nextKey?: Record<string, unknown> }> {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: LAST_ORDERS_INDEX,
        ...named({
          KeyConditionExpression: '#lastOrderShard = :shard AND #lastOrderUtc BETWEEN :from AND :to',
        }),
        ExpressionAttributeValues: { ':shard': shard, ':from': window.from, ':to': window.to },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        Limit: PAGE_SIZE,
      }),
    );
    const customers = (result.Items ?? []).map((item) => ({
      phone: String(item.phone),
      lastOrderAt: String(item.lastOrderUtc),
    }));
    return { customers, ...(result.LastEvaluatedKey ? { nextKey: result.LastEvaluatedKey } : {}) };
  }
}
