/**
 * Short-lived records (pk `key`, TTL `expiresAt` in epoch seconds): fixed-window rate-limit counters
 * and one-time verification codes. DynamoDB deletes them after expiry; reads also check the expiry,
 * since TTL deletion can lag by hours.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitBucket } from '../domain/rate-limits';
import type { Verification } from '../domain/verification';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { EphemeralStore } from '../domain/stores/ephemeral';
import { parseVerification } from '../domain/stores/verification-record';

const epochSeconds = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000);

export class DynamoEphemeralStore implements EphemeralStore {
  constructor(private readonly table: string) {}

  async consume(buckets: readonly RateLimitBucket[]): Promise<RateLimitBucket | undefined> {
    for (const bucket of buckets) {
      try {
        await dynamoClient().send(
          new UpdateCommand({
            TableName: this.table,
            Key: { key: bucket.key },
            ...named({
              UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expires)',
              ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            }),
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': bucket.limit,
              ':expires': epochSeconds(bucket.expiresAt),
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return bucket;
        throw error;
      }
    }
    return undefined;
  }

  async putVerification(verification: Verification): Promise<void> {
    await dynamoClient().send(
      new PutCommand({
        TableName: this.table,
        Item: {
          key: `otp#${verification.phone}`,
          phone: verification.phone,
          codeHash: verification.codeHash,
          salt: verification.salt,
          createdAt: verification.createdAt,
          attempts: verification.attempts,
          expiresAtIso: verification.expiresAt,
          expiresAt: epochSeconds(verification.expiresAt),
        },
      }),
    );
  }

  async getVerification(phone: string): Promise<Verification | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { key: `otp#${phone}` }, ConsistentRead: true }),
    );
    return result.Item && parseVerification(result.Item);
  }

  async countAttempt(phone: string, maxAttempts: number): Promise<boolean> {
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key: `otp#${phone}` },
          ...named({
            UpdateExpression: 'ADD #attempts :one',
            ConditionExpression: 'attribute_exists(#key) AND #attempts < :max',
          }),
          ExpressionAttributeValues: { ':one': 1, ':max': maxAttempts },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async consumeVerification(phone: string): Promise<boolean> {
    try {
      await dynamoClient().send(
        new DeleteCommand({
          TableName: this.table,
          Key: { key: `otp#${phone}` },
          ...named({ ConditionExpression: 'attribute_exists(#key)' }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
