/**
 * Replenishment, a built-in flow written as data, given a product's days in the config, on the
 * local runtime: one text when an ordered product runs out, unless the customer ordered it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../local/aws/stepfunctions';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// +1312… is Chicago (America/Chicago, UTC-5 in October).
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');

describe('replenishment flow', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1312${700 + counter++}0100`;
  const executions = (phone: string) =>
    [...runtime.stepFunctions.executions.values()].filter(
      (e) => e.name.startsWith('replenishment-') && e.input.includes(phone),
    );
  const order = (phone: string, orderId: string, productId = 'beans-1') =>
    runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId,
      total: 18.5,
      placedAt: runtime.clock.now().toISOString(),
      line_items: [
        { product_id: productId, title: 'House Blend', qty: 1, price: '18.50' },
        { product_id: 'mug', title: 'Mug', qty: 1, price: '12.00' },
      ],
    });
  const subscriber = async () => {
    const phone = newPhone();
    runtime.clock.set(new Date(NOON_CHICAGO.getTime() - 26 * HOUR));
    await subscribeByKeyword(runtime, phone);
    runtime.clock.set(NOON_CHICAGO);
    return phone;
  };
  const finished = (phone: string): Promise<ExecutionRecord[]> =>
    waitFor(
      () => {
        const all = executions(phone);
        return all.length > 0 && all.every((e) => e.status !== 'RUNNING') ? all : undefined;
      },
      10_000,
      'replenishment finished',
    );
  const reminders = async (phone: string) =>
    (await runtime.outbox(phone)).filter((m) => m.body.includes('running low')).map((m) => m.body);

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: NOON_CHICAGO,
      config: {
        flows: {
          welcome: { enabled: false },
          // Only this flow answers the orders here.
          definitions: [
            { id: 'postPurchase', enabled: false },
            { id: 'replenishment', replenishDays: { 'beans-1': 30 } },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('texts once when the product runs out, 30 days after the order, however often the order is posted', async () => {
    const phone = await subscriber();
    expect((await order(phone, 'R-1')).status).toBe(202);
    await order(phone, 'R-1');
    await waitFor(() => executions(phone).find((e) => e.waitingUntil !== undefined), 5000, 'waiting');
    // One execution: the mug has no days.
    expect(executions(phone)).toHaveLength(1);
    runtime.clock.advance(30 * DAY);
    expect((await finished(phone))[0]?.status).toBe('SUCCEEDED');
    expect(await reminders(phone)).toEqual([
      'Acme Coffee: Hi, running low on House Blend? Time to stock up. Reply STOP to opt out.',
    ]);
  });

  it('sends nothing for an order whose product the customer ordered again, and reminds after the reorder', async () => {
    const phone = await subscriber();
    await order(phone, 'R-2');
    await runtime.bus.settle();
    runtime.clock.advance(10 * DAY);
    await order(phone, 'R-3');
    await runtime.bus.settle();
    runtime.clock.advance(20 * DAY);
    await waitFor(() => executions(phone).find((e) => e.status !== 'RUNNING'), 10_000, 'first done');
    expect(await reminders(phone)).toEqual([]);
    runtime.clock.advance(10 * DAY);
    await finished(phone);
    expect(await reminders(phone)).toHaveLength(1);
  });

  it('sends nothing to a customer who opted out since the order', async () => {
    const phone = await subscriber();
    await order(phone, 'R-4');
    await runtime.bus.settle();
    await runtime.text(phone, 'STOP');
    runtime.clock.advance(30 * DAY);
    await finished(phone);
    expect(await reminders(phone)).toEqual([]);
  });
});
