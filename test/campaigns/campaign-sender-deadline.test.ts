/**
 * The campaign sender near its Lambda timeout: it starts no new send with less than a minute left,
 * puts the recipients it did not start back on the queue, and the campaign still reaches everyone
 * once. The handler's own dependencies against the local runtime; only the pacer's rate and the
 * remaining time are chosen by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencies } from '../../lambdas/handlers/campaign-sender';
import { sendCampaignBatch } from '../../lambdas/services/campaign-sender';
import { Pacer } from '../../lambdas/services/pacer';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T23:00:00Z');

describe('campaign sender near its timeout', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 1000, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('re-queues the recipients it had no time to start, and every recipient is texted once', async () => {
    const phones = phoneNumbers('206', 60, 3000);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    // A campaign due in a day: its schedule does not fire during the test.
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Deadline',
      body: 'A note for you',
      segment: { phones },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    const batchRequestsBefore = runtime.sqs.requests.get('SendMessageBatch') ?? 0;

    // Plenty of time for the first 20 slot groups (one recipient each at 10 a second), then 59 s left.
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    let asked = 0;
    const { failedMessageIds } = await runtime.lambdas.withEnvironment('campaignSender', () =>
      sendCampaignBatch(
        { ...dependencies(), pacer: new Pacer(10), remainingMs: () => (++asked <= 20 ? 900_000 : 59_000) },
        [
          { messageId: 'm-1', campaignId, recipients: phones.slice(0, 30) },
          { messageId: 'm-2', campaignId, recipients: phones.slice(30) },
        ],
      ),
    );
    expect(failedMessageIds).toEqual([]);
    expect(texts()).toHaveLength(20);
    expect(runtime.sqs.requests.get('SendMessageBatch') ?? 0).toBeGreaterThan(batchRequestsBefore);

    // The runtime's sender drains what was put back.
    await runtime.settle();
    const texted = texts().map((m) => m.to);
    expect(new Set(texted).size).toBe(texted.length);
    expect(texted.sort()).toEqual([...phones].sort());
  });
});
