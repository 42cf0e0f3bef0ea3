/**
 * An A/B campaign that picks a winner, through the local runtime: at the send time only the test
 * group is texted, each with its variant; a variant's clicks decide the winner when the Scheduler's
 * one-time schedule fires `decideAfterHours` later, and the rest of the audience gets the winner
 * through the same dispatcher and sender. Nobody gets two texts of the campaign, and whoever opted
 * out or paused between the test and the rest is not texted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTestGroup, variantFor } from '../../lambdas/domain/campaign-variants';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

interface CampaignView {
  state: string;
  variants: { name: string; counters: { sent: number; clicks: number } }[];
  winner: {
    metric: string;
    decideAt: string;
    variant: string | null;
    decidedAt: string | null;
    scores: Record<string, number> | null;
  };
  counters: { sent: number; targeted: number; skipped: Record<string, number> };
}

// 15:00 in Seattle (206): the test and the decision two hours later are inside the sending window.
const START = new Date('2026-11-10T23:00:00Z');
const PAUSED = 'Paused-Spring';
const VARIANTS = [
  { name: 'percent', body: 'Acme Coffee: 20% off beans today https://acme-coffee.example/a', weight: 1 },
  {
    name: 'gift',
    body: 'Acme Coffee: a free mug with any order today https://acme-coffee.example/b',
    weight: 1,
  },
];

describe('A/B campaign with a winner', () => {
  let runtime: TestRuntime;
  const phones = phoneNumbers('206', 60);
  let campaignId: string;
  const view = async () => (await runtime.get<CampaignView>(`/v1/campaigns/${campaignId}`)).body;
  const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
  const testGroup = () => phones.filter((phone) => inTestGroup(campaignId, phone, 0.4));
  const rest = () => phones.filter((phone) => !inTestGroup(campaignId, phone, 0.4));
  const codeOf = (body: string) => body.match(/\/r\/([0-9A-Za-z]+)/)?.[1];
  const variantOf = (phone: string) => variantFor(campaignId, phone, VARIANTS)!.name;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 100, config: KEYWORDS_ONLY });
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Beans or mug, best to all',
      variants: VARIANTS,
      winner: { metric: 'clicks', testFraction: 0.4, decideAfterHours: 2 },
      segment: { all: true },
      sendAt: new Date(START.getTime() + 5 * 60_000).toISOString(),
      excludePausedProperty: PAUSED,
    });
    expect(created.status).toBe(201);
    campaignId = created.body.campaignId;
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('refuses a winner without variants, naming the field', async () => {
    const refused = await runtime.post<{ error: { message: string } }>('/v1/campaigns', {
      name: 'No variants',
      body: 'Hello',
      winner: { metric: 'clicks', testFraction: 0.2, decideAfterHours: 4 },
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('winner');
  });

  it('texts only the test group at the send time, each with its variant', async () => {
    runtime.clock.advance(6 * 60_000);
    await waitFor(async () => (await view()).counters.targeted > 0, 20_000, 'the test dispatch');
    await runtime.settle();
    const sent = texts();
    expect(testGroup().length).toBeGreaterThan(10);
    expect(rest().length).toBeGreaterThan(10);
    expect(sent.map((m) => m.to).sort()).toEqual(testGroup().sort());
    for (const message of sent) expect(codeOf(message.body)).toBeDefined();
    for (const message of sent)
      expect(
        message.body.startsWith(VARIANTS.find((v) => v.name === variantOf(message.to))!.body.slice(0, 30)),
      ).toBe(true);
    const { state, winner } = await view();
    expect(state).toBe('sending');
    expect(winner).toMatchObject({ metric: 'clicks', variant: null, decidedAt: null });
    expect(Date.parse(winner.decideAt)).toBe(START.getTime() + 5 * 60_000 + 2 * 3_600_000);
  });

  it('decides the winner by clicks and sends it to the rest, skipping who opted out or paused since', async () => {
    // The gift variant gets the clicks.
    const sent = texts();
    const giftTexts = sent.filter((m) => variantOf(m.to) === 'gift');
    const percentTexts = sent.filter((m) => variantOf(m.to) === 'percent');
    expect(giftTexts.length).toBeGreaterThanOrEqual(2);
    expect(percentTexts.length).toBeGreaterThanOrEqual(1);
    for (const message of [...giftTexts.slice(0, 2), percentTexts[0]!])
      expect((await fetch(`${runtime.url}/r/${codeOf(message.body)}`, { redirect: 'manual' })).status).toBe(
        302,
      );

    // Between the test and the rest: one of the rest opts out, another is paused for this campaign.
    const [optedOut, paused] = rest();
    await runtime.text(optedOut!, 'STOP');
    await seedProfiles(runtime, [
      seedProfile(paused!, 'eligible', START, { properties: { [PAUSED]: true } }),
    ]);

    runtime.clock.advance(2 * 3_600_000);
    await waitFor(async () => (await view()).state === 'dispatched', 20_000, 'the winner dispatch');
    await runtime.settle();

    const { winner, variants, counters } = await view();
    expect(winner).toMatchObject({ variant: 'gift', scores: { gift: 2, percent: 1 } });
    expect(winner.decidedAt).not.toBeNull();

    const restTexts = texts().filter((m) => !inTestGroup(campaignId, m.to, 0.4));
    const expectedRest = rest().filter((phone) => phone !== optedOut && phone !== paused);
    expect(restTexts.map((m) => m.to).sort()).toEqual(expectedRest.sort());
    for (const message of restTexts) expect(message.body.startsWith('Acme Coffee: a free mug')).toBe(true);

    // Nobody got two texts of the campaign: the test group is not texted again.
    const perPhone = new Map<string, number>();
    for (const message of texts()) perPhone.set(message.to, (perPhone.get(message.to) ?? 0) + 1);
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    expect(perPhone.has(optedOut!)).toBe(false);
    expect(perPhone.has(paused!)).toBe(false);

    // The rest's texts count under the winner.
    const byName = Object.fromEntries(variants.map((v) => [v.name, v.counters]));
    expect(byName.gift!.sent).toBe(giftTexts.length + expectedRest.length);
    expect(byName.percent!.sent).toBe(percentTexts.length);
    expect(counters.sent).toBe(texts().length);
  });
});
