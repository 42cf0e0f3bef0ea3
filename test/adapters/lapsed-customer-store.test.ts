/**
 * The sparse `lastOrders` index on dynalite: the profile store keys it with each newer order in the
 * same conditional write as `lastOrderAt`, and a window of last orders is one Query per shard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLapsedCustomerStore } from '../../lambdas/adapters/lapsed-customer-store';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import { lastOrderIndexAttributes } from '../../lambdas/domain/stores/lapsed-customers';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

const NOW = '2026-12-03T15:00:00.000Z';

describe('lapsed-customer store', () => {
  let runtime: TestRuntime;
  let profiles: DynamoProfileStore;
  let customers: DynamoLapsedCustomerStore;

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY });
    profiles = new DynamoProfileStore(runtime.dynamo.tableNames.profiles);
    customers = new DynamoLapsedCustomerStore(runtime.dynamo.tableNames.profiles);
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const order = (phone: string, lastOrderAt: string) =>
    profiles.recordEngagement(phone, { latest: { lastOrderAt }, add: { orderCount: 1 } }, NOW);
  const found = async (phone: string, from: string, to: string) => {
    const shard = lastOrderIndexAttributes(phone, from)!.lastOrderShard;
    const pages = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await customers.lastOrdersBetween(shard, { from, to }, startKey);
      pages.push(...page.customers);
      startKey = page.nextKey;
    } while (startKey);
    return pages.filter((c) => c.phone === phone);
  };

  it('holds each customer once, at the newest order, in UTC', async () => {
    const phone = '+12065550140';
    await order(phone, '2026-09-01T08:00:00-04:00');
    // An older order posted late moves nothing.
    await order(phone, '2026-08-01T12:00:00.000Z');
    expect(await found(phone, '2026-08-01T00:00:00.000Z', '2026-09-30T00:00:00.000Z')).toEqual([
      { phone, lastOrderAt: '2026-09-01T12:00:00.000Z' },
    ]);
    // A newer one moves the customer out of the old window.
    await order(phone, '2026-11-01T12:00:00.000Z');
    expect(await found(phone, '2026-08-01T00:00:00.000Z', '2026-09-30T00:00:00.000Z')).toEqual([]);
    expect(await found(phone, '2026-10-01T00:00:00.000Z', '2026-11-01T12:00:00.000Z')).toEqual([
      { phone, lastOrderAt: '2026-11-01T12:00:00.000Z' },
    ]);
  });

  it('holds no profile without an order', async () => {
    const phone = '+12065550141';
    await profiles.recordActivity(phone, { lastInboundAt: NOW }, NOW);
    await profiles.recordEngagement(phone, { latest: { lastViewedAt: NOW } }, NOW);
    expect(await found(phone, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')).toEqual([]);
  });
});
