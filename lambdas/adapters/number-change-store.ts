/**
 * Number changes (pk `changeId`) and the item `@current`, which names the origination identity in
 * use after a change (before any change, the deployment's configured identity is used).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import { systemClock } from './system-clock';
import type { NumberChange, CurrentIdentity, NumberChangeStore } from '../domain/stores/number-change';
import { parseCurrentIdentity, parseNumberChange } from '../domain/stores/number-change-record';

const CURRENT = '@current';

export class DynamoNumberChangeStore implements NumberChangeStore {
  constructor(private readonly table: string) {}

  async put(change: NumberChange): Promise<void> {
    await dynamoClient().send(
      new PutCommand({
        TableName: this.table,
        Item: change,
        ...named({ ConditionExpression: 'attribute_not_exists(#changeId)' }),
      }),
    );
  }

  async get(changeId: string): Promise<NumberChange | undefined> {
    if (changeId === CURRENT) return undefined;
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { changeId }, ConsistentRead: true }),
    );
    return result.Item && parseNumberChange(result.Item);
  }

  async markSwitched(changeId: string, at: string): Promise<void> {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { changeId },
        ...named({
          UpdateExpression: 'SET #state = :switched, #switchedAt = if_not_exists(#switchedAt, :at)',
          ConditionExpression: 'attribute_exists(#changeId)',
        }),
        ExpressionAttributeValues: { ':switched': 'switched', ':at': at },
      }),
    );
  }

  async current(): Promise<CurrentIdentity | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { changeId: CURRENT } }),
    );
    return result.Item && parseCurrentIdentity(result.Item);
  }

  async setCurrent(current: CurrentIdentity): Promise<void> {
    await dynamoClient().send(
      new PutCommand({ TableName: this.table, Item: { changeId: CURRENT, ...current } }),
    );
  }
}

/**
 * The identity in use now, read at most once a minute per execution environment: a switch reaches
 * every function within a minute. The minute is counted on the handlers' clock, so the local
 * runtime's virtual clock moves it as it moves the switch itself.
 */
export class CurrentIdentityCache {
  private cached: { value: Promise<CurrentIdentity | undefined>; at: number } | undefined;

  constructor(
    private readonly store: Pick<NumberChangeStore, 'current'>,
    private readonly ttlMs = 60_000,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(): Promise<CurrentIdentity | undefined> {
    const now = this.clock.now().getTime();
    if (!this.cached || now - this.cached.at >= this.ttlMs) {
      // Sends in flight together share one read; a failed read is not kept.
      const value = this.store.current();
      const entry = { value, at: now };
      this.cached = entry;
      value.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return this.cached.value;
  }
}
