/**
 * The abandoned cart and back in stock, built-in definitions compiled from their keys: the flow
 * tasks, dynalite and the End User Messaging emulator, on the virtual clock.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../local/aws/stepfunctions';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;
// +1312… is Chicago (America/Chicago, UTC-5 in October).
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');

describe('abandoned cart flow', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1312${300 + counter++}0100`;
  const executions = (flow: string, phone: string) =>
    [...runtime.stepFunctions.executions.values()].filter(
      (e) => e.name.startsWith(`${flow}-`) && e.input.includes(phone),
    );
  const cart = (phone: string, cartId: string, abandonedAt = runtime.clock.now().toISOString()) => ({
    type: 'CartAbandoned',
    phone,
    cartId,
    cartUrl: `https://acme-coffee.example/cart/${cartId}`,
    items: [{ productId: 'beans-1', name: 'House Blend', quantity: 2, price: 14.5 }],
    total: 29,
    abandonedAt,
  });
  /** A double-opt-in subscriber who has not been texted for more than a day (smart sending). */
  const subscriber = async () => {
    const phone = newPhone();
    runtime.clock.set(new Date(NOON_CHICAGO.getTime() - 26 * HOUR));
    await subscribeByKeyword(runtime, phone);
    runtime.clock.set(NOON_CHICAGO);
    return phone;
  };
  const waitingIn = (flow: string, phone: string) =>
    waitFor(() => executions(flow, phone).find((e) => e.waitingUntil !== undefined), 5000, `${flow} waiting`);
  const finishedIn = (flow: string, phone: string): Promise<ExecutionRecord> =>
    waitFor(() => executions(flow, phone).find((e) => e.status !== 'RUNNING'), 5000, `${flow} finished`);
  /** The last task's outcome: the text's, or the skip the order check recorded. */
  const outcome = (execution: ExecutionRecord) =>
    (JSON.parse(execution.output ?? '{}') as { last?: { status: string; reason: string | null } }).last;
  const marketingTo = async (phone: string) =>
    (await runtime.outbox(phone)).filter((m) => m.messageType === 'PROMOTIONAL');

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: NOON_CHICAGO,
      config: { flows: { welcome: { enabled: false } } },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('texts once, an hour after the cart was abandoned, with the cart link', async () => {
    const phone = await subscriber();
    expect((await runtime.post('/v1/events', cart(phone, 'c-100'))).status).toBe(202);
    await waitingIn('abandonedCart', phone);
    expect(await marketingTo(phone)).toEqual([]);

    runtime.clock.advance(HOUR);
    const execution = await finishedIn('abandonedCart', phone);
    expect(execution.status).toBe('SUCCEEDED');
    const messages = await marketingTo(phone);
    expect(messages.map((m) => m.body)).toEqual([
      'Acme Coffee: Hi, you left something in your cart. Complete your order: https://acme-coffee.example/cart/c-100\nReply STOP to opt out.',
    ]);
    expect((messages[0]?.at ?? '') >= new Date(NOON_CHICAGO.getTime() + HOUR).toISOString()).toBe(true);
  });

  it('starts one flow and sends one text for a duplicated CartAbandoned', async () => {
    const phone = await subscriber();
    const event = cart(phone, 'c-101');
    await runtime.post('/v1/events', event);
    await runtime.post('/v1/events', event);
    await waitingIn('abandonedCart', phone);
    runtime.clock.advance(HOUR);
    await finishedIn('abandonedCart', phone);
    await runtime.post('/v1/events', event);
    await runtime.bus.settle();
    expect(executions('abandonedCart', phone)).toHaveLength(1);
    expect(await marketingTo(phone)).toHaveLength(1);
  });

  it('is stopped by an OrderPlaced for the cart during the wait', async () => {
    const phone = await subscriber();
    await runtime.post('/v1/events', cart(phone, 'c-102'));
    await waitingIn('abandonedCart', phone);
    const order = await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId: 'A-102',
      cartId: 'c-102',
      total: 29,
      placedAt: runtime.clock.now().toISOString(),
    });
    expect(order.status).toBe(202);
    const execution = await finishedIn('abandonedCart', phone);
    expect(execution.status).toBe('ABORTED');
    runtime.clock.advance(2 * HOUR);
    await runtime.settle();
    expect(await marketingTo(phone)).toEqual([]);
  });

  it('skips the text when an order without a cart id arrived since the cart', async () => {
    const phone = await subscriber();
    await runtime.post('/v1/events', cart(phone, 'c-103'));
    await waitingIn('abandonedCart', phone);
    await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId: 'A-103',
      total: 29,
      placedAt: runtime.clock.now().toISOString(),
    });
    runtime.clock.advance(HOUR);
    const execution = await finishedIn('abandonedCart', phone);
    expect(outcome(execution)).toMatchObject({ status: 'skipped', reason: 'order_placed', until: null });
    expect(await marketingTo(phone)).toEqual([]);
  });

  it('needs a double opt-in (or code) confirmed subscription', async () => {
    const phone = newPhone();
    const client = new DynamoDBClient({
      endpoint: runtime.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await client.send(
      new PutItemCommand({
        TableName: runtime.dynamo.tableNames.profiles,
        Item: {
          phone: { S: phone },
          marketing: { S: 'subscribed' },
          transactional: { S: 'never_subscribed' },
          marketingConfirmedBy: { S: 'single_opt_in' },
          properties: { M: {} },
          consentVersion: { N: '1' },
          createdAt: { S: '2026-01-01T00:00:00.000Z' },
          updatedAt: { S: '2026-01-01T00:00:00.000Z' },
        },
      }),
    );
    client.destroy();
    await runtime.post('/v1/events', cart(phone, 'c-104'));
    await waitingIn('abandonedCart', phone);
    runtime.clock.advance(HOUR);
    expect(outcome(await finishedIn('abandonedCart', phone))).toMatchObject({
      status: 'skipped',
      reason: 'no_confirmed_opt_in',
    });
    expect(await marketingTo(phone)).toEqual([]);
  });

  it('defers a cart text due at night to 08:00 the next morning, within 48 hours', async () => {
    const phone = await subscriber();
    runtime.clock.set(new Date('2026-10-07T01:30:00Z')); // 20:30 in Chicago: due 21:30, in quiet hours
    await runtime.post('/v1/events', cart(phone, 'c-105'));
    await waitingIn('abandonedCart', phone);
    runtime.clock.advance(HOUR);
    const deferred = await waitFor(
      () =>
        executions('abandonedCart', phone).find(
          (e) => e.waitingUntil && e.waitingUntil.getTime() > Date.parse('2026-10-07T03:00:00Z'),
        )?.waitingUntil,
      5000,
      'quiet-hours wait',
    );
    expect(deferred.toISOString()).toBe('2026-10-07T13:00:00.000Z'); // 08:00 in Chicago
    runtime.clock.set(new Date('2026-10-07T13:00:01Z'));
    await finishedIn('abandonedCart', phone);
    expect(await marketingTo(phone)).toHaveLength(1);
  });

  it('skips the text when quiet hours would push it past the 48-hour deadline', async () => {
    const phone = await subscriber();
    runtime.clock.set(new Date('2026-10-09T03:00:00Z')); // 22:00 in Chicago
    const abandonedAt = new Date(runtime.clock.now().getTime() - 47 * HOUR).toISOString();
    await runtime.post('/v1/events', cart(phone, 'c-106', abandonedAt));
    const execution = await finishedIn('abandonedCart', phone);
    expect(outcome(execution)).toEqual({ status: 'skipped', reason: 'quiet_hours_deadline', until: null });
    expect(await marketingTo(phone)).toEqual([]);
  });

  it('sends nothing to a subscriber who opted out during the wait', async () => {
    const phone = await subscriber();
    await runtime.post('/v1/events', cart(phone, 'c-107'));
    await waitingIn('abandonedCart', phone);
    await runtime.text(phone, 'STOP');
    runtime.clock.advance(HOUR);
    expect(outcome(await finishedIn('abandonedCart', phone))).toMatchObject({
      status: 'ended',
      reason: 'opted_out',
    });
    expect(await marketingTo(phone)).toEqual([]);
  });

  it('runs back in stock, compiled from its definition, with the product link as written', async () => {
    const phone = await subscriber();
    const event = {
      type: 'BackInStock',
      phone,
      productId: 'grinder-9',
      productName: 'Burr Grinder',
      productUrl: 'https://acme-coffee.example/p/grinder-9',
      at: runtime.clock.now().toISOString(),
    };
    await runtime.post('/v1/events', event);
    await finishedIn('backInStock', phone);
    expect((await marketingTo(phone)).map((m) => m.body)).toEqual([
      'Acme Coffee: Burr Grinder is back in stock: https://acme-coffee.example/p/grinder-9\nReply STOP to opt out.',
    ]);
  });

  it.each([
    [
      {
        type: 'CartAbandoned',
        phone: '+13125550100',
        cartId: 'c',
        cartUrl: 'not a url',
        items: [{ name: 'x', quantity: 1, price: 1 }],
        total: 1,
        abandonedAt: '2026-10-06T17:00:00Z',
      },
      'cartUrl',
    ],
    [
      {
        type: 'CartAbandoned',
        phone: '+13125550100',
        cartId: 'c',
        cartUrl: 'https://a.example/c',
        items: [],
        total: 1,
        abandonedAt: '2026-10-06T17:00:00Z',
      },
      'items',
    ],
    [
      {
        type: 'OrderPlaced',
        phone: '+13125550100',
        orderId: 'o',
        total: -5,
        placedAt: '2026-10-06T17:00:00Z',
      },
      'total',
    ],
    [
      { type: 'OrderPlaced', phone: '+13125550100', orderId: 'o', total: 5, placedAt: 'yesterday' },
      'placedAt',
    ],
    [{ type: 'Refunded', phone: '+13125550100' }, 'type'],
    [{ type: 'ProductViewed', phone: 'nope', productId: 'p', viewedAt: '2026-10-06T17:00:00Z' }, 'phone'],
  ])('refuses a malformed event with a 400 naming the field (%#)', async (event, field) => {
    const result = await runtime.post<{ error: { field: string } }>('/v1/events', event);
    expect(result.status).toBe(400);
    expect(result.body.error.field).toBe(field);
  });

  it('counts an order once in the profile, however often it is posted', async () => {
    const phone = newPhone();
    const order = {
      type: 'OrderPlaced',
      phone,
      orderId: 'A-900',
      total: 42.5,
      placedAt: '2026-10-06T17:00:00Z',
    };
    await runtime.post('/v1/events', order);
    await runtime.post('/v1/events', order);
    const profile = await runtime.get<{
      engagement: { orderCount: number; totalSpent: number; lastOrderAt: string };
    }>(`/v1/profiles/${encodeURIComponent(phone)}`);
    expect(profile.body.engagement).toMatchObject({
      orderCount: 1,
      totalSpent: 42.5,
      lastOrderAt: '2026-10-06T17:00:00.000Z',
    });
  });
});
