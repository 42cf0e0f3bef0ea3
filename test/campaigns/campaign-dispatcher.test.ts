/**
 * The dispatcher pages every shard of the subscriber index at once (a 10-million-subscriber dispatch
 * would take most of Lambda's 15 minutes shard by shard), and still enqueues each eligible recipient
 * once. The handler's own dependencies against the local runtime; the profile store is observed, not
 * replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETING_SHARDS, type ProfileStore } from '../../lambdas/domain/stores/profile';
import { dependencies } from '../../lambdas/handlers/campaign-dispatcher';
import { dispatchCampaign } from '../../lambdas/services/campaigns';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

const START = new Date('2026-11-10T17:00:00Z');

/** The real store, counting how many index pages are being read at the same moment. */
function observed(store: ProfileStore) {
  const pages = { inFlight: 0, most: 0, read: 0 };
  const profiles = Object.create(store) as ProfileStore;
  profiles.marketingSubscribers = async (shard, startKey) => {
    pages.inFlight += 1;
    pages.most = Math.max(pages.most, pages.inFlight);
    try {
      return await store.marketingSubscribers(shard, startKey);
    } finally {
      pages.inFlight -= 1;
      pages.read += 1;
    }
  };
  return { profiles, pages };
}

describe('campaign dispatcher', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 1000, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('reads all shards at once and enqueues every eligible recipient once', async () => {
    // 160 numbers fill every shard (5 to 15 each) and four queue messages of 50 recipients, the last
    // one partial: every path of the dispatch. More would not change what is read at once (each shard
    // is one page of up to 500, and all are asked for together) but add texts to send.
    const eligible = phoneNumbers('503', 160, 2000);
    const optedOut = phoneNumbers('503', 10, 2600);
    await seedProfiles(runtime, [
      ...eligible.map((phone) => seedProfile(phone, 'eligible', START)),
      ...optedOut.map((phone) => seedProfile(phone, 'opted_out', START)),
    ]);
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'All at once',
      body: 'The autumn blend is here',
      segment: { all: true },
      sendAt: new Date(START.getTime() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;

    // The dispatcher's own dependencies, in its environment (its tables, queue and credentials).
    const { result, pages } = await runtime.lambdas.withEnvironment('campaignDispatcher', async () => {
      const handlerDeps = dependencies();
      const { profiles, pages } = observed(handlerDeps.profiles);
      return { result: await dispatchCampaign({ ...handlerDeps, profiles }, { campaignId }), pages };
    });

    expect(result).toEqual({ dispatched: eligible.length, recorded: true });
    expect(pages.most).toBe(MARKETING_SHARDS);
    expect(pages.read).toBeGreaterThanOrEqual(MARKETING_SHARDS);
    // The sender's work is due now: settled, every text has gone, however loaded the machine.
    await runtime.settle();
    const texted = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId).map((m) => m.to);
    expect(texted.sort()).toEqual([...eligible].sort());
    const campaign = await runtime.get<{ state: string; counters: { targeted: number; sent: number } }>(
      `/v1/campaigns/${campaignId}`,
    );
    expect(campaign.body.counters.targeted).toBe(eligible.length);
    expect(campaign.body.state).toBe('dispatched');
  });
});
