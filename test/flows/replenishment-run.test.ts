/**
 * The built-in replenishment flow as compiled, given a product's days, on the local runtime's Step
 * Functions interpreter (aws-local-stepfunctions, waits on the virtual clock), each task reaching
 * the flow-step service over in-memory stores: its wait, its reorder check and its marketing text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { REPLENISHMENT } from '../../lambdas/domain/flow-definitions-config';
import type { Profile } from '../../lambdas/domain/profile';
import type { ActivityRecord } from '../../lambdas/domain/stores/activity';
import { settleWork } from '../../local/settle';
import { compiledFlow, subscriber } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const NOON_NEW_YORK = new Date('2026-05-05T16:00:00.000Z');
const DAY = 24 * 3600_000;

function world() {
  const definition = FlowDefinitionShape.parse({ ...REPLENISHMENT, replenishDays: { 'beans-1': 30 } });
  const orders: ActivityRecord[] = [];
  const flow = compiledFlow(definition, {
    start: NOON_NEW_YORK,
    deps: {
      activity: {
        listSince: async (phone: string, prefix: string, since: string) =>
          orders.filter((o) => o.phone === phone && o.activityKey.startsWith(prefix) && o.at >= since),
      },
    },
  });
  const { clock, profiles } = flow;
  const subscribe = (extra: Partial<Profile> = {}) =>
    profiles.put(subscriber(PHONE, '2026-04-01T00:00:00.000Z', extra));
  /** An order as the events API records it, and the executions the flow starter starts for it. */
  const order = (orderId: string, productIds: string[]) => {
    const placedAt = clock.now().toISOString();
    const detail = {
      type: 'OrderPlaced',
      phone: PHONE,
      orderId,
      total: 14,
      placedAt,
      items: productIds.map((productId) => ({ productId, name: 'House Blend', quantity: 1, price: 14 })),
    };
    orders.push({
      phone: PHONE,
      activityKey: `order#${orderId}`,
      type: 'OrderPlaced',
      at: placedAt,
      detail,
      aggregated: true,
      expiresAt: 0,
    });
    return flow.trigger('OrderPlaced', detail, placedAt);
  };
  return { ...flow, subscribe, order };
}

describe('the compiled replenishment flow', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('texts once, 30 days after the order, for the listed product only', async () => {
    const w = (current = world());
    w.subscribe();
    const executions = w.order('A-1', ['beans-1', 'mug']);
    expect(executions).toHaveLength(1);
    const [execution] = executions;
    await settleWork(w.emulator);
    expect(execution?.currentState).toBe('UntilRunningLowWait');
    // 30 days after the order (placed a few virtual milliseconds after noon).
    const waited = (execution?.waitingUntil?.getTime() ?? 0) - NOON_NEW_YORK.getTime();
    expect(waited).toBeGreaterThanOrEqual(30 * DAY);
    expect(waited).toBeLessThan(30 * DAY + 1000);
    w.clock.advance(30 * DAY);
    await execution?.done;
    expect(execution?.status).toBe('SUCCEEDED');
    expect(w.gateway.to(PHONE)).toEqual(['Acme Coffee: Hi, running low on House Blend? Time to stock up.']);
  });

  it('sends nothing for an order whose product was ordered again since', async () => {
    const w = (current = world());
    w.subscribe();
    const [first] = w.order('A-2', ['beans-1']);
    await settleWork(w.emulator);
    w.clock.advance(10 * DAY);
    const [second] = w.order('A-3', ['beans-1']);
    w.clock.advance(20 * DAY);
    await first?.done;
    expect(first?.tasks.map((t) => t.state)).toEqual(['NotReorderedTask']);
    expect(first?.currentState).toBe('FlowExitedSucceed');
    expect(w.gateway.sent).toEqual([]);

    // The reorder's own reminder comes 30 days after it.
    w.clock.advance(10 * DAY);
    await second?.done;
    expect(w.gateway.to(PHONE)).toHaveLength(1);
  });

  it('holds the text for quiet hours when the day comes at night', async () => {
    const w = (current = world());
    w.clock.set(new Date('2026-05-06T03:00:00.000Z')); // 23:00 in New York
    w.subscribe();
    const [execution] = w.order('A-4', ['beans-1']);
    w.clock.advance(30 * DAY);
    await settleWork(w.emulator);
    expect(execution?.currentState).toBe('ReplenishTextWaitForQuietHoursEndWait');
    expect(w.gateway.sent).toEqual([]);
    w.clock.set(new Date('2026-06-05T12:00:00.000Z')); // 08:00
    await execution?.done;
    expect(w.gateway.to(PHONE)).toHaveLength(1);
  });

  it('ends without a text for a customer who is not a marketing subscriber', async () => {
    const w = (current = world());
    w.subscribe({ marketing: 'never_subscribed', transactional: 'subscribed' });
    const [execution] = w.order('A-5', ['beans-1']);
    w.clock.advance(30 * DAY);
    await execution?.done;
    expect(execution?.currentState).toBe('ConsentEndedSucceed');
    expect(w.gateway.sent).toEqual([]);
  });
});
