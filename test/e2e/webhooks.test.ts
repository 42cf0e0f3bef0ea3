/**
 * Webhooks on the local runtime, against a small HTTP receiver that checks the secret header as a
 * real one would: conversation messages arrive as help-desk tickets, a STOP as OptedOut and a close,
 * a receiver that is down gets the deliveries when it comes back (EventBridge's retries, on the
 * virtual clock), a wrong secret (401) is retried as EventBridge retries it, and a delivery the
 * receiver refuses for good (404) is failed at once at /_local/webhooks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';

const SECRET = 'whsec-local-test-4711';

interface Received {
  readonly path: string;
  readonly header: string | undefined;
  readonly body: Record<string, unknown>;
}

describe('webhooks through the local EventBridge', () => {
  let runtime: TestRuntime;
  let receiver: Server;
  const received: Received[] = [];
  /** What the receiver answers to a delivery with the right secret (503 while "down"). */
  let answer = 200;
  /** Every request to the rate-limited webhook: when it arrived (real ms) and its body. */
  const paced: { at: number; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/paced') paced.push({ at: Date.now(), body: text });
        const header = req.headers['x-optline-webhook-secret'] as string | undefined;
        const valid =
          header !== undefined &&
          header.length === SECRET.length &&
          timingSafeEqual(Buffer.from(header), Buffer.from(SECRET));
        if (!valid) {
          res.writeHead(401).end();
          return;
        }
        if (req.url === '/gone') {
          res.writeHead(404).end();
          return;
        }
        if (answer === 200) received.push({ path: req.url ?? '', header, body: JSON.parse(text) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    runtime = await startTestRuntime({
      config: {
        ...KEYWORDS_ONLY,
        webhooks: [
          {
            url: `http://127.0.0.1:${port}/desk`,
            events: ['ConversationMessage', 'ConversationClosed', 'OptedOut'],
            secretName: 'optline/desk',
            format: 'helpdesk',
          },
          {
            url: `http://127.0.0.1:${port}/wrong-secret`,
            events: ['OptedOut'],
            secretName: 'optline/other',
          },
          { url: `http://127.0.0.1:${port}/gone`, events: ['OptedOut'], secretName: 'optline/desk' },
          {
            url: `http://127.0.0.1:${port}/paced`,
            events: ['ConversationMessage'],
            secretName: 'optline/desk',
            rateLimitPerSecond: 1,
          },
        ],
      },
      webhookSecrets: { 'optline/desk': SECRET, 'optline/other': 'not-the-receivers' },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });

  const deliveries = async () =>
    (
      await runtime.get<{
        deliveries: { rule: string; detailType: string; status: string; attempts: number }[];
        failed: { rule: string; detailType: string; lastError: string }[];
      }>('/_local/webhooks')
    ).body;

  it('delivers a free text as a help-desk ticket carrying the secret header', async () => {
    const phone = '+12065550401';
    await runtime.text(phone, 'where is my order?');
    const ticket = await waitFor(
      () => received.find((r) => r.path === '/desk' && JSON.stringify(r.body).includes(phone)),
      10_000,
      'the ticket',
    );
    expect(ticket.header).toBe(SECRET);
    expect(ticket.body).toMatchObject({
      externalId: `optline-${phone}`,
      subject: `Text conversation with ${phone}`,
      requester: { phone },
      status: 'open',
      message: { direction: 'inbound', body: 'where is my order?', agent: null },
      link: `${runtime.url}/v1/conversations/12065550401`,
    });
  });

  it('delivers a STOP as OptedOut and the close of the conversation', async () => {
    const phone = '+12065550402';
    await runtime.post('/v1/subscriptions', {
      phone,
      source: 'checkout',
      consent: { method: 'api', classes: ['transactional'], checkedByUser: true },
    });
    await runtime.text(phone, 'my grinder is broken');
    await runtime.text(phone, 'STOP');
    await waitFor(
      () =>
        received.some(
          (r) =>
            (r.body as { status?: string; requester?: { phone?: string } }).status === 'closed' &&
            (r.body as { requester?: { phone?: string } }).requester?.phone === phone,
        ),
      10_000,
      'the close',
    );
    const optedOut = await waitFor(
      () =>
        received.find((r) => r.body['detail-type'] === 'OptedOut' && JSON.stringify(r.body).includes(phone)),
      10_000,
      'OptedOut',
    );
    expect(optedOut.body).toMatchObject({ source: 'optline', detail: { phone } });
    const closed = received.find(
      (r) => (r.body as { status?: string }).status === 'closed' && JSON.stringify(r.body).includes(phone),
    );
    expect(closed?.body).toMatchObject({ closedBy: 'opt_out', externalId: `optline-${phone}` });
  });

  it('gets the deliveries to a receiver that was down once it comes back, within the retry window', async () => {
    answer = 503;
    const phone = '+12065550403';
    await runtime.text(phone, 'anyone there?');
    await waitFor(
      async () =>
        (await deliveries()).deliveries.some(
          (d) => d.status === 'retrying' && d.attempts >= 1 && d.detailType === 'ConversationMessage',
        ),
      10_000,
      'a failed first attempt',
    );
    // Down for a while: a few retries on the virtual clock, all refused.
    for (let i = 0; i < 3; i++) {
      runtime.clock.advance(60_000);
      await runtime.settle();
    }
    expect(received.some((r) => JSON.stringify(r.body).includes(phone))).toBe(false);
    const retried = (await deliveries()).deliveries.find(
      (d) => d.detailType === 'ConversationMessage' && d.status === 'retrying',
    );
    expect(retried?.attempts).toBeGreaterThan(1);

    answer = 200;
    runtime.clock.advance(10 * 60_000);
    await waitFor(
      () => received.some((r) => JSON.stringify(r.body).includes(phone)),
      10_000,
      'the delivery after the receiver came back',
    );
    expect(
      (await deliveries()).deliveries.find((d) => d.rule === retried?.rule && d.status === 'delivered'),
    ).toBeDefined();
  });

  it('retries a delivery refused with 401 (a secret the receiver does not hold), as during a rotation', async () => {
    const refused = await waitFor(
      async () =>
        (await deliveries()).deliveries.find((d) => d.rule.startsWith('webhook-1-') && d.attempts >= 1),
      10_000,
      'the refused delivery',
    );
    expect(refused).toMatchObject({ detailType: 'OptedOut', status: 'retrying', lastError: 'HTTP 401' });
    expect((await deliveries()).failed.filter((d) => d.rule.startsWith('webhook-1-'))).toEqual([]);
  });

  it('lists a delivery the receiver refuses for good (404) as failed after one attempt', async () => {
    const failed = await waitFor(
      async () => (await deliveries()).failed.find((d) => d.rule.startsWith('webhook-2-')),
      10_000,
      'the failed delivery',
    );
    expect(failed).toMatchObject({ detailType: 'OptedOut', lastError: 'HTTP 404' });
    expect((await deliveries()).deliveries.find((d) => d.rule === failed.rule)?.attempts).toBe(1);
  });

  it('holds deliveries to the rate limit of their destination', async () => {
    const phone = '+12065550404';
    for (const text of ['first', 'second', 'third']) await runtime.text(phone, `question ${text}`);
    await waitFor(
      () => paced.filter((request) => request.body.includes(phone)).length >= 3,
      15_000,
      'three paced deliveries',
    );
    // One a second at most, across every request to that URL. The pacing holds each request until
    // its slot and the receiver sees it a transit later; the first, sent while the runtime still
    // handles the later texts, can take longer in transit than the next, which narrows the first
    // gap as seen here by that difference. Unpaced, all three would arrive within a few hundred ms.
    const gaps = paced.slice(1).map((request, i) => request.at - paced[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(700);
    expect(paced.at(-1)!.at - paced[0]!.at).toBeGreaterThanOrEqual(1800);
  });
});
