/**
 * The consent log (pk `phone`, sk `eventKey`). Append-only: this module has no update or delete, and
 * the functions that use it are granted PutItem and Query/GetItem only. Every append is chained
 * (lambdas/domain/consent-chain.ts): the store sets the entry's `prevHash` and `hash` from the entry
 * before it, whoever appends (a keyword, a form, an import, an outcome entry).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { eventKeyOf, type ConsentLogEntry } from '../domain/consent';
import { chained, GENESIS_HASH, hashBefore, storedLinks } from '../domain/consent-chain';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import { parseConsentLogEntry } from '../domain/stores/consent-log-record';

export class DynamoConsentLogStore implements ConsentLogStore {
  constructor(private readonly table: string) {}

  async append(entry: ConsentLogEntry): Promise<'appended' | 'exists'> {
    // The entry before is never rewritten, so its hash read here is the one the next entry must
    // carry: two writers racing for the same position chain after the same hash, and the
    // condition below lets one of them in.
    const prevHash = await this.hashBefore(entry.phone, entry.seq);
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: chained(entry, prevHash),
          ...named({ ConditionExpression: 'attribute_not_exists(#eventKey)' }),
        }),
      );
      return 'appended';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  private async hashBefore(phone: string, seq: number): Promise<string> {
    if (seq <= 1) return GENESIS_HASH;
    const previous = await this.get(phone, eventKeyOf(seq - 1));
    const links = previous && storedLinks(previous);
    if (links) return links.hash;
    // Entries recorded before the chain: their hashes are computed as the migration stores them.
    return hashBefore(await this.list(phone), seq);
  }

  async get(phone: string, eventKey: string): Promise<ConsentLogEntry | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { phone, eventKey }, ConsistentRead: true }),
    );
    return result.Item ? parseConsentLogEntry(result.Item) : undefined;
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
      events.push(...(page.Items ?? []).map(parseConsentLogEntry));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}
