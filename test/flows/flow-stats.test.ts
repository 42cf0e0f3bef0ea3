/**
 * A flow's A/B test on the local runtime: a definition with a random split, its texts' links as
 * short links, and `GET /v1/flows/{flowId}/stats` counting each branch's entries, texts, clicks and
 * the order after a click.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

const HOUR = 3600_000;
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');
const PHONES = Array.from({ length: 6 }, (_, i) => `+1312555${String(7100 + i)}`);

interface FlowStats {
  flowId: string;
  sent: number;
  clicks: number;
  orders: number;
  revenue: number;
  splits: {
    step: string;
    kind: string;
    branches: {
      name: string;
      weight?: number;
      entered: number;
      sent: number;
      clicks: number;
      orders: number;
      revenue: number;
    }[];
  }[];
}

describe('flow stats', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: new Date(NOON_CHICAGO.getTime() - 26 * HOUR),
      config: {
        flows: {
          welcome: { enabled: false },
          definitions: [
            { id: 'browseAbandonment', enabled: false },
            {
              id: 'productAb',
              trigger: { event: 'ProductViewed', filters: { productUrl: { exists: true } } },
              limits: { oncePer: { hours: 72 } },
              steps: [
                { kind: 'wait', id: 'oneHour', delayMinutes: 60 },
                {
                  kind: 'split',
                  id: 'copy',
                  random: [
                    { name: 'plain', weight: 1, next: 'plainText' },
                    { name: 'urgent', weight: 1, next: 'urgentText' },
                  ],
                },
                { kind: 'send', id: 'plainText', body: 'Still there: {{ event.product_url }}', next: 'exit' },
                { kind: 'send', id: 'urgentText', body: 'Almost gone! {{ event.product_url }}' },
              ],
            },
          ],
        },
      },
    });
    for (const phone of PHONES) await subscribeByKeyword(runtime, phone);
    runtime.clock.set(NOON_CHICAGO);
    for (const phone of PHONES)
      expect(
        (
          await runtime.post('/v1/events', {
            type: 'ProductViewed',
            phone,
            productId: 'beans-1',
            productUrl: 'https://acme-coffee.example/p/beans-1',
            viewedAt: runtime.clock.now().toISOString(),
          })
        ).status,
      ).toBe(202);
    await runtime.settle();
    runtime.clock.advance(HOUR);
    await waitFor(
      async () =>
        (await Promise.all(PHONES.map((p) => runtime.outbox(p)))).every((m) =>
          m.some((x) => x.messageType === 'PROMOTIONAL'),
        ),
      10_000,
      'every A/B text',
    );
    await runtime.settle();
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const stats = () => runtime.get<FlowStats>('/v1/flows/productAb/stats');
  const textOf = async (phone: string) =>
    (await runtime.outbox(phone)).find((m) => m.messageType === 'PROMOTIONAL')?.body ?? '';

  it('counts the executions entering each branch and the texts each sent', async () => {
    const { status, body } = await stats();
    expect(status).toBe(200);
    const [split] = body.splits;
    expect(split).toMatchObject({ step: 'copy', kind: 'random' });
    const texts = await Promise.all(PHONES.map(textOf));
    const urgent = texts.filter((t) => t.includes('Almost gone!')).length;
    expect(split?.branches.map((b) => [b.name, b.weight, b.entered, b.sent])).toEqual([
      ['plain', 1, PHONES.length - urgent, PHONES.length - urgent],
      ['urgent', 1, urgent, urgent],
    ]);
    expect(body).toMatchObject({ flowId: 'productAb', sent: PHONES.length, clicks: 0, orders: 0 });
  });

  it("counts a recipient's first click and the order after it under the recipient's branch", async () => {
    const phone = PHONES[0]!;
    const text = await textOf(phone);
    const branch = text.includes('Almost gone!') ? 'urgent' : 'plain';
    const link = /(http\S+\/r\/[0-9A-Za-z]{7})/.exec(text)?.[1];
    expect(link).toBeDefined();
    expect((await fetch(link!, { redirect: 'manual' })).headers.get('location')).toBe(
      'https://acme-coffee.example/p/beans-1',
    );
    await fetch(link!, { redirect: 'manual' }); // a second click by the same person counts once
    const order = await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId: 'A7100',
      total: 36.5,
      currency: 'USD',
      placedAt: runtime.clock.now().toISOString(),
    });
    expect(order.status).toBe(202);
    await runtime.settle();

    const { body } = await stats();
    expect(body).toMatchObject({ clicks: 1, orders: 1, revenue: 36.5 });
    const branches = Object.fromEntries(body.splits[0]!.branches.map((b) => [b.name, b]));
    expect(branches[branch]).toMatchObject({ clicks: 1, orders: 1, revenue: 36.5 });
    expect(branches[branch === 'urgent' ? 'plain' : 'urgent']).toMatchObject({
      clicks: 0,
      orders: 0,
      revenue: 0,
    });
  });

  it('answers every flow of the deployment, 404 for an id that names none and 400 for a malformed one', async () => {
    const welcome = await runtime.get<FlowStats>('/v1/flows/welcome/stats');
    expect(welcome.status).toBe(200);
    // The welcome series' bodies by $source are a property split, counted per source.
    expect(welcome.body).toMatchObject({
      flowId: 'welcome',
      splits: [
        {
          step: 'message1BySource',
          kind: 'property',
          branches: [
            expect.objectContaining({ name: 'existing-email' }),
            expect.objectContaining({ name: 'other' }),
          ],
        },
      ],
    });
    const missing = await runtime.get<{ error: { code: string } }>('/v1/flows/noSuchFlow/stats');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const malformed = await runtime.get<{ error: { message: string } }>('/v1/flows/No-Such/stats');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/flowId/);
  });
});
