/**
 * The abandoned cart as compiled from `flows.abandonedCart`, on the local runtime's Step Functions
 * interpreter (aws-local-stepfunctions, waits on the virtual clock), each task reaching the
 * flow-step service over in-memory stores: the order check that records `order_placed`, the
 * confirmed opt-in the text needs, and an order that arrives while quiet hours hold the text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { settleWork } from '../../local/settle';
import { compiledFlow, subscriber } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const NOON_NEW_YORK = new Date('2026-05-05T16:00:00.000Z');
const HOUR = 3600_000;

function world() {
  const config = RuntimeConfigSchema.parse({ brand: 'Acme Coffee' });
  const definition = config.flows.definitions.find((d) => d.id === 'abandonedCart');
  if (!definition) throw new Error('no abandonedCart');
  const flow = compiledFlow(definition, { start: NOON_NEW_YORK });
  const subscribe = (extra: Partial<Profile> = {}) =>
    flow.profiles.put(subscriber(PHONE, '2026-04-01T00:00:00.000Z', extra));
  const cart = (cartId: string) => {
    const abandonedAt = flow.clock.now().toISOString();
    const detail = {
      type: 'CartAbandoned',
      phone: PHONE,
      cartId,
      cartUrl: `https://acme-coffee.example/cart/${cartId}`,
      items: [{ productId: 'beans-1', name: 'House Blend', quantity: 1, price: 14 }],
      total: 14,
      abandonedAt,
    };
    return flow.trigger('CartAbandoned', detail, abandonedAt);
  };
  /** What the profile shows after an order without a cart id (the events API dates it). */
  const ordered = async () => {
    const profile = await flow.profiles.get(PHONE);
    if (profile) flow.profiles.put({ ...profile, lastOrderAt: flow.clock.now().toISOString() });
  };
  const records = async () =>
    (await flow.messages.listByPhone(PHONE, 5)).map((m) => [m.status, m.reason ?? null, m.flowId]);
  return { ...flow, subscribe, cart, ordered, records };
}

describe('the compiled abandoned cart', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('texts the cart link as written an hour after abandonedAt', async () => {
    const w = (current = world());
    w.subscribe();
    const [execution] = w.cart('c-1');
    await settleWork(w.emulator);
    expect(execution?.currentState).toBe('DelayWait');
    w.clock.advance(HOUR);
    await execution?.done;
    expect(execution?.tasks.map((t) => t.state)).toEqual(['NoOrderSinceCartTask', 'CartTextTask']);
    expect(w.gateway.to(PHONE)).toEqual([
      'Acme Coffee: Hi, you left something in your cart. Complete your order: https://acme-coffee.example/cart/c-1',
    ]);
  });

  it('records the text as skipped, order_placed, when an order came since the cart', async () => {
    const w = (current = world());
    w.subscribe();
    const [execution] = w.cart('c-2');
    await settleWork(w.emulator);
    w.clock.advance(10 * 60_000);
    await w.ordered();
    w.clock.advance(HOUR);
    await execution?.done;
    expect(execution?.currentState).toBe('FlowExitedSucceed');
    expect(w.gateway.sent).toEqual([]);
    expect(await w.records()).toEqual([['skipped', 'order_placed', 'abandonedCart']]);
  });

  it('skips a subscription not confirmed by double opt-in or a code, as no_confirmed_opt_in', async () => {
    const w = (current = world());
    w.subscribe({ marketingConfirmedBy: 'single_opt_in' });
    const [execution] = w.cart('c-3');
    w.clock.advance(HOUR);
    await execution?.done;
    expect(execution?.status).toBe('SUCCEEDED');
    expect(w.gateway.sent).toEqual([]);
    expect(await w.records()).toEqual([['skipped', 'no_confirmed_opt_in', 'abandonedCart']]);
  });

  it('ends a text held by quiet hours when an order arrives in the night', async () => {
    const w = (current = world());
    w.clock.set(new Date('2026-05-06T00:30:00.000Z')); // 20:30 in New York: due 21:30
    w.subscribe();
    const [execution] = w.cart('c-4');
    w.clock.advance(HOUR);
    await settleWork(w.emulator);
    expect(execution?.currentState).toBe('CartTextWaitForQuietHoursEndWait');
    await w.ordered();
    w.clock.set(new Date('2026-05-06T12:00:01.000Z')); // 08:00
    await execution?.done;
    expect(execution?.currentState).toBe('FlowExitedSucceed');
    expect(w.gateway.sent).toEqual([]);
  });
});
