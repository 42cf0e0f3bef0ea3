/**
 * Settling the local runtime (`POST /_local/settle` and `runtime.settle()`): it waits for the work
 * that is due and lists what sleeps until a later virtual time, instead of waiting out the sleep.
 * The clock runs at time scale 1, as `npm start` does by default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, type TestRuntime } from '../support/local-runtime';

const DAY = 24 * 3600_000;

interface Waiting {
  kind: string;
  name: string;
  state: 'running' | 'sleeping';
  until?: string;
  stateMachine?: string;
}

describe('settling the local runtime', () => {
  let runtime: TestRuntime;
  const settle = (query = '') =>
    runtime.post<{ settled: boolean; waiting: Waiting[] }>(`/_local/settle${query}`, {});

  beforeAll(async () => {
    // 12:00 in Seattle (+1206…), where these numbers are: inside quiet hours' window.
    runtime = await startTestRuntime({ clockStart: new Date('2026-09-15T19:00:00Z') });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('returns while the welcome series sleeps for a day, naming the sleeping flow and until when', async () => {
    const phone = '+12065550140';
    await subscribeByKeyword(runtime, phone);
    const started = Date.now();
    const { status, body } = await settle();
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(body.settled).toBe(true);
    // Message 1 went out before the flow went to sleep: settling waited for that due work.
    expect((await runtime.outbox(phone)).map((m) => m.messageType)).toContain('PROMOTIONAL');
    const flows = body.waiting.filter((w) => w.kind === 'flow');
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ state: 'sleeping', stateMachine: 'optline-local-flow-welcome' });
    const until = Date.parse(flows[0]?.until ?? '');
    const now = runtime.clock.now().getTime();
    expect(until - now).toBeGreaterThan(DAY - 3600_000);
    expect(until - now).toBeLessThanOrEqual(DAY);
    expect(body.waiting.filter((w) => w.state === 'running')).toEqual([]);
  });

  it('waits for the woken flow once the clock has passed its wait', async () => {
    const phone = '+12065550141';
    await subscribeByKeyword(runtime, phone);
    await runtime.settle();
    const before = (await runtime.outbox(phone)).length;
    runtime.clock.advance(DAY + 60_000);
    const { body } = await settle();
    expect(body).toEqual({ settled: true, waiting: [] });
    const after = await runtime.outbox(phone);
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)?.body).toContain('Save our number');
  });

  it('gives up after timeoutSeconds with settled false and the work still running', async () => {
    const phone = '+12065550142';
    // The inbound invocation fails after its handler ran: its retry follows a second later.
    runtime.lambdas.crashAfterNext('inboundSms');
    await runtime.text(phone, 'HELP');
    const { status, body } = await settle('?timeoutSeconds=0.05');
    expect(status).toBe(200);
    expect(body.settled).toBe(false);
    expect(body.waiting).toContainEqual(
      expect.objectContaining({ kind: 'inbound-retry', state: 'running', count: 1 }),
    );
    // In process, without a limit, it waits for the retry.
    const result = await runtime.settle();
    expect(result).toEqual({ settled: true, waiting: [] });
  });

  it('waits for sleeping work too when asked to, as far as the time limit allows', async () => {
    await subscribeByKeyword(runtime, '+12065550143');
    // Once the due work is done the flow sleeps for a day: sleeping work is all there is left.
    await runtime.settle();
    const result = await runtime.settle({ includeSleeping: true, timeoutMs: 200 });
    expect(result.settled).toBe(false);
    expect(result.waiting).toContainEqual(expect.objectContaining({ kind: 'flow', state: 'sleeping' }));
    runtime.clock.advance(DAY + 60_000);
    expect(await runtime.settle({ includeSleeping: true })).toEqual({ settled: true, waiting: [] });
  });

  it.each(['0', '-1', 'soon', '', '601'])('answers 400 naming timeoutSeconds for %j', async (value) => {
    const { status, body } = await runtime.post<{ error: { field: string; message: string } }>(
      `/_local/settle?timeoutSeconds=${value}`,
      {},
    );
    expect(status).toBe(400);
    expect(body.error.field).toBe('timeoutSeconds');
  });
});
