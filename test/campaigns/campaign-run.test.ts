/**
 * A campaign through the whole local runtime: API → Scheduler → dispatcher (sparse index) → SQS →
 * paced sender → End User Messaging emulator → delivery events, clicks and orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles, type SeedKind } from '../support/seed';

interface CampaignView {
  campaignId: string;
  state: string;
  counters: {
    targeted: number;
    sent: number;
    skipped: Record<string, number>;
    delivered: number;
    failed: number;
    clicks: number;
    optOuts: number;
    orders: number;
    revenue: number;
    pending: number | null;
  };
}

// 15:00 in Seattle (206): inside quiet hours' window everywhere in the US.
const START = new Date('2026-11-10T23:00:00Z');

describe('campaign run', () => {
  let runtime: TestRuntime;
  const kinds: Record<string, SeedKind> = {};
  let created: {
    campaignId: string;
    estimate: { recipients: number; segmentsPerMessage: number; costUsd: number };
    warnings: { code: string }[];
  };

  const campaign = async (id: string) => (await runtime.get<CampaignView>(`/v1/campaigns/${id}`)).body;
  const campaignTexts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === created.campaignId);

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 200, config: KEYWORDS_ONLY });
    const mix: [SeedKind, number][] = [
      ['eligible', 240],
      ['opted_out', 20],
      ['paused', 15],
      ['error_segment', 15],
      ['recently_texted', 10],
      ['pending', 10],
    ];
    const profiles = [];
    let offset = 0;
    for (const [kind, count] of mix) {
      for (const phone of phoneNumbers('206', count, offset)) {
        kinds[phone] = kind;
        profiles.push(seedProfile(phone, kind, START));
      }
      offset += count;
    }
    await seedProfiles(runtime, profiles);
    // 5% of sends throttled by End User Messaging: retried, never lost, never doubled.
    runtime.smsFaults.throttleRate = 0.05;
    const response = await runtime.post<typeof created>('/v1/campaigns', {
      name: 'Holiday blend',
      body: 'Our Holiday Blend is here, {{ first_name | default: "friend" }}! Shop: https://acme-coffee.example/holiday',
      segment: { all: true },
      sendAt: new Date(START.getTime() + 10 * 60_000).toISOString(),
      excludePausedProperty: 'Paused-BFCM2025',
    });
    expect(response.status).toBe(201);
    created = response.body;
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('estimates the audience, segments and cost when the campaign is created', () => {
    // Eligible now: not paused, not in the error segment (smart sending is decided at send time).
    expect(created.estimate.recipients).toBe(250);
    expect(created.estimate.segmentsPerMessage).toBe(1);
    expect(created.estimate.costUsd).toBeGreaterThan(0);
  });

  it('sends nothing before the scheduled time', async () => {
    // Settling waits for due work only: the campaign's schedule sleeps until its time.
    const { waiting } = await runtime.settle();
    const schedule = waiting.find(
      (work) => work.kind === 'schedule' && work.name.includes(created.campaignId),
    );
    expect(schedule?.state).toBe('sleeping');
    expect(campaignTexts()).toEqual([]);
    expect((await campaign(created.campaignId)).state).toBe('scheduled');
  });

  it('texts exactly the eligible subscribers, once each, at the scheduled time', async () => {
    runtime.clock.advance(11 * 60_000);
    await waitFor(
      () => runtime.scheduler.schedules.size === 0 || campaignTexts().length > 0,
      10_000,
      'the schedule to fire',
    );
    await runtime.settle();
    const texted = campaignTexts().map((m) => m.to);
    const eligible = Object.entries(kinds)
      .filter(([, kind]) => kind === 'eligible')
      .map(([phone]) => phone);
    expect(new Set(texted).size).toBe(texted.length);
    expect(texted.sort()).toEqual(eligible.sort());
    expect(runtime.sms.refusals.get('ThrottlingException') ?? 0).toBeGreaterThan(0);
    expect(runtime.sqs.depth(`optline-local-campaignSends-dlq`).visible).toBe(0);
  });

  it('keeps counters that match the outbox', async () => {
    await runtime.settle();
    const view = await campaign(created.campaignId);
    expect(view.counters).toMatchObject({
      targeted: 250,
      sent: 240,
      delivered: 240,
      failed: 0,
      skipped: { smart_sending: 10, paused: 15, error_segment: 15 },
      // Every targeted recipient (240 sent, 10 skipped by smart sending at send time) is settled.
      pending: 0,
    });
    expect(view.counters).not.toHaveProperty('settled');
    expect(view.state).toBe('dispatched');
  });

  it('records delivery reports in batches, and a repeated report changes nothing', async () => {
    // 240 reports through the delivery-events queue: far fewer invocations than reports.
    const invocations = runtime.lambdas.stats.get('deliveryEvents')?.invocations ?? 0;
    expect(invocations).toBeGreaterThan(0);
    expect(invocations).toBeLessThan(240 / 4);
    // SNS delivers at least once: the same reports again (raw, as the subscription delivers them).
    for (const text of campaignTexts().slice(0, 20)) {
      runtime.sqs.deliverFromTopic(
        'optline-local-deliveryEvents',
        JSON.stringify({
          eventType: 'TEXT_DELIVERED',
          eventTimestamp: runtime.clock.now().getTime(),
          messageId: text.messageId,
          destinationPhoneNumber: text.to,
          context: text.context,
        }),
      );
    }
    await runtime.settle();
    const view = await campaign(created.campaignId);
    expect(view.counters).toMatchObject({ sent: 240, delivered: 240, failed: 0 });
    expect(runtime.sqs.depth('optline-local-deliveryEvents-dlq').visible).toBe(0);
  });

  it('replaces links with per-recipient short links that redirect and count clicks', async () => {
    const [first, second] = campaignTexts();
    const code = first?.body.match(/\/r\/([0-9A-Za-z]+)/)?.[1];
    expect(code).toBeDefined();
    expect(first?.body).not.toContain('acme-coffee.example/holiday');
    expect(second?.body.match(/\/r\/([0-9A-Za-z]+)/)?.[1]).not.toBe(code);
    const response = await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://acme-coffee.example/holiday');
    await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
    expect((await campaign(created.campaignId)).counters.clicks).toBe(1);
    expect((await fetch(`${runtime.url}/r/NoSuchCode1`, { redirect: 'manual' })).status).toBe(404);
  });

  it('attributes an order placed within 5 days of a click to the campaign', async () => {
    const [message] = campaignTexts();
    const code = message?.body.match(/\/r\/([0-9A-Za-z]+)/)?.[1];
    await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
    const placedAt = new Date(runtime.clock.now().getTime() + 2 * 86_400_000).toISOString();
    await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone: message?.to,
      orderId: 'H-1',
      total: 38.5,
      placedAt,
    });
    await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone: message?.to,
      orderId: 'H-1',
      total: 38.5,
      placedAt,
    });
    expect((await campaign(created.campaignId)).counters).toMatchObject({ orders: 1, revenue: 38.5 });
  });

  it('counts an opt-out within 5 days of the campaign', async () => {
    const message = campaignTexts()[3];
    await runtime.text(message?.to ?? '', 'STOP');
    expect((await campaign(created.campaignId)).counters.optOuts).toBe(1);
  });

  it('records a failed delivery, puts the number in the error segment, and leaves it out of the next campaign', async () => {
    const [phone] = phoneNumbers('206', 1, 5000);
    await seedProfiles(runtime, [seedProfile(phone!, 'eligible', START)]);
    runtime.deliveries.outcomes.set(phone!, 'TEXT_CARRIER_UNREACHABLE');
    const first = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Only one',
      body: 'A note for you',
      segment: { phones: [phone] },
      sendAt: runtime.clock.now().toISOString(),
    });
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () => (await campaign(first.body.campaignId)).counters.failed === 1,
      10_000,
      'the failure',
    );
    const profile = await runtime.get<{ phone: string }>(`/v1/profiles/${encodeURIComponent(phone!)}`);
    expect(profile.status).toBe(200);
    const second = await runtime.post<{ campaignId: string; estimate: { recipients: number } }>(
      '/v1/campaigns',
      {
        name: 'Next',
        body: 'Another note',
        segment: { phones: [phone] },
        sendAt: runtime.clock.now().toISOString(),
      },
    );
    expect(second.body.estimate.recipients).toBe(0);
  });
});
