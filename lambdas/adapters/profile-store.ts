/**
 * Profiles in DynamoDB (pk `phone`). Consent fields change only through `applyConsent`, guarded by
 * the profile's `consentVersion`; activity fields (last SMS, last inbound) are upserted freely.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryError, Profile } from '../domain/profile';
import type { StateCapReservation } from '../domain/send-policy';
import { dynamoClient } from './aws-clients';
import { batchGetAll } from './batch-get';
import { named, placeholder } from './dynamo-expression';
import { parseProfile } from '../domain/stores/profile-record';
import { lastOrderIndexAttributes } from '../domain/stores/lapsed-customers';
import {
  marketingShardOf,
  type ConsentProjection,
  type ActivityUpdate,
  type ProfileStore,
  type EngagementUpdate,
} from '../domain/stores/profile';

/**
 * The start of an update that may create the profile: `updatedAt` now, and on a new profile the
 * defaults every profile has (never subscribed to either class, consent version 0, no properties).
 */
function touchProfile(now: string): { set: string[]; values: Record<string, unknown> } {
  return {
    set: [
      '#updatedAt = :now',
      '#createdAt = if_not_exists(#createdAt, :now)',
      '#marketing = if_not_exists(#marketing, :never)',
      '#transactional = if_not_exists(#transactional, :never)',
      '#consentVersion = if_not_exists(#consentVersion, :zero)',
      '#properties = if_not_exists(#properties, :empty)',
    ],
    values: { ':now': now, ':never': 'never_subscribed', ':zero': 0, ':empty': {} },
  };
}

export class DynamoProfileStore implements ProfileStore {
  constructor(private readonly table: string) {}

  async get(phone: string): Promise<Profile | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { phone }, ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { marketingShard: _shard, ...profile } = result.Item;
    return parseProfile(profile);
  }

  async applyConsent(p: ConsentProjection): Promise<'applied' | 'stale'> {
    const { state } = p;
    const set: string[] = [
      '#marketing = :marketing',
      '#transactional = :transactional',
      '#consentVersion = :next',
      '#lastConsentEventId = :eventId',
      '#properties = :properties',
      '#updatedAt = :now',
      '#createdAt = if_not_exists(#createdAt, :now)',
    ];
    const remove: string[] = [];
    const values: Record<string, unknown> = {
      ':marketing': state.marketing,
      ':transactional': state.transactional,
      ':next': p.nextVersion,
      ':expected': p.expectedVersion,
      ':eventId': p.eventId,
      ':properties': state.properties,
      ':now': p.now,
    };
    const optional: [string, unknown][] = [
      ['optedOutAt', state.optedOutAt],
      ['marketingConfirmedBy', state.marketingConfirmedBy],
      ['optOutList', state.optOutList],
      ['beforeOptOut', state.beforeOptOut],
      ['pendingClasses', state.pendingClasses],
    ];
    for (const [name, value] of optional) {
      if (value === undefined) remove.push(placeholder(name));
      else {
        set.push(`${placeholder(name)} = :${name}`);
        values[`:${name}`] = value;
      }
    }
    for (const [name, value] of Object.entries({
      ...p.activity,
      timeZone: p.timeZone,
      consentUpdatedAt: p.consentUpdatedAt,
    })) {
      if (value === undefined) continue;
      set.push(`${placeholder(name)} = :${name}`);
      values[`:${name}`] = value;
    }
    // Sparse index: only numbers that may receive marketing carry a shard.
    if (state.marketing === 'subscribed' && state.optedOutAt === undefined) {
      set.push('#marketingShard = :shard');
      values[':shard'] = marketingShardOf(p.phone);
    } else {
      remove.push('#marketingShard');
    }
    const condition =
      p.expectedVersion === 0
        ? 'attribute_not_exists(#consentVersion) OR #consentVersion = :expected'
        : '#consentVersion = :expected';
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { phone: p.phone },
          ...named({
            UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: condition,
          }),
          ExpressionAttributeValues: values,
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  async getMany(phones: readonly string[]): Promise<Map<string, Profile>> {
    const keys = [...new Set(phones)].map((phone) => ({ phone }));
    const found = new Map<string, Profile>();
    for (const item of await batchGetAll(this.table, keys, { consistentRead: true })) {
      const { marketingShard: _shard, ...profile } = item;
      found.set(String(item.phone), parseProfile(profile));
    }
    return found;
  }

  async marketingSubscribers(shard: string, startKey?: Record<string, unknown>) {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'marketingSubscribers',
        ...named({ KeyConditionExpression: '#marketingShard = :shard' }),
        ExpressionAttributeValues: { ':shard': shard },
        ExclusiveStartKey: startKey,
        Limit: 500,
      }),
    );
    const profiles = (result.Items ?? []).map((item) => {
      const { marketingShard: _shard, ...profile } = item;
      return parseProfile(profile);
    });
    return { profiles, ...(result.LastEvaluatedKey ? { nextKey: result.LastEvaluatedKey } : {}) };
  }

  async setDeliveryError(phone: string, error: DeliveryError | undefined, now: string): Promise<void> {
    await dynamoClient()
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { phone },
          ...named({
            UpdateExpression: error
              ? 'SET #deliveryError = :error, #updatedAt = :now'
              : 'REMOVE #deliveryError SET #updatedAt = :now',
            ConditionExpression: 'attribute_exists(#phone)',
          }),
          ExpressionAttributeValues: error ? { ':error': error, ':now': now } : { ':now': now },
        }),
      )
      .catch((e: unknown) => {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      });
  }

  async recordEngagement(phone: string, update: EngagementUpdate, now: string): Promise<void> {
    const { set, values } = touchProfile(now);
    const add: string[] = [];
    for (const [name, value] of Object.entries(update.add ?? {})) {
      if (value === undefined) continue;
      add.push(`${placeholder(name)} :${name}`);
      values[`:${name}`] = value;
    }
    // "Latest" times only move forward; set them one by one (DynamoDB has no max()).
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { phone },
        ...named({ UpdateExpression: `SET ${set.join(', ')}${add.length ? ` ADD ${add.join(', ')}` : ''}` }),
        ExpressionAttributeValues: values,
      }),
    );
    for (const [name, value] of Object.entries(update.latest ?? {})) {
      if (value === undefined) continue;
      // The last order also keys the sparse `lastOrders` index, in the same conditional write: the
      // index never holds an order older than the profile's last.
      const indexed = name === 'lastOrderAt' ? lastOrderIndexAttributes(phone, value) : undefined;
      const set = [`${placeholder(name)} = :value`];
      const values: Record<string, unknown> = { ':value': value };
      for (const [attribute, indexValue] of Object.entries(indexed ?? {})) {
        set.push(`${placeholder(attribute)} = :${attribute}`);
        values[`:${attribute}`] = indexValue;
      }
      try {
        await dynamoClient().send(
          new UpdateCommand({
            TableName: this.table,
            Key: { phone },
            ...named({
              UpdateExpression: `SET ${set.join(', ')}`,
              ConditionExpression: `attribute_not_exists(${placeholder(name)}) OR ${placeholder(name)} < :value`,
            }),
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  async recordActivity(phone: string, activity: ActivityUpdate, now: string): Promise<void> {
    const { set, values } = touchProfile(now);
    for (const [name, value] of Object.entries(activity)) {
      if (value === undefined) continue;
      set.push(`${placeholder(name)} = :${name}`);
      values[`:${name}`] = value;
    }
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { phone },
        ...named({ UpdateExpression: `SET ${set.join(', ')}` }),
        ExpressionAttributeValues: values,
      }),
    );
  }

  async reserveStateCapSends(phone: string, reservation: StateCapReservation): Promise<'reserved' | 'stale'> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { phone },
          ...named({
            UpdateExpression: 'SET #stateCapSends = :entries, #stateCapVersion = :next',
            // Version 0 is a profile that never had a window written.
            ConditionExpression:
              reservation.expectedVersion === 0
                ? 'attribute_exists(#phone) AND attribute_not_exists(#stateCapVersion)'
                : '#stateCapVersion = :expected',
          }),
          ExpressionAttributeValues: {
            ':entries': reservation.entries,
            ':next': reservation.expectedVersion + 1,
            ...(reservation.expectedVersion === 0 ? {} : { ':expected': reservation.expectedVersion }),
          },
        }),
      );
      return 'reserved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }
}
