/** Short links (pk `code`), written in batches by the sender and read by the redirect. */
import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { LinkRecord, LinkStore } from '../domain/stores/link';

const BATCH = 25;

export class DynamoLinkStore implements LinkStore {
  constructor(private readonly table: string) {}

  async putAll(links: readonly LinkRecord[]): Promise<void> {
    for (let i = 0; i < links.length; i += BATCH) {
      let requests = links.slice(i, i + BATCH).map((link) => ({ PutRequest: { Item: link } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const result = await dynamoClient().send(
          new BatchWriteCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length > 0) {
          if (attempt >= 8) throw new Error(`${requests.length} short links could not be written`);
          await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
        }
      }
    }
  }

  async get(code: string): Promise<LinkRecord | undefined> {
    const result = await dynamoClient().send(new GetCommand({ TableName: this.table, Key: { code } }));
    return result.Item as LinkRecord | undefined;
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
