/**
 * A batch SQS delivers twice (the first invocation died after its work was done): nobody is texted
 * twice, and the campaign's counters count every recipient once, the ones skipped at send time
 * included. The handler's own dependencies against the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '../../lambdas/handlers/campaign-sender';
import { sendCampaignBatch } from '../../lambdas/services/campaign-sender';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T23:00:00Z');

describe('campaign sender, batch delivered twice', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 1000, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('texts each eligible recipient once and counts each skipped one once', async () => {
    const eligible = phoneNumbers('206', 4, 7000);
    const [optedOut, paused] = phoneNumbers('206', 2, 7100);
    await seedProfiles(runtime, [
      ...eligible.map((phone) => seedProfile(phone, 'eligible', START)),
      seedProfile(optedOut!, 'opted_out', START),
      seedProfile(paused!, 'paused', START),
    ]);
    const phones = [...eligible, optedOut!, paused!];
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Twice',
      body: 'A note for you',
      segment: { phones },
      excludePausedProperty: 'Paused-BFCM2025',
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    const batch = [{ messageId: 'm-1', campaignId, recipients: phones }];

    for (let delivery = 0; delivery < 2; delivery++) {
      const { failedMessageIds } = await runtime.lambdas.withEnvironment('campaignSender', () =>
        sendCampaignBatch(dependencies(), batch),
      );
      expect(failedMessageIds).toEqual([]);
    }

    const texted = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId).map((m) => m.to);
    expect(texted.sort()).toEqual([...eligible].sort());
    const campaign = await runtime.get<{ counters: { sent: number; skipped: Record<string, number> } }>(
      `/v1/campaigns/${campaignId}`,
    );
    expect(campaign.body.counters.sent).toBe(eligible.length);
    expect(campaign.body.counters.skipped).toEqual({ opted_out: 1, paused: 1 });
  });
});
