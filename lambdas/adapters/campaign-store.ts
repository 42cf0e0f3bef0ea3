/** Campaigns (pk `campaignId`): definition, state and counters (updated with atomic ADDs). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignEstimate, CampaignSchedule, CampaignState } from '../domain/campaigns';
import type { WinnerDecision } from '../domain/campaign-variants';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { CounterDelta, CampaignStore } from '../domain/stores/campaign';
import { parseCampaign } from '../domain/stores/campaign-record';

/** Counters kept as maps of numbers (by reason, by window): each entry is added under its own key. */
const COUNTER_MAPS = ['skipped', 'targetedByWindow', 'settledByWindow', 'variantCounts'] as const;

function counterUpdate(delta: CounterDelta) {
  const parts: string[] = [];
  const names: Record<string, string> = { '#counters': 'counters' };
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(delta)) {
    if (typeof value !== 'number' || value === 0) continue;
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    parts.push(`#counters.#${key} :${key}`);
  }
  COUNTER_MAPS.forEach((map, m) => {
    Object.entries(delta[map] ?? {}).forEach(([entry, count], i) => {
      if (count === 0) return;
      names[`#${map}`] = map;
      names[`#m${m}k${i}`] = entry;
      values[`:m${m}k${i}`] = count;
      parts.push(`#counters.#${map}.#m${m}k${i} :m${m}k${i}`);
    });
  });
  return { parts, names, values };
}

export class DynamoCampaignStore implements CampaignStore {
  constructor(private readonly table: string) {}

  async putIfAbsent(campaign: Campaign): Promise<boolean> {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: campaign,
          ...named({ ConditionExpression: 'attribute_not_exists(#campaignId)' }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { campaignId }, ConsistentRead: true }),
    );
    return result.Item ? parseCampaign(result.Item) : undefined;
  }

  async transition(
    campaignId: string,
    from: readonly CampaignState[],
    to: CampaignState,
    at: string,
  ): Promise<boolean> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { campaignId },
          ...named({
            UpdateExpression: `SET #state = :to${to === 'cancelled' ? ', #cancelledAt = :at' : ''}`,
            ConditionExpression: `#state IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          }),
          ExpressionAttributeValues: {
            ':to': to,
            ...Object.fromEntries(from.map((s, i) => [`:f${i}`, s])),
            ...(to === 'cancelled' ? { ':at': at } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async finishEstimate(
    campaignId: string,
    estimate: CampaignEstimate,
    schedules: readonly CampaignSchedule[],
  ): Promise<boolean> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { campaignId },
          ...named({
            UpdateExpression: 'SET #state = :scheduled, #estimate = :estimate, #schedules = :schedules',
            ConditionExpression: '#state = :estimating',
          }),
          ExpressionAttributeValues: {
            ':scheduled': 'scheduled',
            ':estimating': 'estimating',
            ':estimate': estimate,
            ':schedules': schedules,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async addCounters(campaignId: string, delta: CounterDelta): Promise<void> {
    const { parts, names, values } = counterUpdate(delta);
    if (parts.length === 0) return;
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { campaignId },
        ...named({
          UpdateExpression: `ADD ${parts.join(', ')}`,
          ConditionExpression: 'attribute_exists(#campaignId)',
          ExpressionAttributeNames: names,
        }),
        ExpressionAttributeValues: values,
      }),
    );
  }

  async decideWinner(campaignId: string, decision: WinnerDecision): Promise<boolean> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { campaignId },
          ...named({
            UpdateExpression: 'SET #winnerDecision = :decision',
            ConditionExpression: 'attribute_exists(#campaignId) AND attribute_not_exists(#winnerDecision)',
          }),
          ExpressionAttributeValues: { ':decision': decision },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordDispatch(
    campaignId: string,
    dispatchKey: string,
    delta: CounterDelta,
    at: string,
  ): Promise<boolean> {
    const { parts, names, values } = counterUpdate(delta);
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { campaignId },
          ...named({
            UpdateExpression: `SET #dispatched.#key = :at${parts.length ? ` ADD ${parts.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_exists(#campaignId) AND attribute_not_exists(#dispatched.#key)',
            ExpressionAttributeNames: { ...names, '#key': dispatchKey },
          }),
          ExpressionAttributeValues: { ...values, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
