/**
 * The post-purchase thank-you, a built-in flow written as data: one text three days after each
 * order, on the local runtime's Step Functions and the End User Messaging emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../local/aws/stepfunctions';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// +1312… is Chicago (America/Chicago, UTC-5 in October).
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');

describe('post-purchase flow', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1312${500 + counter++}0100`;
  const executions = (phone: string) =>
    [...runtime.stepFunctions.executions.values()].filter(
      (e) => e.name.startsWith('postPurchase-') && e.input.includes(phone),
    );
  const order = (phone: string, orderId: string, placedAt = runtime.clock.now().toISOString()) =>
    runtime.post('/v1/events', { type: 'OrderPlaced', phone, orderId, total: 29, placedAt });
  const subscriber = async () => {
    const phone = newPhone();
    runtime.clock.set(new Date(NOON_CHICAGO.getTime() - 26 * HOUR));
    await subscribeByKeyword(runtime, phone);
    runtime.clock.set(NOON_CHICAGO);
    return phone;
  };
  const finished = (phone: string): Promise<ExecutionRecord> =>
    waitFor(() => executions(phone).find((e) => e.status !== 'RUNNING'), 5000, 'post-purchase finished');
  const thanksTo = async (phone: string) =>
    (await runtime.outbox(phone))
      .filter((m) => m.messageType === 'PROMOTIONAL' && m.body.includes('Thanks again'))
      .map((m) => m.body);

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: NOON_CHICAGO,
      config: { flows: { welcome: { enabled: false } } },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('thanks the customer once, three days after the order, however often the order is posted', async () => {
    const phone = await subscriber();
    const placedAt = runtime.clock.now().toISOString();
    expect((await order(phone, 'A-1', placedAt)).status).toBe(202);
    await order(phone, 'A-1', placedAt);
    await waitFor(() => executions(phone).find((e) => e.waitingUntil !== undefined), 5000, 'waiting');
    expect(executions(phone)).toHaveLength(1);
    expect(executions(phone)[0]?.waitingUntil?.toISOString()).toBe(
      new Date(Date.parse(placedAt) + 3 * DAY).toISOString(),
    );

    runtime.clock.advance(3 * DAY);
    expect((await finished(phone)).status).toBe('SUCCEEDED');
    expect(await thanksTo(phone)).toEqual([
      'Acme Coffee: Thanks again for your order, friend! We hope you are enjoying it. Reply STOP to opt out.',
    ]);
  });

  it('sends nothing to a customer who opted out since the order', async () => {
    const phone = await subscriber();
    await order(phone, 'A-2');
    await runtime.bus.settle();
    await runtime.text(phone, 'STOP');
    runtime.clock.advance(3 * DAY);
    await finished(phone);
    expect(await thanksTo(phone)).toEqual([]);
  });
});
