/**
 * The consent log (pk `phone`, sk `eventKey`). Append-only: this module has no update or delete, and
 * the functions that use it are granted PutItem and Query/GetItem only.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentEvent } from '../domain/consent';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import { tableName } from './table-names';

export interface ConsentLogStore {
  /** Appends the event unless one with the same key exists (a replay); says which happened. */
  append(event: ConsentEvent): Promise<'appended' | 'exists'>;
  get(phone: string, eventKey: string): Promise<ConsentEvent | undefined>;
  /** Every event of a number, in the order recorded. */
  list(phone: string): Promise<ConsentEvent[]>;
}

export class DynamoConsentLogStore implements ConsentLogStore {
  constructor(private readonly table = tableName('consentLog')) {}

  async append(event: ConsentEvent): Promise<'appended' | 'exists'> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: event,
          ...named({ ConditionExpression: 'attribute_not_exists(#eventKey)' }),
        }),
      );
      return 'appended';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async get(phone: string, eventKey: string): Promise<ConsentEvent | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { phone, eventKey }, ConsistentRead: true }),
    );
    return result.Item as ConsentEvent | undefined;
  }

  async list(phone: string): Promise<ConsentEvent[]> {
    const events: ConsentEvent[] = [];
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
      events.push(...((page.Items ?? []) as ConsentEvent[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}
