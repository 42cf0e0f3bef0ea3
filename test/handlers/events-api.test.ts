/**
 * `POST /v1/events` against the local runtime: a shop's own fields and platform names accepted and
 * kept, hostile ones refused with nothing written, and the batch form (207, one result per event,
 * each as idempotent as the single form).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommerceEventAcceptedSchema,
  CommerceEventBatchResultSchema,
  EVENT_LIMITS,
} from '../../lambdas/domain/commerce-events';
import { DynamoActivityStore } from '../../lambdas/adapters/activity-store';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

const SINCE = '2000-01-01T00:00:00Z';

describe('POST /v1/events', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1206555${String(2000 + counter++).padStart(4, '0')}`;
  const activity = () => new DynamoActivityStore(runtime.dynamo.tableNames.activity);
  const cart = (phone: string, cartId: string, more: Record<string, unknown> = {}) => ({
    type: 'CartAbandoned',
    phone,
    cartId,
    cartUrl: `https://acme-coffee.example/cart/${cartId}`,
    items: [{ productId: 'beans-1', name: 'House Blend', quantity: 2, price: 14.5 }],
    total: 29,
    abandonedAt: '2026-10-06T17:00:00Z',
    ...more,
  });
  const order = (phone: string, orderId: string, total = 42.5) => ({
    type: 'OrderPlaced',
    phone,
    orderId,
    total,
    placedAt: '2026-10-06T17:00:00Z',
  });
  const busEvents = (phone: string) =>
    runtime.bus.events.filter((e) => (e.detail as { phone?: string }).phone === phone);
  const postRaw = async (body: string) => {
    const response = await fetch(`${runtime.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: { flows: { welcome: { enabled: false } } } });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('keeps a shop’s own fields and takes platform names, stored and published with the event', async () => {
    const phone = newPhone();
    const sent = {
      type: 'CartAbandoned',
      phone,
      cart_id: 'c-200',
      abandoned_checkout_url: 'https://acme-coffee.example/cart/c-200',
      line_items: [
        { product_id: 632910392, variant_id: 808950810, title: 'House Blend', qty: 2, price: '14.50' },
      ],
      total_price: '29.00',
      abandonedAt: '2026-10-06T17:00:00Z',
      storeId: 'brooklyn',
      channel: { name: 'web', tags: ['spring'] },
    };
    const response = await runtime.post('/v1/events', sent);
    expect(response.status).toBe(202);
    const accepted = CommerceEventAcceptedSchema.parse(response.body);
    expect(accepted).toMatchObject({ type: 'CartAbandoned', phone });

    const event = {
      type: 'CartAbandoned',
      phone,
      cartId: 'c-200',
      cartUrl: 'https://acme-coffee.example/cart/c-200',
      items: [
        { productId: '632910392', variant_id: 808950810, name: 'House Blend', quantity: 2, price: 14.5 },
      ],
      total: 29,
      currency: 'USD',
      // Kept in UTC, as toISOString writes it.
      abandonedAt: '2026-10-06T17:00:00.000Z',
      storeId: 'brooklyn',
      channel: { name: 'web', tags: ['spring'] },
    };
    const [record] = await activity().listSince(phone, 'cart#', SINCE);
    expect(record?.detail).toEqual(event);
    await runtime.bus.settle();
    expect(busEvents(phone).map((e) => e.detail)).toEqual([{ ...event, eventId: accepted.eventId }]);
  });

  it('names a known field with a wrong type, as it was sent', async () => {
    const phone = newPhone();
    const response = await runtime.post<{ error: { code: string; field: string } }>(
      '/v1/events',
      cart(phone, 'c-201', { items: [{ title: 'Mug', qty: 'two', price: 1 }] }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', field: 'items.0.qty' });
    expect(await activity().listSince(phone, 'cart#', SINCE)).toEqual([]);
  });

  it.each([
    [
      'a prototype name',
      (c: object) => JSON.stringify(c).replace('{', '{"__proto__":{"admin":true},'),
      '__proto__',
    ],
    ['fields nested too deep', (c: object) => JSON.stringify({ ...c, a: { b: { c: { d: 1 } } } }), 'a.b.c'],
    [
      'a number DynamoDB cannot store',
      (c: object) => JSON.stringify(c).replace('"total":29', '"total":29,"rank":1e400'),
      'rank',
    ],
  ])('refuses %s with a 400 and writes nothing', async (_, body, field) => {
    const phone = newPhone();
    const response = await postRaw(body(cart(phone, 'c-202')));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', field });
    expect(await activity().listSince(phone, 'cart#', SINCE)).toEqual([]);
    expect(await new DynamoProfileStore(runtime.dynamo.tableNames.profiles).get(phone)).toBeUndefined();
  });

  it('answers a batch 207 with one result per event, each as if posted alone', async () => {
    const [a, b] = [newPhone(), newPhone()];
    const events = [
      cart(a, 'c-300', { storeId: 'brooklyn' }),
      cart(a, 'c-301', { total: 'lots' }),
      order(b, 'A-300'),
      cart('+1555', 'c-302'),
      cart(a, 'c-300', { storeId: 'brooklyn' }),
      { type: 'Refunded', phone: a },
    ];
    const response = await runtime.post('/v1/events', { events });
    expect(response.status).toBe(207);
    const { results } = CommerceEventBatchResultSchema.parse(response.body);
    const single = await runtime.post<{ eventId: string }>(
      '/v1/events',
      cart(a, 'c-300', { storeId: 'brooklyn' }),
    );
    expect(results).toEqual([
      { index: 0, status: 202, eventId: single.body.eventId },
      {
        index: 1,
        status: 400,
        error: {
          code: 'validation_failed',
          message: expect.stringMatching(/^events\.1\.total: must be an amount/),
          field: 'events.1.total',
        },
      },
      { index: 2, status: 202, eventId: expect.any(String) },
      {
        index: 3,
        status: 400,
        error: { code: 'invalid_phone_number', message: expect.any(String), field: 'events.3.phone' },
      },
      // The same cart again: the same event, stored once.
      { index: 4, status: 202, eventId: single.body.eventId },
      {
        index: 5,
        status: 400,
        error: expect.objectContaining({ code: 'validation_failed', field: 'events.5.type' }),
      },
    ]);
    expect((await activity().listSince(a, 'cart#', SINCE)).map((r) => r.activityKey)).toEqual(['cart#c-300']);

    // A retried batch changes nothing twice: the order is counted once.
    const again = await runtime.post('/v1/events', { events });
    expect(again).toEqual(response);
    const profile = await new DynamoProfileStore(runtime.dynamo.tableNames.profiles).get(b);
    expect(profile).toMatchObject({ orderCount: 1, totalSpent: 42.5 });
  });

  it.each<[string, unknown, string]>([
    ['a list', [cart('+12065550100', 'c')], 'body'],
    ['an object without type or events', { phone: '+12065550100' }, 'events'],
    ['events that are not a list', { events: 'all' }, 'events'],
    ['an empty batch', { events: [] }, 'events'],
    ['more than 100 events', { events: Array(101).fill(cart('+12065550100', 'c')) }, 'events'],
  ])('answers a malformed envelope (%s) 400, for the whole request', async (_, body, field) => {
    const before = runtime.bus.events.length;
    const response = await runtime.post<{ error: { code: string; field: string } }>('/v1/events', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', field });
    expect(runtime.bus.events.length).toBe(before);
  });

  it('takes a full batch of 100 events larger than other routes’ 64 KB, and refuses a body over 1 MB', async () => {
    const phone = newPhone();
    const note = 'n'.repeat(2000);
    const events = Array.from({ length: EVENT_LIMITS.maxBatchEvents }, (_, i) =>
      cart(phone, `c-4${String(i).padStart(2, '0')}`, { note }),
    );
    expect(JSON.stringify({ events }).length).toBeGreaterThan(64 * 1024);
    const response = await runtime.post('/v1/events', { events });
    expect(response.status).toBe(207);
    const { results } = CommerceEventBatchResultSchema.parse(response.body);
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(202));
    expect(await activity().listSince(phone, 'cart#', SINCE)).toHaveLength(100);

    const tooLarge = await runtime.post<{ error: { code: string } }>('/v1/events', {
      events: Array.from({ length: 100 }, (_, i) => cart(phone, `c-5${i}`, { note: 'n'.repeat(8000) })),
      pad: 'x'.repeat(300_000),
    });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error.code).toBe('body_too_large');
  });
});
