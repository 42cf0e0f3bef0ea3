/**
 * Flows' counters (pk `flowId`, sk `statKey`): the item `#counters` holds one number attribute per
 * counter key, added with atomic ADDs; `claim#<key>` items (a conditional put each, expired by TTL)
 * make a count happen once.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FlowStatsStore } from '../domain/stores/flow-stats';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';

const COUNTERS = '#counters';

export class DynamoFlowStatsStore implements FlowStatsStore {
  constructor(private readonly table: string) {}

  async add(flowId: string, delta: Readonly<Record<string, number>>): Promise<void> {
    const entries = Object.entries(delta).filter(([, value]) => value !== 0);
    if (entries.length === 0) return;
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { flowId, statKey: COUNTERS },
        UpdateExpression: `ADD ${entries.map((_, i) => `#k${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([key], i) => [`#k${i}`, key])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
      }),
    );
  }

  async claim(flowId: string, key: string, expiresAt: number): Promise<boolean> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: { flowId, statKey: `claim#${key}`, expiresAt },
          ...named({ ConditionExpression: 'attribute_not_exists(#statKey)' }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(flowId: string): Promise<Record<string, number>> {
    const { Item } = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { flowId, statKey: COUNTERS }, ConsistentRead: true }),
    );
    const counters: Record<string, number> = {};
    for (const [key, value] of Object.entries(Item ?? {}))
      if (typeof value === 'number' && key !== 'flowId' && key !== 'statKey') counters[key] = value;
    return counters;
  }
}
