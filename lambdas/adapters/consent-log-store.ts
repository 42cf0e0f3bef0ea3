/**
 * The consent log (pk `phone`, sk `eventKey`). Append-only: this module has no update or delete, and
 * the functions that use it are granted PutItem and Query/GetItem only.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentLogEntry } from '../domain/consent';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { ConsentLogStore } from '../domain/stores/consent-log';

export class DynamoConsentLogStore implements ConsentLogStore {
  constructor(private readonly table: string) {}

  async append(entry: ConsentLogEntry): Promise<'appended' | 'exists'> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: entry,
          ...named({ ConditionExpression: 'attribute_not_exists(#eventKey)' }),
        }),
      );
      return 'appended';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async get(phone: string, eventKey: string): Promise<ConsentLogEntry | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { phone, eventKey }, ConsistentRead: true }),
    );
    return result.Item as ConsentLogEntry | undefined;
  }

  async list(phone: string): Promise<ConsentLogEntry[]> {
    const events: ConsentLogEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoClient().send(
        new QueryCommand({
          TableName: this.table,
          ...named({ KeyConditionExpression: '#phone = :phone' }),
          ExpressionAttributeValues: { ':phone': phone },
          ExclusiveStartKey: startKey,
          ScanIndexForward: true,
          ConsistentRead: true,
        }),
      );
      events.push(...((page.Items ?? []) as ConsentLogEntry[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}
