/**
 * `optline win-back index` against the local runtime: a profile whose last order was recorded
 * before the `lastOrders` index existed is put into it (once), where the daily sweep finds it.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../lambdas/adapters/aws-clients';
import { DynamoLapsedCustomerStore } from '../../lambdas/adapters/lapsed-customer-store';
import { lastOrderIndexAttributes } from '../../lambdas/domain/stores/lapsed-customers';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { optlineInProcess } from '../support/optline-cli';

describe('optline win-back index', () => {
  let runtime: TestRuntime;
  const table = () => runtime.dynamo.tableNames.profiles;
  const optline = (...args: string[]) => optlineInProcess(args, { env: { OPTLINE_API_URL: runtime.url } });

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('indexes the last orders recorded before the index, once', async () => {
    const phone = '+12065550150';
    // A profile as an earlier version wrote it: a last order, no index attributes.
    await dynamoClient().send(
      new PutCommand({
        TableName: table(),
        Item: {
          phone,
          marketing: 'subscribed',
          transactional: 'never_subscribed',
          consentVersion: 1,
          properties: {},
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-09-01T12:00:00.000Z',
          lastOrderAt: '2026-09-01T08:00:00-04:00',
          orderCount: 1,
        },
      }),
    );
    const window = { from: '2026-09-01T00:00:00.000Z', to: '2026-09-02T00:00:00.000Z' };
    const shard = lastOrderIndexAttributes(phone, window.from)!.lastOrderShard;
    const store = new DynamoLapsedCustomerStore(table());
    expect((await store.lastOrdersBetween(shard, window)).customers).toEqual([]);

    const run = await optline('win-back', 'index', '--table', table(), '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ found: 1, indexed: 1 });
    expect((await store.lastOrdersBetween(shard, window)).customers).toEqual([
      { phone, lastOrderAt: '2026-09-01T12:00:00.000Z' },
    ]);

    const again = await optline('win-back', 'index', '--table', table());
    expect(again.stdout).toBe('Indexed the last orders of 0 profiles (0 found unindexed)\n');
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await optline('win-back')).code).toBe(2);
    expect((await optline('win-back', 'index')).code).toBe(2);
    expect((await optline('win-back', 'index', 'extra', '--table', 'x')).code).toBe(2);
  });
});
