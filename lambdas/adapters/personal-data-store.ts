/**
 * A number's personal data across the tables, for privacy requests: read all of it (an export) and
 * delete it (an erasure), and the suppression record that outlives an erasure. The consent log is
 * not here: it is read through its own store and never deleted.
 *
 * Short links have no index by number: a link's code is derived from its campaign's salt, the
 * number and the link's position (../domain/links.ts), so the links of a number are found from the
 * campaigns its messages came from.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { linkCode } from '../domain/links';
import type { SuppressionRecord } from '../domain/privacy';
import type { Profile } from '../domain/profile';
import type { PersonalDataStore, PersonalDataTable } from '../domain/stores/personal-data';
import { parseSuppression } from '../domain/stores/suppression-record';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import { DynamoCampaignStore } from './campaign-store';
import { DynamoMessageStore } from './message-store';
import { DynamoProfileStore } from './profile-store';

export type PersonalDataTables = Readonly<Record<PersonalDataTable, string>>;

/** Links a campaign text can carry, at most: the search for a number's links stops there. */
const MAX_LINKS_PER_TEXT = 20;
const BATCH = 25;

export class DynamoPersonalDataStore implements PersonalDataStore {
  private readonly messageStore: DynamoMessageStore;
  private readonly campaignStore: DynamoCampaignStore;
  private readonly profileStore: DynamoProfileStore;

  constructor(private readonly tables: PersonalDataTables) {
    this.messageStore = new DynamoMessageStore(tables.messages);
    this.campaignStore = new DynamoCampaignStore(tables.campaigns);
    this.profileStore = new DynamoProfileStore(tables.profiles);
  }

  profile(phone: string): Promise<Profile | undefined> {
    return this.profileStore.get(phone);
  }

  /** Every message of the number, newest first. */
  async messages(phone: string): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let after: { at: string; messageId: string } | undefined;
    do {
      const page = await this.messageStore.pageByPhone(phone, { limit: 100, ...(after ? { after } : {}) });
      all.push(...(page.messages as unknown as Record<string, unknown>[]));
      after = page.next;
    } while (after);
    return all;
  }

  async activity(phone: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoClient().send(
        new QueryCommand({
          TableName: this.tables.activity,
          ...named({ KeyConditionExpression: '#phone = :phone' }),
          ExpressionAttributeValues: { ':phone': phone },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** The short links made for the number, found from the campaigns of its messages. */
  async links(
    phone: string,
    messages: readonly Record<string, unknown>[],
  ): Promise<Record<string, unknown>[]> {
    const campaigns = new Set(
      messages.map((m) => m.campaignId).filter((id): id is string => typeof id === 'string'),
    );
    const links: Record<string, unknown>[] = [];
    for (const campaignId of campaigns) {
      const campaign = await this.campaignStore.get(campaignId);
      if (!campaign?.linkSalt) continue;
      for (let i = 0; i < MAX_LINKS_PER_TEXT; i++) {
        const { Item } = await dynamoClient().send(
          new GetCommand({
            TableName: this.tables.links,
            Key: { code: linkCode(campaign.linkSalt, phone, i) },
          }),
        );
        if (!Item || Item.phone !== phone) break;
        links.push(Item);
      }
    }
    return links;
  }

  async deleteAll(table: keyof PersonalDataTables, keys: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH) {
      let requests: Record<string, unknown>[] | undefined = keys
        .slice(i, i + BATCH)
        .map((Key) => ({ DeleteRequest: { Key } }));
      // Unprocessed deletes (throttling) are sent again until none is left.
      while (requests && requests.length > 0) {
        const name: string = this.tables[table];
        const result = await dynamoClient().send(
          new BatchWriteCommand({ RequestItems: { [name]: requests as never } }),
        );
        requests = result.UnprocessedItems?.[name] as Record<string, unknown>[] | undefined;
      }
    }
  }

  async deleteProfile(phone: string): Promise<void> {
    await dynamoClient().send(new DeleteCommand({ TableName: this.tables.profiles, Key: { phone } }));
  }

  async suppression(phoneHash: string): Promise<SuppressionRecord | undefined> {
    const { Item } = await dynamoClient().send(
      new GetCommand({ TableName: this.tables.suppressions, Key: { phoneHash }, ConsistentRead: true }),
    );
    return Item && parseSuppression(Item);
  }

  async putSuppression(record: SuppressionRecord): Promise<void> {
    await dynamoClient().send(new PutCommand({ TableName: this.tables.suppressions, Item: record }));
  }
}
