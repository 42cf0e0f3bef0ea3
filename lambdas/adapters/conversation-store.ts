/**
 * Conversations in DynamoDB: attributes of the profile item (pk `phone`), so every send that reads
 * the profile knows whether a conversation is open without another read. The sparse GSI
 * `openConversations` (`conversationOpen` = "open", sorted by `conversationLastMessageAt`) holds only
 * the open ones: listing them, and finding the ones due to close, is one Query each, never a Scan.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { planConversationMessage, type ClosedBy, type ConversationMessage } from '../domain/conversations';
import {
  OPEN_CONVERSATIONS_INDEX,
  type ConversationPosition,
  type ConversationStore,
} from '../domain/stores/conversation';
import type { Profile } from '../domain/profile';
import { parseProfile } from '../domain/stores/profile-record';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';

/** Attempts at a message's conditional write before giving up to the caller's retry. */
const RECORD_ATTEMPTS = 5;

export class DynamoConversationStore implements ConversationStore {
  constructor(private readonly table: string) {}

  async recordMessage(phone: string, message: ConversationMessage, now: Date, autoCloseHours: number) {
    for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
      const read = await dynamoClient().send(
        new GetCommand({ TableName: this.table, Key: { phone }, ConsistentRead: true }),
      );
      if (!read.Item) return undefined;
      const profile = parseProfile(read.Item);
      const update = planConversationMessage(profile, message, now, autoCloseHours);
      const set = [
        '#conversationOpen = :open',
        '#conversationOpenedAt = :openedAt',
        '#conversationLastMessageAt = :lastMessageAt',
        '#updatedAt = :now',
      ];
      const values: Record<string, unknown> = {
        ':open': 'open',
        ':openedAt': update.openedAt,
        ':lastMessageAt': update.lastMessageAt,
        ':now': now.toISOString(),
      };
      if (update.lastInbound) {
        set.push('#conversationLastInboundAt = :inboundAt', '#conversationLastInboundId = :inboundId');
        values[':inboundAt'] = update.lastInbound.at;
        values[':inboundId'] = update.lastInbound.messageId;
      }
      // Written only if nobody moved the conversation since it was read (optimistic lock on its times).
      const seen = profile.conversationLastMessageAt;
      const seenOpen = profile.conversationOpen === 'open';
      if (seen !== undefined) values[':seen'] = seen;
      const condition = [
        'attribute_exists(#phone)',
        seen === undefined
          ? 'attribute_not_exists(#conversationLastMessageAt)'
          : '#conversationLastMessageAt = :seen',
        seenOpen ? 'attribute_exists(#conversationOpen)' : 'attribute_not_exists(#conversationOpen)',
      ].join(' AND ');
      try {
        await dynamoClient().send(
          new UpdateCommand({
            TableName: this.table,
            Key: { phone },
            ...named({
              UpdateExpression: `SET ${set.join(', ')}${
                update.opens ? ' REMOVE #conversationClosedAt, #conversationClosedBy' : ''
              }`,
              ConditionExpression: condition,
            }),
            ExpressionAttributeValues: values,
          }),
        );
        return { update, profile };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt === RECORD_ATTEMPTS) throw error;
      }
    }
    return undefined;
  }

  async close(phone: string, openedAt: string, at: string, by: ClosedBy): Promise<boolean> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { phone },
          ...named({
            UpdateExpression:
              'REMOVE #conversationOpen SET #conversationClosedAt = :at, #conversationClosedBy = :by, #updatedAt = :now',
            ConditionExpression: 'attribute_exists(#conversationOpen) AND #conversationOpenedAt = :openedAt',
          }),
          ExpressionAttributeValues: { ':at': at, ':by': by, ':openedAt': openedAt, ':now': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listOpen(after: string, page: { readonly limit: number; readonly start?: ConversationPosition }) {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: OPEN_CONVERSATIONS_INDEX,
        ...named({
          KeyConditionExpression: '#conversationOpen = :open AND #conversationLastMessageAt > :after',
        }),
        ExpressionAttributeValues: { ':open': 'open', ':after': after },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(page.start
          ? {
              ExclusiveStartKey: {
                phone: page.start.phone,
                conversationOpen: 'open',
                conversationLastMessageAt: page.start.lastMessageAt,
              },
            }
          : {}),
      }),
    );
    const profiles = (result.Items ?? []).map(parseProfile);
    const last = result.LastEvaluatedKey;
    return {
      profiles,
      ...(last
        ? { next: { phone: String(last.phone), lastMessageAt: String(last.conversationLastMessageAt) } }
        : {}),
    };
  }

  async listDue(cutoff: string, limit: number): Promise<Profile[]> {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: OPEN_CONVERSATIONS_INDEX,
        ...named({
          KeyConditionExpression: '#conversationOpen = :open AND #conversationLastMessageAt <= :cutoff',
        }),
        ExpressionAttributeValues: { ':open': 'open', ':cutoff': cutoff },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(parseProfile);
  }
}
