/**
 * Messages (pk `messageId`, GSI `byPhone`). An outbound message id is derived from the send's
 * idempotency key, so claiming it with a conditional put is what makes a retried send a no-op.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryPosition } from '../domain/message-history';
import { dynamoClient } from './aws-clients';
import { named, placeholder } from './dynamo-expression';
import { batchGetAll } from './batch-get';
import type { MessageStatus, MessageRecord, MessageStore } from '../domain/stores/message';
import { parseMessage } from '../domain/stores/message-record';

export class DynamoMessageStore implements MessageStore {
  constructor(private readonly table: string) {}

  async putIfAbsent(record: MessageRecord): Promise<boolean> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ...named({ ConditionExpression: 'attribute_not_exists(#messageId)' }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(messageId: string): Promise<MessageRecord | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { messageId }, ConsistentRead: true }),
    );
    return result.Item ? parseMessage(result.Item) : undefined;
  }

  async update(messageId: string, changes: Partial<MessageRecord>): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { messageId },
        ...named({
          UpdateExpression: `SET ${entries.map(([k]) => `${placeholder(k)} = :${k}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(#messageId)',
        }),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
      }),
    );
  }

  async markSent(messageId: string, awsMessageId: string): Promise<void> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { messageId },
          ...named({
            UpdateExpression: 'SET #status = :sent, #awsMessageId = :id',
            ConditionExpression: '#status = :sending',
          }),
          ExpressionAttributeValues: { ':sent': 'sent', ':sending': 'sending', ':id': awsMessageId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The carrier's report won the race: keep its status, add the id.
      await this.update(messageId, { awsMessageId });
    }
  }

  async transition(
    messageId: string,
    from: readonly MessageStatus[],
    to: MessageStatus,
    reason?: string,
  ): Promise<MessageRecord | undefined> {
    try {
      const result = await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { messageId },
          ...named({
            UpdateExpression: `SET #status = :to${reason ? ', #reason = :reason' : ''}`,
            ConditionExpression: `#status IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          }),
          ExpressionAttributeValues: {
            ':to': to,
            ...(reason ? { ':reason': reason } : {}),
            ...Object.fromEntries(from.map((f, i) => [`:f${i}`, f])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseMessage(result.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async releaseClaim(messageId: string): Promise<void> {
    try {
      await dynamoClient().send(
        new DeleteCommand({
          TableName: this.table,
          Key: { messageId },
          ...named({ ConditionExpression: '#status = :sending' }),
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async reclaim(messageId: string, claimedAt: string, at: string, body: string): Promise<boolean> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { messageId },
          ...named({
            UpdateExpression: 'SET #at = :at, #body = :body ADD #resends :one',
            ConditionExpression:
              '#status = :sending AND #at = :claimedAt AND attribute_not_exists(#awsMessageId)',
          }),
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':claimedAt': claimedAt,
            ':at': at,
            ':body': body,
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A number's messages, newest first (at most 100). */
  async listByPhone(phone: string, limit = 50): Promise<MessageRecord[]> {
    return (await this.pageByPhone(phone, { limit: Math.min(limit, 100) })).messages;
  }

  /**
   * The keys from the keys-only `byPhone` index, then the items. One key more than the page is read,
   * so a page that ends the history says so (DynamoDB's own LastEvaluatedKey does not: a query that
   * stops at its limit always has one).
   */
  async pageByPhone(
    phone: string,
    page: { readonly limit: number; readonly after?: HistoryPosition },
  ): Promise<{ messages: MessageRecord[]; next?: HistoryPosition }> {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byPhone',
        ...named({ KeyConditionExpression: '#phone = :phone' }),
        ExpressionAttributeValues: { ':phone': phone },
        ScanIndexForward: false,
        Limit: page.limit + 1,
        ...(page.after
          ? { ExclusiveStartKey: { phone, at: page.after.at, messageId: page.after.messageId } }
          : {}),
      }),
    );
    const keys = (result.Items ?? []).map((item) => ({
      messageId: item.messageId as string,
      at: item.at as string,
    }));
    const shown = keys.slice(0, page.limit);
    const items = await batchGetAll(
      this.table,
      shown.map(({ messageId }) => ({ messageId })),
    );
    const found = new Map(items.map((item) => [String(item.messageId), parseMessage(item)]));
    const last = shown.at(-1);
    return {
      // A message that expired between the two reads is left out.
      messages: shown.flatMap(({ messageId }) => found.get(messageId) ?? []),
      ...(keys.length > page.limit && last ? { next: last } : {}),
    };
  }
}
