/**
 * Texts End User Messaging refuses outright (here: an origination identity it does not know) are
 * recorded `failed`, counted once under `skipped.rejected`, and settle the campaign's `pending`: a
 * redelivered batch finds their records and counts nothing again. The sender runs with the handler's
 * own dependencies against the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCampaignStore } from '../../lambdas/adapters/campaign-store';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { dependencies } from '../../lambdas/handlers/campaign-sender';
import { sendCampaignBatch } from '../../lambdas/services/campaign-sender';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T23:00:00Z');

describe('campaign texts End User Messaging refuses', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 1000, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('counts each refused text once, as settled', async () => {
    const phones = phoneNumbers('206', 4, 4000);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    // A campaign due in a day (its schedule does not fire here), then sent from a number End User
    // Messaging does not have, as a number change gone wrong would.
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Refused',
      body: 'A note for you',
      segment: { phones },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    const campaigns = new DynamoCampaignStore(runtime.dynamo.tableNames.campaigns);
    const stored = await campaigns.get(created.body.campaignId);
    const campaignId = `${created.body.campaignId}x`;
    await campaigns.putIfAbsent({ ...stored!, campaignId, originationIdentity: 'phone-0000000000000000' });
    await campaigns.recordDispatch(campaignId, 'all', { targeted: phones.length }, START.toISOString());

    const batch = [{ messageId: 'm-1', campaignId, recipients: phones }];
    const send = () =>
      runtime.lambdas.withEnvironment('campaignSender', () => sendCampaignBatch(dependencies(), batch));
    const first = await send();
    expect(first.failedMessageIds).toEqual(['m-1']);
    // SQS delivers the failed message again: every recipient is found recorded.
    await send();

    expect(runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId)).toEqual([]);
    const messages = new DynamoMessageStore(runtime.dynamo.tableNames.messages);
    for (const phone of phones) {
      expect((await messages.get(`campaign#${campaignId}#${phone}`))?.status).toBe('failed');
    }
    const view = await runtime.get<{
      counters: { targeted: number; sent: number; skipped: Record<string, number>; pending: number };
    }>(`/v1/campaigns/${campaignId}`);
    expect(view.body.counters).toMatchObject({
      targeted: 4,
      sent: 0,
      skipped: { rejected: 4 },
      pending: 0,
    });
  });
});
