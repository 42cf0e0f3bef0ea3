/**
 * Win-back, a built-in flow written as data, on the local runtime: the daily schedule sweeps the
 * sparse `lastOrders` index on the virtual clock and texts, once, the customers whose last order is
 * 90 days old; an order since, an opt-out, an erasure or a win-back text in the last 180 days means
 * none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const DAY = 24 * 3600_000;
// Noon in Chicago (UTC-5 in June): the daily sweep runs at this time of day.
const START = new Date('2026-06-02T17:00:00Z');
const WIN_BACK_TEXT =
  'Acme Coffee: Hi, we miss you! It has been a while since your last order: come and see what is new. Reply STOP to opt out.';

describe('win-back flow', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = (area = '312') => `+1${area}${710 + counter++}0100`;
  const order = async (phone: string, orderId: string) => {
    const response = await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId,
      total: 18.5,
      placedAt: runtime.clock.now().toISOString(),
    });
    expect(response.status).toBe(202);
  };
  const winBacks = async (phone: string) =>
    (await runtime.outbox(phone)).filter((m) => m.body.includes('we miss you')).map((m) => m.body);
  const lapses = (phone: string) =>
    runtime.bus.events.filter((e) => e['detail-type'] === 'CustomerLapsed' && e.detail.phone === phone);
  /** Moves the clock on, past the daily schedule, and waits for what the sweep started. */
  const sweepAfter = async (ms: number, found: string) => {
    const before = lapses(found).length;
    runtime.clock.advance(ms);
    await waitFor(() => lapses(found).length > before, 10_000, `the sweep to find ${found}`);
    await runtime.settle();
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      config: {
        flows: {
          welcome: { enabled: false },
          // Only the win-back texts the customers here.
          definitions: [{ id: 'postPurchase', enabled: false }],
        },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('texts a customer 91 days after the last order, once, and nobody who ordered since, opted out or was erased', async () => {
    const lapsed = newPhone();
    const reordered = newPhone();
    const optedOut = newPhone();
    const erased = newPhone();
    const neverSubscribed = newPhone();
    for (const phone of [lapsed, reordered, optedOut, erased]) await subscribeByKeyword(runtime, phone);
    for (const [index, phone] of [lapsed, reordered, optedOut, erased, neverSubscribed].entries())
      await order(phone, `W-${index}`);
    await runtime.settle();

    runtime.clock.advance(DAY);
    await runtime.text(optedOut, 'STOP');
    expect((await runtime.get(`/v1/profiles/${encodeURIComponent(erased)}`)).status).toBe(200);
    const erasure = await fetch(`${runtime.url}/v1/profiles/${encodeURIComponent(erased)}`, {
      method: 'DELETE',
    });
    expect(erasure.status).toBe(200);
    runtime.clock.advance(59 * DAY);
    await order(reordered, 'W-again');
    await runtime.settle();

    // Day 91: the daily sweep finds the orders of day 0.
    await sweepAfter(31 * DAY, lapsed);
    expect(await winBacks(lapsed)).toEqual([WIN_BACK_TEXT]);
    expect(lapses(lapsed)[0]?.detail).toMatchObject({
      lastOrderAt: expect.stringMatching(/^2026-06-02T17:00/),
      lapseDays: 90,
    });
    for (const phone of [reordered, optedOut, erased, neverSubscribed])
      expect(await winBacks(phone), phone).toEqual([]);
    // Ordered since: not due. Erased: gone from the index with the profile.
    expect(lapses(reordered)).toEqual([]);
    expect(lapses(erased)).toEqual([]);
    // Found, but not texted: an opt-out and a number never subscribed are skipped at send().
    expect(lapses(optedOut)).toHaveLength(1);
    expect(lapses(neverSubscribed)).toHaveLength(1);

    // The next day's sweep finds the customer again: the same execution name, nothing more.
    await sweepAfter(DAY, lapsed);
    expect(lapses(lapsed)).toHaveLength(2);
    expect(await winBacks(lapsed)).toEqual([WIN_BACK_TEXT]);
  });

  it('texts nobody twice within 180 days, though they lapse again', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    await order(phone, 'L-1');
    await runtime.settle();
    await sweepAfter(91 * DAY, phone);
    expect(await winBacks(phone)).toEqual([WIN_BACK_TEXT]);

    // Won back: a new order, and 91 days later a new lapse, 92 days after the text.
    await order(phone, 'L-2');
    await runtime.settle();
    await sweepAfter(91 * DAY, phone);
    expect(lapses(phone).at(-1)?.detail.lastOrderAt).not.toBe(lapses(phone)[0]?.detail.lastOrderAt);
    expect(await winBacks(phone)).toEqual([WIN_BACK_TEXT]);
  });

  it('stops for an order placed while the text waits for the morning', async () => {
    // Honolulu: the sweep's noon in Chicago is 07:00 there, in quiet hours.
    const phone = newPhone('808');
    await subscribeByKeyword(runtime, phone);
    await order(phone, 'H-1');
    await runtime.settle();
    await sweepAfter(91 * DAY, phone);
    const execution = [...runtime.stepFunctions.executions.values()].find(
      (e) => e.name.startsWith('winBack-') && e.input.includes(phone),
    );
    expect(execution?.currentState).toBe('WinBackTextWaitForQuietHoursEndWait');
    await order(phone, 'H-2');
    await runtime.settle();
    runtime.clock.advance(4 * 3600_000);
    await runtime.settle();
    expect(execution?.status).toBe('ABORTED');
    expect(await winBacks(phone)).toEqual([]);
  });
});
