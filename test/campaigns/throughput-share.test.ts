/**
 * Campaign senders sharing one number's messages per second through leases in DynamoDB (the local
 * runtime's DynamoDB-compatible server): a sender alone uses the whole rate, a newcomer starts only
 * once the others have slowed down for it, a sender that leaves or lapses gives its part back. And a
 * campaign whose queue messages fall unevenly on the two consumers stays within the number's rate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSenderLeaseStore } from '../../lambdas/adapters/sender-lease-store';
import { type SenderLeaseStore } from '../../lambdas/domain/stores/sender-lease';
import { CLAIM_CONFIRMATION_SECONDS } from '../../lambdas/domain/messages';
import { LEASE_MS } from '../../lambdas/domain/throughput-share';
import { Pacer } from '../../lambdas/services/pacer';
import { ThroughputShare } from '../../lambdas/services/throughput-share';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T23:00:00Z');

describe('throughput shares', () => {
  let runtime: TestRuntime;
  let store: SenderLeaseStore;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 100, config: KEYWORDS_ONLY });
    store = new DynamoSenderLeaseStore(runtime.dynamo.tableNames.ephemeral);
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const share = (identity: string, senderId: string, pacer: Pacer, leases = store) =>
    new ThroughputShare({ store: leases, identity, identityMps: 100, fallbackMps: 50, senderId, pacer });

  it('gives a lone sender the whole rate, halves it for a newcomer before the newcomer starts, and returns it when one leaves', async () => {
    const identity = `number-${randomUUID()}`;
    const first = new Pacer(50);
    const a = share(identity, 'a', first);
    await a.join();
    expect(first.rate).toBe(100);

    const second = new Pacer(50);
    const b = share(identity, 'b', second);
    await b.join();
    // By the time the newcomer may send, the first sender has counted it and slowed down.
    expect(first.rate).toBe(50);
    expect(second.rate).toBe(50);

    await a.leave();
    await waitFor(() => second.rate === 100, 2_000, 'the remaining sender to take the whole rate');
    await b.leave();
    expect(Object.keys(await store.renew(identity, 'probe', Date.now() + 1))).toEqual(['probe']);
  });

  it('waits for a silent sender only until its lease lapses, then takes the whole rate and removes it', async () => {
    const identity = `number-${randomUUID()}`;
    const lapsesAt = Date.now() + 500;
    await store.renew(identity, 'crashed', lapsesAt);
    const pacer = new Pacer(50);
    const survivor = share(identity, 'survivor', pacer);
    await survivor.join();
    // The silent sender never counted the newcomer: the newcomer starts once that lease has lapsed.
    expect(Date.now()).toBeGreaterThanOrEqual(lapsesAt);
    await waitFor(() => pacer.rate === 100, LEASE_MS, 'the lapsed lease to stop counting');
    await survivor.leave();
    expect(Object.keys(await store.renew(identity, 'probe', Date.now() + 1))).toEqual(['probe']);
  });

  it('falls back to an equal part of the rate when the leases cannot be written', async () => {
    const failing: SenderLeaseStore = {
      renew: () => Promise.reject(new Error('table unavailable')),
      remove: () => Promise.reject(new Error('table unavailable')),
    };
    const errors: unknown[] = [];
    const pacer = new Pacer(100);
    const lone = new ThroughputShare({
      store: failing,
      identity: 'any',
      identityMps: 100,
      fallbackMps: 50,
      senderId: 'lone',
      pacer,
      onError: (error) => errors.push(error),
    });
    await lone.join();
    expect(pacer.rate).toBe(50);
    await lone.leave();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it("keeps a campaign split unevenly over two consumers within the number's rate, everyone texted once", async () => {
    // 12 queue messages of 50: the consumers get 10 and 2 of them, so one finishes long before the other.
    const phones = phoneNumbers('206', 600, 5000);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Shares',
      body: 'A note for you',
      segment: { phones },
      sendAt: new Date(START.getTime() + 10 * 60_000).toISOString(),
    });
    expect(created.status).toBe(201);
    runtime.clock.advance(11 * 60_000);
    // The stack's recurring schedules (the conversation sweep) stay; the campaign's one-time ones go.
    const oneTimeSchedules = () =>
      [...runtime.scheduler.schedules.values()].filter((s) => s.rateMs === undefined);
    await waitFor(() => oneTimeSchedules().length === 0, 10_000, 'the schedule to fire');
    // On a loaded machine a sender can run out of time: the claims it left unconfirmed wait on the
    // queue for their window, then go (once). Moved past each window until the queue is empty.
    for (let windows = 0; windows < 4; windows += 1) {
      const { waiting } = await runtime.settle();
      if (!waiting.some((work) => work.kind === 'queue')) break;
      runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    }

    const texted = runtime.sms.outbox
      .filter((m) => m.context.campaignId === created.body.campaignId)
      .map((m) => m.to);
    expect(texted).toHaveLength(phones.length);
    expect(new Set(texted).size).toBe(phones.length);
    // Nothing injected: any refusal would mean the senders together asked faster than 100 a second.
    expect(runtime.sms.refusals.get('ThrottlingException') ?? 0).toBe(0);
    expect(runtime.lambdas.stats.get('campaignSender')?.invocations).toBeGreaterThanOrEqual(2);
  });
});
