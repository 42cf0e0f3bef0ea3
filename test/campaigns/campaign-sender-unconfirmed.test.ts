/**
 * The batch a killed sender left comes back to claims still `sending`: those End User Messaging
 * confirmed (a message id, a delivery event) are left alone, those unconfirmed for
 * CLAIM_CONFIRMATION_SECONDS are taken over and sent once, younger ones wait on the queue until then.
 * The handler's own dependencies against the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { type MessageRecord } from '../../lambdas/domain/stores/message';
import { claimVerdict, CLAIM_CONFIRMATION_SECONDS } from '../../lambdas/domain/messages';
import { dependencies } from '../../lambdas/handlers/campaign-sender';
import { sendCampaignBatch } from '../../lambdas/services/campaign-sender';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

// 15:00 in Seattle: inside quiet hours' window.
const START = new Date('2026-11-10T23:00:00Z');
const QUEUE = 'optline-local-campaignSends';

describe('claim verdict', () => {
  const now = new Date('2026-11-10T23:30:00Z');
  const claim = (at: string, extra: Partial<{ status: string; awsMessageId: string }> = {}) => ({
    status: 'sending',
    at,
    ...extra,
  });

  it('resends a claim unconfirmed for the whole window, and waits for a younger one', () => {
    const old = new Date(now.getTime() - CLAIM_CONFIRMATION_SECONDS * 1000).toISOString();
    expect(claimVerdict(claim(old), now)).toEqual({ action: 'resend', claimedAt: old });
    const young = new Date(now.getTime() - CLAIM_CONFIRMATION_SECONDS * 1000 + 1).toISOString();
    expect(claimVerdict(claim(young), now)).toEqual({
      action: 'wait',
      until: new Date(now.getTime() + 1),
    });
  });

  it('leaves a claim End User Messaging confirmed, or that is gone or unreadable', () => {
    const old = '2026-11-10T20:00:00.000Z';
    expect(claimVerdict(claim(old, { awsMessageId: 'aws-1' }), now)).toEqual({ action: 'leave' });
    for (const status of ['sent', 'delivered', 'failed', 'skipped']) {
      expect(claimVerdict(claim(old, { status }), now)).toEqual({ action: 'leave' });
    }
    expect(claimVerdict(undefined, now)).toEqual({ action: 'leave' });
    expect(claimVerdict(claim('not a time'), now)).toEqual({ action: 'leave' });
  });
});

describe('campaign sender, claims a killed sender left', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 1000, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('sends the unconfirmed once, leaves the confirmed, and holds the young until their window has passed', async () => {
    const [unconfirmed, delivered, withId, young, fresh] = phoneNumbers('206', 5, 7300);
    const phones = [unconfirmed!, delivered!, withId!, young!, fresh!];
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Killed before',
      body: 'A note for you',
      segment: { phones },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;

    const store = new DynamoMessageStore(runtime.dynamo.tableNames.messages);
    const now = runtime.clock.now().getTime();
    const longAgo = new Date(now - (CLAIM_CONFIRMATION_SECONDS + 60) * 1000).toISOString();
    const claim = (phone: string, at: string): MessageRecord => ({
      messageId: `campaign#${campaignId}#${phone}`,
      phone,
      at,
      direction: 'outbound',
      status: 'sending',
      body: 'A note for you',
      messageClass: 'marketing',
      campaignId,
      expiresAt: 4_102_444_800,
    });
    for (const phone of [unconfirmed!, delivered!, withId!]) await store.putIfAbsent(claim(phone, longAgo));
    await store.putIfAbsent(claim(young!, new Date(now - 60_000).toISOString()));
    // End User Messaging took these before their sender died: a delivery event, or its answer.
    await store.transition(`campaign#${campaignId}#${delivered}`, ['sending'], 'delivered');
    await store.update(`campaign#${campaignId}#${withId}`, { awsMessageId: 'aws-before-the-kill' });

    // The same batch twice at once (a redelivery beside a duplicate queue message): one takeover wins.
    const batch = [{ messageId: 'm-1', campaignId, recipients: phones }];
    const results = await Promise.all([
      runtime.lambdas.withEnvironment('campaignSender', () => sendCampaignBatch(dependencies(), batch)),
      runtime.lambdas.withEnvironment('campaignSender', () => sendCampaignBatch(dependencies(), batch)),
    ]);
    expect(results.map((r) => r.failedMessageIds)).toEqual([[], []]);

    const texted = () =>
      runtime.sms.outbox
        .filter((m) => m.context.campaignId === campaignId)
        .map((m) => m.to)
        .sort();
    expect(texted()).toEqual([unconfirmed!, fresh!].sort());
    const record = await store.get(`campaign#${campaignId}#${unconfirmed}`);
    expect(record?.resends).toBe(1);
    expect(Date.parse(record?.at ?? '')).toBeGreaterThanOrEqual(now);
    expect(['sent', 'delivered']).toContain(record?.status);
    expect(record?.awsMessageId).toBeDefined();
    // The young claim waits on the queue (both batches held it) until 15 minutes after it was made;
    // so does a text one batch had claimed and was sending when the other found its claim.
    expect(runtime.sqs.depth(QUEUE).delayed).toBeGreaterThanOrEqual(2);

    runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    await waitFor(() => texted().includes(young!), 20_000, 'the young claim sent');
    // Both batches held the young claim: the copy that came back while the other was sending it
    // waits one more window, then finds it sent. It goes back on the queue only when its own
    // invocation ends, so that is awaited first: moved past the window before, the copy would be
    // held for the least delay, a second, and still be on the queue when the test looks.
    await runtime.settle();
    runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    await runtime.settle();
    expect(texted()).toEqual([unconfirmed!, fresh!, young!].sort());
    expect(runtime.sqs.depth(QUEUE)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
    const held = await store.get(`campaign#${campaignId}#${young}`);
    expect(held).toMatchObject({ resends: 1 });
    expect(['sent', 'delivered']).toContain(held?.status);
  });

  it('texts once when End User Messaging took the texts but their answers were lost', async () => {
    const phones = phoneNumbers('206', 3, 7400);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Answers lost',
      body: 'A note for you',
      segment: { phones },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    const batch = [{ messageId: 'm-2', campaignId, recipients: phones }];
    const texted = () =>
      runtime.sms.outbox
        .filter((m) => m.context.campaignId === campaignId)
        .map((m) => m.to)
        .sort();

    runtime.smsFaults.lostAnswerRate = 1;
    let first: { failedMessageIds: string[] };
    try {
      first = await runtime.lambdas.withEnvironment('campaignSender', () =>
        sendCampaignBatch(dependencies(), batch),
      );
    } finally {
      runtime.smsFaults.lostAnswerRate = 0;
    }
    // No answer, so the queue message fails (SQS redelivers it); End User Messaging took all three.
    expect(first.failedMessageIds).toEqual(['m-2']);
    expect(texted()).toEqual([...phones].sort());
    await runtime.settle();
    const store = new DynamoMessageStore(runtime.dynamo.tableNames.messages);
    for (const phone of phones) {
      expect((await store.get(`campaign#${campaignId}#${phone}`))?.status).toBe('delivered');
    }

    // The redelivered batch finds the claims confirmed by their delivery events: nothing more to send.
    const second = await runtime.lambdas.withEnvironment('campaignSender', () =>
      sendCampaignBatch(dependencies(), batch),
    );
    expect(second.failedMessageIds).toEqual([]);
    expect(texted()).toEqual([...phones].sort());
    expect(runtime.sqs.depth(QUEUE)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });
});
