/**
 * State message caps in `send()` against the local runtime's DynamoDB: the count is reserved on the
 * profile with a version condition, so senders racing for a Florida number's last slots send three
 * texts and no more, and a retry of a counted text is not counted again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '../../lambdas/handlers/campaign-sender';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import { send } from '../../lambdas/services/send';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T16:00:00Z'); // 11:00 in Miami

describe('state message caps in send()', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const text = (to: string, key: string) =>
    runtime.lambdas.withEnvironment('campaignSender', () =>
      send(dependencies(), {
        to,
        body: `Offer ${key}`,
        messageClass: 'marketing',
        idempotencyKey: key,
        smartSending: false,
      }),
    );

  it('sends three of eight concurrent marketing texts to a Florida number and skips the rest', async () => {
    const phone = '+13055550111';
    await seedProfiles(runtime, [seedProfile(phone, 'eligible', START)]);
    const keys = Array.from({ length: 8 }, (_, i) => `race-${i}`);

    const results = await Promise.all(keys.map((key) => text(phone, key)));

    expect(results.filter((r) => r.status === 'sent')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'skipped' && r.reason === 'state_frequency_cap')).toHaveLength(
      5,
    );
    expect(runtime.sms.outbox.filter((m) => m.to === phone)).toHaveLength(3);
    const profile = await new DynamoProfileStore(runtime.dynamo.tableNames.profiles).get(phone);
    expect(profile?.stateCapSends?.map((e) => e.messageId).sort()).toEqual(
      results.flatMap((r) => (r.status === 'sent' ? [r.messageId] : [])).sort(),
    );
  });

  it('counts a retried text once, and frees a slot 24 hours after the oldest text', async () => {
    const phone = '+13055550112';
    await seedProfiles(runtime, [seedProfile(phone, 'eligible', START)]);
    expect((await text(phone, 'one')).status).toBe('sent');
    expect((await text(phone, 'one')).status).toBe('duplicate');
    expect((await text(phone, 'two')).status).toBe('sent');
    expect((await text(phone, 'three')).status).toBe('sent');
    expect(await text(phone, 'four')).toMatchObject({ status: 'skipped', reason: 'state_frequency_cap' });

    runtime.clock.advance(24 * 3_600_000 + 60_000);
    expect((await text(phone, 'five')).status).toBe('sent');
  });

  it('leaves a New York number uncapped', async () => {
    const phone = '+12125550113';
    await seedProfiles(runtime, [seedProfile(phone, 'eligible', START)]);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((key) => text(phone, `ny-${key}`)));
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });
});
