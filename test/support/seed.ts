/**
 * Seeds profiles straight into the local DynamoDB (as the consent projection would leave them), for
 * campaign tests and benchmarks that need thousands of subscribers in a second.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marketingShardOf } from '../../lambdas/domain/stores/profile';
import type { Profile } from '../../lambdas/domain/profile';
import type { LocalRuntime } from '../../local/runtime';

export type SeedKind = 'eligible' | 'opted_out' | 'paused' | 'error_segment' | 'recently_texted' | 'pending';

export function seedProfile(
  phone: string,
  kind: SeedKind,
  now: Date,
  extra: Partial<Profile> = {},
): Profile & { marketingShard?: string } {
  const at = new Date(now.getTime() - 40 * 86_400_000).toISOString();
  const base: Profile = {
    phone,
    marketing: 'subscribed',
    transactional: 'never_subscribed',
    marketingConfirmedBy: 'double_opt_in',
    marketingSubscribedAt: at,
    properties: { $source: 'seed' },
    consentVersion: 2,
    lastMarketingAt: at,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
  const profile: Profile =
    kind === 'opted_out'
      ? { ...base, marketing: 'unsubscribed', transactional: 'unsubscribed', optedOutAt: at }
      : kind === 'pending'
        ? { ...base, marketing: 'pending' }
        : kind === 'paused'
          ? { ...base, properties: { ...base.properties, 'Paused-BFCM2025': true } }
          : kind === 'error_segment'
            ? {
                ...base,
                deliveryError: {
                  at: new Date(now.getTime() - 3 * 86_400_000).toISOString(),
                  permanent: false,
                  reason: 'TEXT_CARRIER_UNREACHABLE',
                },
              }
            : kind === 'recently_texted'
              ? { ...base, lastSmsAt: new Date(now.getTime() - 3_600_000).toISOString() }
              : base;
  const marketable = profile.marketing === 'subscribed' && !profile.optedOutAt;
  return marketable ? { ...profile, marketingShard: marketingShardOf(phone) } : profile;
}

export async function seedProfiles(runtime: LocalRuntime, profiles: readonly object[]): Promise<void> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: runtime.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
  const table = runtime.dynamo.tableNames.profiles;
  for (let i = 0; i < profiles.length; i += 25) {
    let requests = profiles
      .slice(i, i + 25)
      .map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } }));
    while (requests.length > 0) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
  client.destroy();
}

/** `count` numbers in distinct NANP blocks of one area code. */
export function phoneNumbers(areaCode: string, count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + offset;
    return `+1${areaCode}${200 + Math.floor(n / 9000)}${String(1000 + (n % 9000))}`;
  });
}
