/**
 * `npm start` as a user runs it: npm, the shell it starts and the runtime's node process, on a free
 * port with a fast virtual clock (OPTLINE_TIME_SCALE=3600: an hour per second), driven only over
 * HTTP and stopped the way a process manager stops it: SIGTERM to the pid it started (npm's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb';
import { ROOT, waitFor } from '../support/local-runtime';

/** True when nothing listens on the port (this process can listen on it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/** True while any process is left in the process group. */
function groupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (local runtime process)', () => {
  let child: ChildProcess;
  let port: number;
  let base: string;
  let output = '';
  /** A help desk on loopback: what it received, with the secret header. */
  let receiver: Server;
  const received: { secret: string | undefined; body: { detail?: { phone?: string; body?: string } } }[] = [];
  const get = async <T>(path: string) => (await (await fetch(`${base}${path}`)).json()) as T;
  const post = async <T>(path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const outbox = async (phone: string) =>
    (
      await get<{ messages: { body: string; messageType: string }[] }>(
        `/_local/outbox?phone=${encodeURIComponent(phone)}`,
      )
    ).messages;
  const promotional = async (phone: string) =>
    (await outbox(phone)).filter((m) => m.messageType === 'PROMOTIONAL');

  beforeAll(async () => {
    receiver = createHttpServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        const secret = req.headers['x-optline-webhook-secret'];
        received.push({ secret: typeof secret === 'string' ? secret : undefined, body: JSON.parse(text) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolveListen) => receiver.listen(0, '127.0.0.1', resolveListen));
    const receiverPort = (receiver.address() as AddressInfo).port;
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      // Its own process group, so that the test can tell when every process of it has gone.
      detached: true,
      env: {
        ...process.env,
        OPTLINE_PORT: String(port),
        OPTLINE_TIME_SCALE: '3600',
        // The config's simulator number takes 1 message per second; this test texts faster.
        OPTLINE_MPS: '50',
        OPTLINE_CLOCK_START: '2026-09-15T12:00:00Z', // 08:00 in New York
        OPTLINE_CONFIG_JSON: JSON.stringify({
          brand: 'Acme Coffee',
          webhooks: [
            {
              url: `http://127.0.0.1:${receiverPort}/desk`,
              events: ['ConversationMessage'],
              secretName: 'optline/desk',
            },
          ],
          flows: {
            welcome: {
              steps: [
                { delayMinutes: 0, body: 'Welcome! Code WELCOME10', quietHours: false, smartSending: false },
              ],
            },
          },
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      async () => {
        try {
          return (await fetch(`${base}/_local/health`)).ok;
        } catch {
          return false;
        }
      },
      30_000,
      'the local runtime to answer /_local/health',
    );
  });

  afterAll(async () => {
    if (child.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    await new Promise<void>((resolveClose) => receiver.close(() => resolveClose()));
  });

  it('is healthy within 30 seconds and prints its URLs', async () => {
    const health = await get<{ ok: boolean; brand: string; number: string; now: string }>('/_local/health');
    expect(health).toMatchObject({ ok: true, brand: 'Acme Coffee' });
    expect(output).toContain('/_local/phone');
  });

  it('texts welcome message 1 at once on YES, one cart message an hour after a cart, none after an order', async () => {
    const [welcome, cartOnly, cartThenOrder] = ['+12125550181', '+12125550182', '+12125550183'];
    for (const phone of [welcome, cartOnly, cartThenOrder]) {
      await post('/_local/inbound', { from: phone, body: 'JOIN' });
      await post('/_local/inbound', { from: phone, body: 'YES' });
    }
    const first = await waitFor(async () => (await promotional(welcome))[0], 10_000, 'welcome message 1');
    expect(first.body).toContain('Welcome! Code WELCOME10');
    for (const phone of [cartOnly, cartThenOrder])
      await waitFor(async () => (await promotional(phone))[0], 10_000, 'welcome');

    // Two days on (the clock runs an hour per second, so "tomorrow" might still be within smart
    // sending), two carts are abandoned; one of them was bought, and the order arrives first.
    const today = (await get<{ now: string }>('/_local/clock')).now.slice(0, 10);
    await post('/_local/clock', {
      set: new Date(Date.parse(`${today}T13:00:00Z`) + 48 * 3600_000).toISOString(),
    });
    const now = (await get<{ now: string }>('/_local/clock')).now;
    const cart = (phone: string, cartId: string) => ({
      type: 'CartAbandoned',
      phone,
      cartId,
      cartUrl: `https://acme-coffee.example/cart/${cartId}`,
      items: [{ name: 'House Blend', quantity: 1, price: 14 }],
      total: 14,
      abandonedAt: now,
    });
    const order = {
      type: 'OrderPlaced',
      phone: cartThenOrder,
      orderId: 'o-2',
      cartId: 'k-2',
      total: 14,
      placedAt: now,
    };
    expect((await post('/v1/events', order)).status).toBe(202);
    expect((await post('/v1/events', cart(cartOnly, 'k-1'))).status).toBe(202);
    expect((await post('/v1/events', cart(cartThenOrder, 'k-2'))).status).toBe(202);

    const cartMessages = await waitFor(
      async () => {
        const messages = (await promotional(cartOnly)).filter((m) => m.body.includes('/cart/k-1'));
        return messages.length > 0 ? messages : undefined;
      },
      20_000,
      'the cart message',
    );
    // Nothing else may arrive: wait until both numbers' cart flows have ended, not for a fixed time.
    for (const phone of [cartOnly, cartThenOrder])
      await waitFor(
        async () => {
          const { executions } = await get<{ executions: { flow: string; status: string }[] }>(
            `/_local/executions?phone=${encodeURIComponent(phone)}`,
          );
          const carts = executions.filter((e) => /cart/i.test(e.flow));
          return carts.length > 0 && carts.every((e) => e.status !== 'RUNNING');
        },
        20_000,
        'the cart flows to end',
      );
    expect(cartMessages).toHaveLength(1);
    expect((await promotional(cartOnly)).filter((m) => m.body.includes('/cart/'))).toHaveLength(1);
    expect((await promotional(cartThenOrder)).filter((m) => m.body.includes('/cart/'))).toEqual([]);
  });

  it('delivers a free text to the webhook with the secret it printed, and an API reply reaches the phone', async () => {
    const secret = /X-Optline-Webhook-Secret: (\S+) \(generated/u.exec(output)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/u);
    // Mid-morning in New York (the clock runs an hour per second): no calling-hours law in the way.
    const today = (await get<{ now: string }>('/_local/clock')).now.slice(0, 10);
    await post('/_local/clock', {
      set: new Date(Date.parse(`${today}T14:00:00Z`) + 72 * 3600_000).toISOString(),
    });
    const phone = '+12125550184';
    await post('/_local/inbound', { from: phone, body: 'where is my order?' });
    const delivery = await waitFor(
      () => received.find((r) => r.body.detail?.phone === phone),
      10_000,
      'the webhook delivery',
    );
    expect(delivery).toMatchObject({ secret, body: { detail: { body: 'where is my order?' } } });

    const reply = await post(`/v1/conversations/${encodeURIComponent(phone)}/replies`, {
      body: 'It left our roastery this morning.',
      agent: 'ada',
      idempotencyKey: 'reply-order-1',
    });
    expect(reply.status).toBe(202);
    await waitFor(
      async () => (await outbox(phone)).find((m) => m.body.includes('left our roastery')),
      10_000,
      'the reply on the phone',
    );
  });

  it("stops the whole runtime and frees its port within 5 s of a SIGTERM to npm's pid", async () => {
    const npm = child.pid;
    if (npm === undefined) throw new Error('npm start did not start');
    expect(await portIsFree(port)).toBe(false);
    const sent = Date.now();
    process.kill(npm, 'SIGTERM');
    await waitFor(async () => !groupAlive(npm) && (await portIsFree(port)), 5000, 'every process gone');
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(output).toContain('stopping…');
  });
});

describe('npm start settings', () => {
  it('refuses OPTLINE_WEBHOOK_SECRETS that is not an object of strings, with exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, OPTLINE_PORT: '0', OPTLINE_WEBHOOK_SECRETS: '{"optline/desk": 42}' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    expect(code).toBe(2);
    expect(stderr).toContain('OPTLINE_WEBHOOK_SECRETS must be JSON such as {"<secretName>":"<value>"}');
  });
});
