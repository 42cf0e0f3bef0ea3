/**
 * Browse abandonment, the built-in flow written as data: compiled from its definition at start, run
 * by the local runtime's Step Functions on the virtual clock, its tasks on the flow-step function
 * (with the permissions the synthesized template gives it), texts through the End User Messaging
 * emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../local/aws/stepfunctions';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;
// +1312… is Chicago (America/Chicago, UTC-5 in October).
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');

describe('browse abandonment flow', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1312${400 + counter++}0100`;
  const executions = (phone: string) =>
    [...runtime.stepFunctions.executions.values()].filter(
      (e) => e.name.startsWith('browseAbandonment-') && e.input.includes(phone),
    );
  const view = (phone: string, productId = 'beans-1') =>
    runtime.post('/v1/events', {
      type: 'ProductViewed',
      phone,
      productId,
      productName: 'House Blend',
      productUrl: `https://acme-coffee.example/p/${productId}`,
      price: 14.5,
      viewedAt: runtime.clock.now().toISOString(),
    });
  const subscriber = async () => {
    const phone = newPhone();
    runtime.clock.set(new Date(NOON_CHICAGO.getTime() - 26 * HOUR));
    await subscribeByKeyword(runtime, phone);
    runtime.clock.set(NOON_CHICAGO);
    return phone;
  };
  const waiting = (phone: string) =>
    waitFor(() => executions(phone).find((e) => e.waitingUntil !== undefined), 5000, 'browse flow waiting');
  const finished = (phone: string): Promise<ExecutionRecord> =>
    waitFor(() => executions(phone).find((e) => e.status !== 'RUNNING'), 5000, 'browse flow finished');
  const marketingTo = async (phone: string) =>
    (await runtime.outbox(phone)).filter((m) => m.messageType === 'PROMOTIONAL').map((m) => m.body);

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: NOON_CHICAGO,
      config: { flows: { welcome: { enabled: false } } },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('texts once, two hours after a product view, with the product and its link', async () => {
    const phone = await subscriber();
    expect((await view(phone)).status).toBe(202);
    const execution = await waiting(phone);
    expect(execution.currentState).toBe('TwoHoursWait');
    expect(await marketingTo(phone)).toEqual([]);

    runtime.clock.advance(2 * HOUR);
    expect((await finished(phone)).status).toBe('SUCCEEDED');
    const texts = await marketingTo(phone);
    expect(texts).toHaveLength(1);
    const shortLink = `${runtime.url}/r/`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect(texts[0]).toMatch(
      new RegExp(
        `^Acme Coffee: Hi, still thinking about House Blend\\? Take another look: ${shortLink}[0-9A-Za-z]{7}\\nReply STOP to opt out\\.$`,
      ),
    );
  });

  it("links the product through a short link of the recipient's own, and credits the flow with the order after a click", async () => {
    const phone = await subscriber();
    await view(phone, 'beans-4');
    await waiting(phone);
    runtime.clock.advance(2 * HOUR);
    await finished(phone);
    const [text] = await marketingTo(phone);
    const link = /(http\S+\/r\/[0-9A-Za-z]{7})/.exec(text ?? '')?.[1];
    expect(link).toBeDefined();
    const redirect = await fetch(link!, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://acme-coffee.example/p/beans-4');

    const order = await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId: `A${phone.slice(1)}`,
      total: 29,
      currency: 'USD',
      placedAt: runtime.clock.now().toISOString(),
    });
    expect(order.status).toBe(202);
    await runtime.settle();
    const placed = runtime.bus.events.find(
      (e) => e['detail-type'] === 'OrderPlaced' && (e.detail as { phone?: string }).phone === phone,
    );
    expect(placed?.detail.attributedTo).toMatchObject({ flowId: 'browseAbandonment' });
  });

  it('sends no second browse text within 72 hours, whatever the product', async () => {
    const phone = await subscriber();
    await view(phone, 'beans-1');
    await waiting(phone);
    runtime.clock.advance(2 * HOUR);
    await finished(phone);
    runtime.clock.advance(24 * HOUR);
    await view(phone, 'beans-2');
    await runtime.settle();
    runtime.clock.advance(2 * HOUR);
    await runtime.settle();
    expect(await marketingTo(phone)).toHaveLength(1);

    // A view in a later 72-hour window, more than 72 hours after the first text, texts again.
    runtime.clock.set(new Date(NOON_CHICAGO.getTime() + 6 * 24 * HOUR));
    await view(phone, 'beans-3');
    await runtime.settle();
    runtime.clock.advance(2 * HOUR);
    await runtime.settle();
    expect(await marketingTo(phone)).toHaveLength(2);
  });

  it('sends nothing when a cart came after the view, and stops the flow', async () => {
    const phone = await subscriber();
    await view(phone);
    await waiting(phone);
    runtime.clock.advance(30 * 60_000);
    await runtime.post('/v1/events', {
      type: 'CartAbandoned',
      phone,
      cartId: 'c-900',
      cartUrl: 'https://acme-coffee.example/cart/c-900',
      items: [{ productId: 'beans-1', name: 'House Blend', quantity: 1, price: 14.5 }],
      total: 14.5,
      abandonedAt: runtime.clock.now().toISOString(),
    });
    const execution = await finished(phone);
    expect(execution.status).toBe('ABORTED');
    runtime.clock.advance(2 * HOUR);
    await runtime.settle();
    expect((await marketingTo(phone)).filter((body) => body.includes('still thinking'))).toEqual([]);
  });

  it('starts nothing for a view without a product link', async () => {
    const phone = await subscriber();
    await runtime.post('/v1/events', {
      type: 'ProductViewed',
      phone,
      productId: 'beans-1',
      viewedAt: runtime.clock.now().toISOString(),
    });
    await runtime.bus.settle();
    expect(executions(phone)).toEqual([]);
  });

  it('sends nothing to a subscriber who opted out during the wait', async () => {
    const phone = await subscriber();
    await view(phone);
    await waiting(phone);
    await runtime.text(phone, 'STOP');
    runtime.clock.advance(2 * HOUR);
    const execution = await finished(phone);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      last: { status: 'ended', reason: 'opted_out' },
    });
    expect(await marketingTo(phone)).toEqual([]);
  });
});
