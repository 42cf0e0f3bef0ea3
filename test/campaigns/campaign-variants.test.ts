/**
 * An A/B campaign through the local runtime: each subscriber gets the variant its number hashes to
 * (and only that one), every message records its variant, the create call's estimate and warnings
 * cover every variant, and `GET /v1/campaigns/{id}` splits sent, delivered, clicks, orders and
 * revenue by variant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { campaignMessageId } from '../../lambdas/domain/campaign-send-decision';
import { variantFor } from '../../lambdas/domain/campaign-variants';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

interface VariantView {
  name: string;
  weight: number;
  counters: { sent: number; delivered: number; clicks: number; orders: number; revenue: number };
}
interface CampaignView {
  state: string;
  body: string;
  variants: VariantView[] | null;
  counters: {
    sent: number;
    delivered: number;
    clicks: number;
    orders: number;
    revenue: number;
    skipped: Record<string, number>;
  };
}

// 15:00 in Seattle (206): inside the sending window.
const START = new Date('2026-11-10T23:00:00Z');
const VARIANTS = [
  { name: 'percent', body: 'Acme Coffee: 20% off beans today https://acme-coffee.example/a', weight: 1 },
  {
    name: 'gift',
    // Over 4 segments: the estimate counts the longest variant, and the lint warns of this one.
    body: `Acme Coffee: a free mug with any order today, while they last. ${'Fresh roasts every week. '.repeat(24)}https://acme-coffee.example/b`,
    weight: 1,
  },
];

describe('A/B campaign variants', () => {
  let runtime: TestRuntime;
  const phones = phoneNumbers('206', 40);
  let campaignId: string;
  let created: { estimate: { segmentsPerMessage: number }; warnings: { code: string; message: string }[] };
  const view = async () => (await runtime.get<CampaignView>(`/v1/campaigns/${campaignId}`)).body;
  const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
  const codeOf = (body: string) => body.match(/\/r\/([0-9A-Za-z]+)/)?.[1];

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 100, config: KEYWORDS_ONLY });
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const response = await runtime.post<typeof created & { campaignId: string }>('/v1/campaigns', {
      name: 'Beans or mug',
      variants: VARIANTS,
      segment: { all: true },
      sendAt: new Date(START.getTime() + 5 * 60_000).toISOString(),
    });
    expect(response.status).toBe(201);
    ({ campaignId } = response.body);
    created = response.body;
    runtime.clock.advance(6 * 60_000);
    await waitFor(async () => (await view()).state === 'dispatched', 20_000, 'the dispatch');
    await runtime.settle();
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('refuses a campaign with both a body and variants, naming the field', async () => {
    const refused = await runtime.post<{ error: { code: string; message: string } }>('/v1/campaigns', {
      name: 'Both',
      body: 'Hello',
      variants: VARIANTS,
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('variants');
  });

  it('estimates with the longest variant and lints every variant', () => {
    expect(created.estimate.segmentsPerMessage).toBeGreaterThan(4);
    const long = created.warnings.filter((w) => w.code === 'too_many_segments');
    expect(long).toHaveLength(1);
    expect(long[0]!.message).toMatch(/^variant gift: /);
  });

  it('texts each subscriber once, with the variant its number hashes to', async () => {
    const sent = texts();
    expect(sent.map((m) => m.to).sort()).toEqual([...phones].sort());
    const got = new Map<string, string>();
    for (const message of sent) {
      const expected = variantFor(campaignId, message.to, VARIANTS)!;
      const prefix = expected.body.slice(0, expected.body.indexOf('https://'));
      expect(message.body.startsWith(prefix), message.to).toBe(true);
      got.set(message.to, expected.name);
    }
    // Both variants went out.
    expect(new Set(got.values())).toEqual(new Set(['percent', 'gift']));
    // Each message records its variant.
    const store = new DynamoMessageStore(runtime.dynamo.tableNames.messages);
    for (const phone of phones.slice(0, 10)) {
      const record = await store.get(campaignMessageId(campaignId, phone));
      expect(record?.variant, phone).toBe(got.get(phone));
    }
    // And the message history shows it.
    const history = await runtime.get<{ messages: { campaignId: string | null; variant: string | null }[] }>(
      `/v1/profiles/${encodeURIComponent(phones[0]!)}/messages`,
    );
    expect(history.body.messages.find((m) => m.campaignId === campaignId)?.variant).toBe(got.get(phones[0]!));
  });

  it('reports sent and delivered per variant, adding up to the campaign counters', async () => {
    const { counters, variants, body } = await view();
    expect(body).toBe(VARIANTS[0]!.body);
    const byName = Object.fromEntries(variants!.map((v) => [v.name, v]));
    expect(variants!.map((v) => v.name)).toEqual(['percent', 'gift']);
    const count = (name: string) =>
      texts().filter((m) => variantFor(campaignId, m.to, VARIANTS)!.name === name).length;
    for (const name of ['percent', 'gift']) {
      expect(byName[name]!.counters.sent, name).toBe(count(name));
      expect(byName[name]!.counters.delivered, name).toBe(count(name));
    }
    expect(counters).toMatchObject({ sent: 40, delivered: 40 });
    // Sent is not a skip reason.
    expect(counters.skipped).toEqual({});
  });

  it('counts a click and an attributed order under the clicker’s variant', async () => {
    const gift = texts().find((m) => variantFor(campaignId, m.to, VARIANTS)!.name === 'gift')!;
    const code = codeOf(gift.body);
    expect((await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' })).status).toBe(302);
    await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
    const ordered = await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone: gift.to,
      orderId: 'AB-1',
      total: 24,
      placedAt: runtime.clock.now().toISOString(),
    });
    expect(ordered.status).toBeLessThan(300);
    const { counters, variants } = await view();
    expect(counters).toMatchObject({ clicks: 1, orders: 1, revenue: 24 });
    const byName = Object.fromEntries(variants!.map((v) => [v.name, v.counters]));
    expect(byName.gift).toMatchObject({ clicks: 1, orders: 1, revenue: 24 });
    expect(byName.percent).toMatchObject({ clicks: 0, orders: 0, revenue: 0 });
  });
});
