/** Short links (pk `code`), claimed one by one by the sender and read by the redirect. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { LinkRecord, LinkStore } from '../domain/stores/link';
import { parseLink } from '../domain/stores/link-record';

export class DynamoLinkStore implements LinkStore {
  constructor(private readonly table: string) {}

  async claim(link: LinkRecord): Promise<boolean> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: link,
          // A retried send writes its own link again (same message, same target): that is no collision.
          ...named({
            ConditionExpression: 'attribute_not_exists(#code) OR (#messageId = :messageId AND #url = :url)',
          }),
          ExpressionAttributeValues: { ':messageId': link.messageId, ':url': link.url },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(code: string): Promise<LinkRecord | undefined> {
    const result = await dynamoClient().send(new GetCommand({ TableName: this.table, Key: { code } }));
    return result.Item && parseLink(result.Item);
  }

  async countClick(code: string, at: string): Promise<number> {
    const result = await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { code },
        ...named({
          UpdateExpression: 'ADD #clicks :one SET #lastClickAt = :at',
          ConditionExpression: 'attribute_exists(#code)',
        }),
        ExpressionAttributeValues: { ':one': 1, ':at': at },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return Number(result.Attributes?.clicks ?? 0);
  }
}
