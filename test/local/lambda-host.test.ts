/**
 * Fault injection in the local Lambda host: `crashAfterNext` lets the handler finish, then fails the
 * invocation, the worst case for at-least-once triggers (work done, acknowledgement lost);
 * `killDuringNext` kills an invocation part-way, the worst case for at-most-once sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_CONFIRMATION_SECONDS } from '../../lambdas/domain/messages';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { claimedNotSent } from '../support/message-records';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

// 15:00 in Seattle: inside quiet hours' window.
const START = new Date('2026-11-10T23:00:00Z');

describe('lambda host crash injection', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 500, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('fails the next invocation after its handler ran, then runs normally again', async () => {
    const phone = '+12065550177';
    runtime.lambdas.crashAfterNext('inboundSms');
    // SNS took the text; the invocation failed after its handler finished, reply sent.
    await runtime.sms.receive({ from: phone, body: 'HELP' });
    expect(runtime.sms.messagesTo(phone)).toHaveLength(1);
    expect(runtime.lambdas.stats.get('inboundSms')).toMatchObject({ invocations: 1, errors: 1 });

    // Lambda retries the asynchronous invocation: the reply is recorded, so it is not sent again.
    await runtime.settle();
    expect(runtime.sms.messagesTo(phone)).toHaveLength(1);
    expect(runtime.lambdas.stats.get('inboundSms')).toMatchObject({ invocations: 2, errors: 1 });

    await runtime.sms.receive({ from: phone, body: 'HELP' });
    expect(runtime.sms.messagesTo(phone)).toHaveLength(2);
    expect(runtime.lambdas.stats.get('inboundSms')).toMatchObject({ invocations: 3, errors: 1 });
  });

  it('makes SQS redeliver a campaign batch whose texts were sent, and nobody is texted twice', async () => {
    const phones = phoneNumbers('206', 120);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Crash',
      body: 'A note for you',
      segment: { all: true },
      sendAt: new Date(START.getTime() + 10 * 60_000).toISOString(),
    });
    expect(created.status).toBe(201);
    runtime.lambdas.crashAfterNext('campaignSender');
    runtime.clock.advance(11 * 60_000);
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === created.body.campaignId);
    await waitFor(() => texts().length >= phones.length, 20_000, 'every recipient texted');
    await waitFor(
      () => (runtime.lambdas.stats.get('campaignSender')?.invocations ?? 0) >= 2,
      10_000,
      'redelivery',
    );
    await runtime.settle();

    const texted = texts().map((m) => m.to);
    expect(new Set(texted).size).toBe(texted.length);
    expect(texted.sort()).toEqual([...phones].sort());
    expect(runtime.lambdas.stats.get('campaignSender')?.errors).toBe(1);
    expect(runtime.sqs.depth('optline-local-campaignSends-dlq').visible).toBe(0);
  });

  it('kills a sender invocation part-way: nobody is texted twice, and the texts it claimed but never sent go once their claims are unconfirmed for 15 minutes', async () => {
    const phones = phoneNumbers('425', 300);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const sendAt = new Date(runtime.clock.now().getTime() + 10 * 60_000);
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Killed',
      body: 'Another note for you',
      segment: { all: true },
      sendAt: sendAt.toISOString(),
    });
    expect(created.status).toBe(201);
    const before = runtime.lambdas.stats.get('campaignSender')?.errors ?? 0;
    runtime.lambdas.killDuringNext('campaignSender', 40);
    runtime.clock.advance(11 * 60_000);
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === created.body.campaignId);
    await waitFor(() => runtime.lambdas.killed.get('campaignSender') === 1, 20_000, 'the kill');
    await waitFor(
      () => (runtime.lambdas.stats.get('campaignSender')?.invocations ?? 0) >= 4,
      20_000,
      'redelivery',
    );
    // The redelivered batch is done: what it could not send waits on the queue, delayed.
    const queue = () => runtime.sqs.depth('optline-local-campaignSends');
    await waitFor(
      () => queue().visible === 0 && queue().notVisible === 0 && queue().delayed > 0,
      20_000,
      'the unconfirmed claims held',
    );

    const texted = texts().map((m) => m.to);
    expect(new Set(texted).size).toBe(texted.length);
    expect(runtime.lambdas.stats.get('campaignSender')?.errors).toBe(before + 1);
    expect(runtime.sqs.depth('optline-local-campaignSends-dlq').visible).toBe(0);

    // Whoever was not texted yet was claimed by the killed invocation and never sent; the claims the
    // kill interrupted mid-call were confirmed by End User Messaging's delivery events.
    const claimed = await claimedNotSent(runtime, created.body.campaignId);
    const notTexted = phones.filter((phone) => !texted.includes(phone));
    expect(notTexted.length).toBeGreaterThan(0);
    expect([...claimed].sort()).toEqual([...notTexted].sort());
    expect(texted.length).toBeGreaterThan(0);

    // The redelivered batch held them back; once their claims are 15 minutes old they go, once.
    runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    await waitFor(() => texts().length >= phones.length, 20_000, 'the unconfirmed claims sent');
    // A claim found while another invocation was sending it waits one more window (then finds it sent).
    runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    await runtime.settle();
    const all = texts().map((m) => m.to);
    expect(all.sort()).toEqual([...phones].sort());
    expect(await claimedNotSent(runtime, created.body.campaignId)).toEqual(new Set());
    expect(runtime.sqs.depth('optline-local-campaignSends-dlq').visible).toBe(0);
  });
});
