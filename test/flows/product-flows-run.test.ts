/**
 * Back in stock and price drop, the flows whose settings have keys of their own
 * (`flows.backInStock`, `flows.priceDrop`), as the definitions those keys translate to: compiled,
 * run on the local runtime's Step Functions interpreter (aws-local-stepfunctions, waits on the
 * virtual clock), each task reaching the flow-step service over in-memory stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { definedFlowStarts } from '../../lambdas/domain/flow-starts';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import { settleWork } from '../../local/settle';
import { compiledFlow, subscriber } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const NOON_NEW_YORK = new Date('2026-05-05T16:00:00.000Z');

function world(id: 'backInStock' | 'priceDrop', flows: Record<string, unknown> = {}) {
  const config = RuntimeConfigSchema.parse({ brand: 'Acme Coffee', flows });
  const definition = config.flows.definitions.find((d) => d.id === id);
  if (!definition) throw new Error(`no ${id}`);
  const flow = compiledFlow(definition, { start: NOON_NEW_YORK });
  flow.profiles.put(subscriber(PHONE, '2026-04-01T00:00:00.000Z'));
  const product = (type: string, productId: string, extra: Record<string, unknown> = {}) => {
    const at = flow.clock.now().toISOString();
    return flow.trigger(
      type,
      {
        type,
        phone: PHONE,
        productId,
        productName: 'Burr Grinder',
        productUrl: `https://acme-coffee.example/p/${productId}`,
        at,
        ...extra,
      },
      at,
    );
  };
  return { ...flow, definition, product };
}

describe('back in stock and price drop, compiled from their keys', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('texts a back-in-stock at once, with the product link as written', async () => {
    const w = (current = world('backInStock'));
    const [execution] = w.product('BackInStock', 'grinder-9');
    await execution?.done;
    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.tasks.map((t) => t.state)).toEqual(['BackInStockTextTask']);
    expect(w.gateway.to(PHONE)).toEqual([
      'Acme Coffee: Burr Grinder is back in stock: https://acme-coffee.example/p/grinder-9',
    ]);
    expect((await w.messages.listByPhone(PHONE, 5)).map((m) => m.flowId)).toEqual(['backInStock']);
  });

  it('waits the key’s delayMinutes after the event and prints its body', async () => {
    const w = (current = world('priceDrop', {
      priceDrop: { delayMinutes: 90, body: 'Now {{ event.price }}: {{ event.product_name }}' },
    }));
    const [execution] = w.product('PriceDropped', 'grinder-9', { price: 99, previousPrice: 120 });
    await settleWork(w.emulator);
    expect(execution?.currentState).toBe('DelayWait');
    expect(w.gateway.sent).toEqual([]);
    w.clock.advance(90 * 60_000);
    await execution?.done;
    expect(w.gateway.to(PHONE)).toEqual(['Acme Coffee: Now 99: Burr Grinder']);
  });

  it('names one execution per subscriber, product and day, whatever the number of events', () => {
    const w = (current = world('priceDrop'));
    const name = (productId: string, at: string) =>
      definedFlowStarts(
        [w.definition],
        'PriceDropped',
        {
          type: 'PriceDropped',
          phone: PHONE,
          productId,
          productName: 'Grinder',
          productUrl: 'https://a.example/p',
          price: 9,
          previousPrice: 12,
          at,
        },
        at,
      ).map((start) => start.name);
    const first = name('grinder-9', '2026-05-05T16:00:00.000Z');
    expect(first).toHaveLength(1);
    expect(name('grinder-9', '2026-05-05T23:59:00.000Z')).toEqual(first);
    expect(name('kettle-2', '2026-05-05T16:00:00.000Z')).not.toEqual(first);
    expect(name('grinder-9', '2026-05-06T00:01:00.000Z')).not.toEqual(first);
  });

  it('skips the text when quiet hours would push it past the key’s deadlineHours', async () => {
    const w = (current = world('backInStock', { backInStock: { deadlineHours: 2 } }));
    w.clock.set(new Date('2026-05-06T03:00:00.000Z')); // 23:00 in New York
    const [execution] = w.product('BackInStock', 'grinder-9');
    await execution?.done;
    expect(execution?.status).toBe('SUCCEEDED');
    expect(w.gateway.sent).toEqual([]);
    expect((await w.messages.listByPhone(PHONE, 5)).map((m) => [m.status, m.reason])).toEqual([
      ['skipped', 'quiet_hours_deadline'],
    ]);
  });
});
