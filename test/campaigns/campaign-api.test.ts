import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}
interface Created {
  campaignId: string;
  estimate: { recipients: number; segmentsPerMessage: number; costUsd: number };
  warnings: { code: string; message: string; recipients?: number }[];
  schedules: { name: string; timeZone?: string; at: string }[];
}
interface Progress {
  targeted: number;
  sent: number;
  skipped: Record<string, number>;
  pending: number;
  pendingBy: { waiting_for_quiet_hours: number; queued: number };
  nextSendAt: string | null;
}

// 2026-11-12 16:00 UTC: 08:00 in Los Angeles, 11:00 in New York.
const START = new Date('2026-11-12T16:00:00Z');

describe('campaigns API', () => {
  let runtime: TestRuntime;
  const create = (body: Record<string, unknown>) => runtime.post<Created & ErrorBody>('/v1/campaigns', body);
  const texts = (campaignId: string) => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, messagesPerSecond: 20, config: KEYWORDS_ONLY });
    const now = START;
    await seedProfiles(runtime, [
      ...phoneNumbers('212', 30).map((p, i) =>
        seedProfile(p, 'eligible', now, {
          properties: { $source: 'seed', 'preferences.coffee': i % 2 ? 'iced' : 'hot' },
        }),
      ),
      ...phoneNumbers('415', 20).map((p) => seedProfile(p, 'eligible', now)),
    ]);
  });
  afterAll(async () => {
    await runtime.stop();
  });

  describe('validation', () => {
    it.each([
      [{ body: 'x', segment: { all: true }, sendAt: START.toISOString() }, 'name'],
      [
        { name: 'n', body: 'Hi {{ first_name }}', segment: { all: true }, sendAt: START.toISOString() },
        'body',
      ],
      [{ name: 'n', body: 'x', segment: { every: true }, sendAt: START.toISOString() }, 'segment'],
      [
        { name: 'n', body: 'x', segment: { property: 'a', equals: 1, gt: 2 }, sendAt: START.toISOString() },
        'segment',
      ],
      [{ name: 'n', body: 'x', segment: { all: true } }, 'sendAt'],
      [
        {
          name: 'n',
          body: 'x',
          segment: { all: true },
          sendAt: START.toISOString(),
          sendAtLocalTime: '2026-11-13T10:00',
        },
        'sendAt',
      ],
      [{ name: 'n', body: 'x', segment: { all: true }, sendAtLocalTime: '10:00' }, 'sendAtLocalTime'],
      [{ name: 'n', body: 'x', segment: { all: true }, sendAt: '2020-01-01T00:00:00Z' }, 'sendAt'],
    ])('refuses %j naming %s', async (payload, field) => {
      const result = await create(payload);
      expect(result.status).toBe(400);
      expect(result.body.error.field?.split('.')[0]).toBe(field);
    });

    it('warns about a body that starts with a link or needs UCS-2', async () => {
      const result = await create({
        name: 'w',
        body: 'https://acme-coffee.example/sale — 20% off ☕',
        segment: { phones: ['+12125550100'] },
        sendAt: START.toISOString(),
      });
      expect(result.status).toBe(201);
      expect(result.body.warnings.map((w) => w.code)).toEqual(
        expect.arrayContaining(['starts_with_link', 'forces_ucs2']),
      );
    });

    it('answers 404 for an unknown campaign and 400 for a malformed id', async () => {
      expect((await runtime.get('/v1/campaigns/cmp_0000000000')).status).toBe(404);
      expect((await runtime.get('/v1/campaigns/nope')).status).toBe(400);
    });
  });

  it('sends only to the segment', async () => {
    const result = await create({
      name: 'Iced lovers',
      body: 'Cold brew is back',
      segment: { all: [{ engagedWithinDays: 90 }, { property: 'preferences.coffee', equals: 'iced' }] },
      sendAt: START.toISOString(),
    });
    expect(result.body.estimate.recipients).toBe(15);
    runtime.clock.advance(2 * 60_000);
    await waitFor(() => texts(result.body.campaignId).length === 15, 10_000, 'the segment to be texted');
    await runtime.settle();
    expect(texts(result.body.campaignId)).toHaveLength(15);
  });

  it('stops sending when cancelled mid-run', async () => {
    const result = await create({
      name: 'Long one',
      body: 'A long campaign',
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false, // the segment's campaign texted 15 of them a minute ago: only cancels skip
    });
    runtime.clock.advance(2 * 60_000);
    await waitFor(() => texts(result.body.campaignId).length >= 5, 10_000, 'the first texts');
    const cancelled = await runtime.post<{ state: string }>(
      `/v1/campaigns/${result.body.campaignId}/cancel`,
      {},
    );
    expect(cancelled.body.state).toBe('cancelled');
    const atCancel = texts(result.body.campaignId).length;
    await runtime.settle();
    const total = texts(result.body.campaignId).length;
    // At 20 per second, a cancel is seen within a quarter second: a few in flight may still go out.
    expect(total).toBeLessThan(50);
    expect(total - atCancel).toBeLessThanOrEqual(10);
    const view = await runtime.get<{ counters: { skipped: Record<string, number> } }>(
      `/v1/campaigns/${result.body.campaignId}`,
    );
    expect(view.body.counters.skipped.cancelled).toBe(50 - total);
  });

  it('cancels a scheduled campaign before it sends anything', async () => {
    const result = await create({
      name: 'Later',
      body: 'Tomorrow',
      segment: { all: true },
      sendAt: new Date(runtime.clock.now().getTime() + 86_400_000).toISOString(),
    });
    await runtime.post(`/v1/campaigns/${result.body.campaignId}/cancel`, {});
    expect(
      [...runtime.scheduler.schedules.values()].filter((s) => s.name.startsWith(result.body.campaignId)),
    ).toEqual([]);
    runtime.clock.advance(2 * 86_400_000);
    await runtime.settle();
    expect(texts(result.body.campaignId)).toEqual([]);
  });

  it('sends at the local time of each recipient, one schedule per time zone', async () => {
    runtime.clock.set(new Date('2026-11-20T12:00:00Z')); // 04:00 in Los Angeles, 07:00 in New York
    const result = await create({
      name: 'Morning',
      body: 'Good morning',
      segment: { all: true },
      sendAtLocalTime: '2026-11-20T10:00',
    });
    expect(result.status).toBe(201);
    expect(result.body.schedules.map((s) => s.timeZone).sort()).toEqual([
      'America/Los_Angeles',
      'America/New_York',
    ]);
    runtime.clock.set(new Date('2026-11-20T15:00:30Z')); // 10:00 in New York
    await waitFor(() => texts(result.body.campaignId).length === 30, 10_000, 'New York');
    expect(texts(result.body.campaignId).every((m) => m.to.startsWith('+1212'))).toBe(true);
    runtime.clock.set(new Date('2026-11-20T18:00:30Z')); // 10:00 in Los Angeles
    await waitFor(() => texts(result.body.campaignId).length === 50, 10_000, 'Los Angeles');
    await runtime.settle();
    const view = await runtime.get<{ state: string; counters: { targeted: number; sent: number } }>(
      `/v1/campaigns/${result.body.campaignId}`,
    );
    expect(view.body).toMatchObject({ state: 'dispatched', counters: { targeted: 50, sent: 50 } });
  });

  it('texts a subscriber who joined after creation from a zone without a schedule; counts each skip once', async () => {
    runtime.clock.set(new Date('2026-11-21T12:00:00Z')); // 04:00 in Los Angeles, 07:00 in New York
    // In the subscriber index but out of campaigns for 30 days: every dispatch pages it.
    const [failing] = phoneNumbers('212', 1, 500);
    await seedProfiles(runtime, [seedProfile(failing!, 'error_segment', runtime.clock.now())]);
    const result = await create({
      name: 'Next morning',
      body: 'Good morning again',
      segment: { all: true },
      sendAtLocalTime: '2026-11-21T10:00',
      smartSending: false,
    });
    expect(result.status).toBe(201);
    expect(result.body.schedules.map((s) => s.timeZone).sort()).toEqual([
      'America/Los_Angeles',
      'America/New_York',
    ]);
    // After the campaign was created: a subscriber from Honolulu, a zone with no schedule.
    const [islander] = phoneNumbers('808', 1);
    await seedProfiles(runtime, [seedProfile(islander!, 'eligible', runtime.clock.now())]);

    runtime.clock.set(new Date('2026-11-21T15:00:30Z')); // 10:00 in New York
    await waitFor(() => texts(result.body.campaignId).length === 30, 10_000, 'New York');
    runtime.clock.set(new Date('2026-11-21T18:00:30Z')); // 10:00 in Los Angeles, 08:00 in Honolulu
    await waitFor(() => texts(result.body.campaignId).length === 51, 10_000, 'Los Angeles and Honolulu');
    await runtime.settle();
    const sent = texts(result.body.campaignId).map((m) => m.to);
    expect(sent.filter((to) => to === islander)).toHaveLength(1);
    expect(new Set(sent).size).toBe(51);
    const view = await runtime.get<{ counters: { targeted: number; skipped: Record<string, number> } }>(
      `/v1/campaigns/${result.body.campaignId}`,
    );
    expect(view.body.counters).toMatchObject({ targeted: 51, skipped: { error_segment: 1 } });
  });

  it('holds back the text of a subscriber who opts out while the campaign is running', async () => {
    const result = await create({
      name: 'Paced',
      body: 'A paced campaign',
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false, // everyone got the morning campaign an hour ago
    });
    runtime.clock.advance(2 * 60_000);
    await waitFor(() => texts(result.body.campaignId).length >= 3, 15_000, 'the first texts');
    const texted = new Set(texts(result.body.campaignId).map((m) => m.to));
    const leaving = [...phoneNumbers('212', 30), ...phoneNumbers('415', 20)]
      .filter((p) => !texted.has(p))
      .slice(-3);
    // A text the sender had already handed to End User Messaging when the STOP arrived may still
    // go; none may follow the opt-out confirmation (the number is on the opt-out list by then).
    const confirmedAt = new Map<string, number>();
    for (const phone of leaving) {
      // The campaign's own text may come in the same moment as the confirmation, before or after it.
      const replies = (await runtime.text(phone, 'STOP')).filter(
        (m) => m.body !== 'Acme Coffee: A paced campaign',
      );
      expect(replies).toHaveLength(1);
      const [reply] = replies;
      expect(reply?.body).toMatch(/unsubscribed/i);
      confirmedAt.set(
        phone,
        runtime.sms.outbox.findLastIndex((m) => m.to === phone && m.body === reply?.body),
      );
    }
    await runtime.settle();
    const outbox = runtime.sms.outbox;
    for (const phone of leaving) {
      const confirmation = confirmedAt.get(phone) ?? -1;
      expect(confirmation).toBeGreaterThanOrEqual(0);
      const campaignTexts = outbox.flatMap((m, i) =>
        m.to === phone && m.context.campaignId === result.body.campaignId ? [i] : [],
      );
      expect(campaignTexts.filter((i) => i > confirmation)).toEqual([]);
    }
    const after = texts(result.body.campaignId).map((m) => m.to);
    expect(new Set(after).size).toBe(after.length);
  });

  it('creates a campaign once for a repeated Idempotency-Key', async () => {
    const body = {
      name: 'Once',
      body: 'Once only ☕', // a UCS-2 character: the first call warns
      segment: { phones: ['+12125550100'] },
      sendAt: runtime.clock.now().toISOString(),
    };
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'campaign-once-1234' };
    const first = await fetch(`${runtime.url}/v1/campaigns`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const second = await fetch(`${runtime.url}/v1/campaigns`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const [created, repeated] = [(await first.json()) as Created, (await second.json()) as Created];
    expect(repeated.campaignId).toBe(created.campaignId);
    // The repeated call answers with the warnings the first one gave, not with none.
    expect(created.warnings.length).toBeGreaterThan(0);
    expect(repeated.warnings).toEqual(created.warnings);
  });

  it('warns with numbers about a night-time campaign to a recipient texted yesterday, and shows why nothing went', async () => {
    runtime.clock.set(new Date('2026-11-24T07:00:00Z')); // 02:00 in New York
    const [phone] = phoneNumbers('212', 1, 4);
    // The welcome text went out yesterday afternoon (16:30 in New York).
    await seedProfiles(runtime, [
      seedProfile(phone!, 'eligible', runtime.clock.now(), { lastSmsAt: '2026-11-23T21:30:00.000Z' }),
    ]);
    const result = await create({
      name: 'First campaign',
      body: 'Our first deal',
      segment: { phones: [phone] },
      sendAt: new Date(runtime.clock.now().getTime() + 60_000).toISOString(), // a minute from now
    });
    expect(result.status).toBe(201);
    expect(result.body.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'quiet_hours',
          recipients: 1,
          audience: 1,
          complete: true,
          opens: [
            {
              timeZone: 'America/New_York',
              at: '2026-11-24T13:00:00.000Z',
              localTime: '2026-11-24T08:00',
              recipients: 1,
            },
          ],
        }),
        // Judged when the text would go, 08:00: 15.5 hours after the welcome text.
        expect.objectContaining({ code: 'smart_sending', recipients: 1, audience: 1, smartSendingHours: 24 }),
      ]),
    );
    const progress = async () =>
      (await runtime.get<{ counters: Progress }>(`/v1/campaigns/${result.body.campaignId}`)).body.counters;

    runtime.clock.advance(2 * 60_000);
    await waitFor(
      () => runtime.sqs.depth('optline-local-campaignSends').delayed === 1,
      10_000,
      'the text held',
    );
    expect(await progress()).toMatchObject({
      targeted: 1,
      sent: 0,
      pending: 1,
      pendingBy: { waiting_for_quiet_hours: 1, queued: 0 },
      nextSendAt: '2026-11-24T13:00:00.000Z',
    });

    runtime.clock.set(new Date('2026-11-24T13:00:30Z')); // 08:00 in New York
    await waitFor(async () => (await progress()).pending === 0, 10_000, 'the text decided');
    expect(await progress()).toMatchObject({
      sent: 0,
      skipped: { smart_sending: 1 },
      pendingBy: { waiting_for_quiet_hours: 0, queued: 0 },
      nextSendAt: null,
    });
    expect(texts(result.body.campaignId)).toEqual([]);
  });

  it('shows texts held by quiet hours as pending until each recipient’s morning', async () => {
    runtime.clock.set(new Date('2026-11-22T12:00:00Z')); // 04:00 in Los Angeles, 07:00 in New York
    const [newYork] = phoneNumbers('212', 1, 2);
    const [losAngeles] = phoneNumbers('415', 1, 2);
    const result = await create({
      name: 'Early bird',
      body: 'Early bird deals',
      segment: { phones: [newYork, losAngeles] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    const view = async () =>
      (await runtime.get<{ state: string; counters: Progress }>(`/v1/campaigns/${result.body.campaignId}`))
        .body;
    // Held texts wait on the queue, delayed until the window opens (settle() would wait for them).
    const held = () => runtime.sqs.depth('optline-local-campaignSends').delayed;
    runtime.clock.advance(2 * 60_000);
    await waitFor(() => held() === 2, 10_000, 'both texts held by quiet hours');
    // The dispatcher marks the campaign dispatched after it has recorded its counts: the sender can
    // hold the texts in between.
    await waitFor(async () => (await view()).state === 'dispatched', 10_000, 'the dispatch to finish');
    expect(texts(result.body.campaignId)).toEqual([]);
    expect(await view()).toMatchObject({
      state: 'dispatched',
      counters: {
        targeted: 2,
        sent: 0,
        pending: 2,
        pendingBy: { waiting_for_quiet_hours: 2, queued: 0 },
        nextSendAt: '2026-11-22T13:00:00.000Z', // 08:00 in New York
      },
    });

    runtime.clock.set(new Date('2026-11-22T13:00:30Z')); // 08:00 in New York
    await waitFor(() => texts(result.body.campaignId).length === 1, 10_000, 'New York');
    await waitFor(async () => (await view()).counters.sent === 1, 10_000, 'the New York text counted');
    expect((await view()).counters).toMatchObject({
      sent: 1,
      pending: 1,
      pendingBy: { waiting_for_quiet_hours: 1, queued: 0 },
      nextSendAt: '2026-11-22T16:00:00.000Z', // 08:00 in Los Angeles
    });

    // Los Angeles's window opens while End User Messaging refuses every text: queued, not waiting.
    const refused = () => runtime.sms.refusals.get('ThrottlingException') ?? 0;
    const before = refused();
    runtime.smsFaults.throttleRate = 1;
    try {
      runtime.clock.set(new Date('2026-11-22T16:00:30Z')); // 08:00 in Los Angeles
      await waitFor(() => refused() > before, 10_000, 'the Los Angeles text tried');
      expect((await view()).counters).toMatchObject({
        pending: 1,
        pendingBy: { waiting_for_quiet_hours: 0, queued: 1 },
        nextSendAt: null,
      });
    } finally {
      runtime.smsFaults.throttleRate = 0;
    }
    await waitFor(() => texts(result.body.campaignId).length === 2, 10_000, 'Los Angeles');
    await runtime.settle();
    expect((await view()).counters).toMatchObject({
      sent: 2,
      pending: 0,
      pendingBy: { waiting_for_quiet_hours: 0, queued: 0 },
    });
  });

  it('goes round the queue with a held text without reading its recipient again while quiet hours last', async () => {
    runtime.clock.set(new Date('2026-11-23T12:00:00Z')); // 04:00 in Los Angeles, 07:00 in New York
    const [newYork] = phoneNumbers('212', 1, 3);
    const [losAngeles] = phoneNumbers('415', 1, 3);
    const result = await create({
      name: 'Dawn',
      body: 'Dawn deals',
      segment: { phones: [newYork, losAngeles] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    const held = () => runtime.sqs.depth('optline-local-campaignSends').delayed;
    const requeued = () => runtime.sqs.requests.get('SendMessageBatch') ?? 0;
    runtime.clock.advance(2 * 60_000);
    await waitFor(() => held() === 2, 10_000, 'both texts held by quiet hours');

    await runtime.dynamo.meter.setEnabled(true);
    await runtime.dynamo.meter.reset();
    const before = requeued();
    runtime.clock.advance(16 * 60_000); // 07:18 in New York: the held texts come back, still too early
    await waitFor(() => requeued() > before && held() === 2, 10_000, 'the texts held again');
    const reads = [...(await runtime.dynamo.meter.snapshot())].filter(([key]) => key.endsWith('-profiles'));
    await runtime.dynamo.meter.setEnabled(false);
    expect(reads).toEqual([]);
    expect(texts(result.body.campaignId)).toEqual([]);

    runtime.clock.set(new Date('2026-11-23T16:00:30Z')); // 08:00 in Los Angeles, 11:00 in New York
    await waitFor(() => texts(result.body.campaignId).length === 2, 10_000, 'both texts');
    await runtime.settle();
    expect(texts(result.body.campaignId)).toHaveLength(2);
  });
});
