/**
 * Profile activity (pk `phone`, sk `activityKey`): each cart, order, view or click stored once.
 * `aggregated` marks that the profile's counters include it, so a retried event is counted once.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { ActivityRecord, ActivityStore } from '../domain/stores/activity';
import { parseActivity } from '../domain/stores/activity-record';

export class DynamoActivityStore implements ActivityStore {
  constructor(private readonly table: string) {}

  async putIfAbsent(record: ActivityRecord): Promise<{ created: boolean; record: ActivityRecord }> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ...named({ ConditionExpression: 'attribute_not_exists(#activityKey)' }),
        }),
      );
      return { created: true, record };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await dynamoClient().send(
        new GetCommand({
          TableName: this.table,
          Key: { phone: record.phone, activityKey: record.activityKey },
          ConsistentRead: true,
        }),
      );
      return { created: false, record: parseActivity(existing.Item) };
    }
  }

  async markAggregated(phone: string, activityKey: string): Promise<void> {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { phone, activityKey },
        ...named({ UpdateExpression: 'SET #aggregated = :true' }),
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  async listSince(phone: string, prefix: string, sinceIso: string): Promise<ActivityRecord[]> {
    const records: ActivityRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Every page: a customer's two years of orders can pass the 1 MB a Query reads at once.
    do {
      const page = await dynamoClient().send(
        new QueryCommand({
          TableName: this.table,
          ...named({
            KeyConditionExpression: '#phone = :phone AND begins_with(#activityKey, :prefix)',
            FilterExpression: '#at >= :since',
          }),
          ExpressionAttributeValues: { ':phone': phone, ':prefix': prefix, ':since': sinceIso },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      records.push(...(page.Items ?? []).map(parseActivity));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records.sort((a, b) => b.at.localeCompare(a.at));
  }
}
