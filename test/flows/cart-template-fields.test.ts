/**
 * A shop's own fields reach the abandoned-cart text end to end: `POST /v1/events` (alone and in a
 * batch) → the bus → the flow on the virtual clock → the template → End User Messaging's outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;
// +1312… is Chicago (America/Chicago, UTC-5 in October): noon there is inside the sending hours.
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');

const BODY =
  'Your {{ event.items.first.name }}{% if event.items.first.variant_title %} ({{ event.items.first.variant_title | default: "" }}){% endif %} is waiting at {{ event.store_name | default: "our shop" }}: {{ event.cart_url }}';

describe('abandoned-cart text with the shop’s own fields', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1312${600 + counter++}0100`;
  /** A double-opt-in subscriber who has not been texted for more than a day (smart sending). */
  const subscriber = async () => {
    const phone = newPhone();
    runtime.clock.set(new Date(NOON_CHICAGO.getTime() - 26 * HOUR));
    await subscribeByKeyword(runtime, phone);
    runtime.clock.set(NOON_CHICAGO);
    return phone;
  };
  const cart = (
    phone: string,
    cartId: string,
    more: Record<string, unknown>,
    item: Record<string, unknown> = {},
  ) => ({
    type: 'CartAbandoned',
    phone,
    cartId,
    cartUrl: `https://acme-coffee.example/cart/${cartId}`,
    items: [{ productId: 'beans-1', name: 'House Blend', quantity: 1, price: 14.5, ...item }],
    total: 14.5,
    abandonedAt: NOON_CHICAGO.toISOString(),
    ...more,
  });
  const waiting = (phone: string) =>
    waitFor(
      () =>
        [...runtime.stepFunctions.executions.values()].find(
          (e) =>
            e.name.startsWith('abandonedCart-') && e.input.includes(phone) && e.waitingUntil !== undefined,
        ),
      5000,
      'cart flow waiting',
    );
  const cartTexts = async (phone: string) =>
    waitFor(
      async () => {
        const texts = (await runtime.outbox(phone)).filter((m) => m.messageType === 'PROMOTIONAL');
        return texts.length > 0 ? texts.map((m) => m.body) : undefined;
      },
      5000,
      'cart text',
    );

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: NOON_CHICAGO,
      config: { flows: { welcome: { enabled: false }, abandonedCart: { body: BODY } } },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('prints an extra field of a CartAbandoned, and of its item, in the cart text', async () => {
    const phone = await subscriber();
    const response = await runtime.post(
      '/v1/events',
      cart(
        phone,
        'c-700',
        { storeName: 'Acme Brooklyn' },
        { variant: 'whole-bean', variantTitle: 'Whole bean' },
      ),
    );
    expect(response.status).toBe(202);
    await waiting(phone);
    runtime.clock.advance(HOUR);
    expect(await cartTexts(phone)).toEqual([
      'Acme Coffee: Your House Blend (Whole bean) is waiting at Acme Brooklyn: https://acme-coffee.example/cart/c-700\nReply STOP to opt out.',
    ]);
  });

  it('uses the template’s default when a cart does not carry the field, and reads platform names', async () => {
    const phone = await subscriber();
    const sent = {
      type: 'CartAbandoned',
      phone,
      cart_id: 'c-701',
      abandoned_checkout_url: 'https://acme-coffee.example/cart/c-701',
      line_items: [{ product_id: 632910392, title: 'Espresso Roast', qty: 2, price: '16.00' }],
      total_price: '32.00',
      abandoned_at: NOON_CHICAGO.toISOString(),
    };
    const response = await runtime.post<{ results: { status: number }[] }>('/v1/events', { events: [sent] });
    expect(response.status).toBe(207);
    expect(response.body.results.map((r) => r.status)).toEqual([202]);
    await waiting(phone);
    runtime.clock.advance(HOUR);
    expect(await cartTexts(phone)).toEqual([
      'Acme Coffee: Your Espresso Roast is waiting at our shop: https://acme-coffee.example/cart/c-701\nReply STOP to opt out.',
    ]);
  });
});
