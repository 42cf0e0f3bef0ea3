/**
 * Campaign senders' leases on an origination identity's throughput: one item per identity in the
 * ephemeral table (`senders#<identity>`), one attribute per sender (`lease#<senderId>`, its expiry in
 * epoch milliseconds). A renewal is one conditional-free update that returns every lease, so a sender
 * learns who else is sending in the same request that keeps its own lease alive.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Leases } from '../domain/throughput-share';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type { SenderLeaseStore } from '../domain/stores/sender-lease';

const PREFIX = 'lease#';
/** The item itself outlives its last lease by a day, then TTL removes it. */
const ITEM_TTL_SECONDS = 86_400;

export class DynamoSenderLeaseStore implements SenderLeaseStore {
  constructor(private readonly table: string) {}

  async renew(identity: string, senderId: string, expiresAtMs: number): Promise<Leases> {
    const result = await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { key: itemKey(identity) },
        ...named({
          UpdateExpression: 'SET #lease = :expires, #expiresAt = :ttl',
          ExpressionAttributeNames: { '#lease': PREFIX + senderId },
        }),
        ExpressionAttributeValues: {
          ':expires': expiresAtMs,
          ':ttl': Math.floor(expiresAtMs / 1000) + ITEM_TTL_SECONDS,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const leases: Record<string, number> = {};
    for (const [name, value] of Object.entries(result.Attributes ?? {})) {
      if (name.startsWith(PREFIX) && typeof value === 'number') leases[name.slice(PREFIX.length)] = value;
    }
    return leases;
  }

  async remove(identity: string, senderIds: readonly string[]): Promise<void> {
    if (senderIds.length === 0) return;
    await dynamoClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { key: itemKey(identity) },
        UpdateExpression: `REMOVE ${senderIds.map((_, i) => `#l${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(senderIds.map((id, i) => [`#l${i}`, PREFIX + id])),
      }),
    );
  }
}

function itemKey(identity: string): string {
  return `senders#${identity}`;
}
