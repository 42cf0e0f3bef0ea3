import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('local runtime', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('reports health with brand, number and the virtual time', async () => {
    const { status, body } = await runtime.get<{ ok: boolean; brand: string; number: string; now: string }>(
      '/_local/health',
    );
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.brand).toBe('Acme Coffee');
    expect(body.number).toBe(runtime.originationNumber);
    expect(Number.isNaN(Date.parse(body.now))).toBe(false);
  });

  it('carries an inbound text through the SNS-shaped event and the handler to a reply in the outbox', async () => {
    const phone = '+12065550101';
    const replies = await runtime.text(phone, 'HELP');
    const outbox = await runtime.outbox(phone);

    expect(replies.length).toBeGreaterThan(0);
    expect(outbox.map((m) => m.body)).toEqual(replies.map((r) => r.body));
    expect(outbox[0]?.from).toBe(runtime.originationNumber);
    expect(outbox[0]?.body.startsWith('Acme Coffee')).toBe(true);
  });

  it('stores the sender as a profile readable through the API', async () => {
    const phone = '+12065550102';
    await runtime.text(phone, 'hi');
    const { status, body } = await runtime.get<{ phone: string; marketing: string }>(
      `/v1/profiles/${encodeURIComponent(phone)}`,
    );
    expect(status).toBe(200);
    expect(body.phone).toBe(phone);
  });

  it('answers 404 for an unknown profile and 400 naming the field for a malformed phone', async () => {
    const unknown = await runtime.get<{ error: { code: string } }>(
      `/v1/profiles/${encodeURIComponent('+12065550199')}`,
    );
    const malformed = await runtime.get<{ error: { code: string; field: string } }>(
      '/v1/profiles/not-a-phone',
    );
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('phone');
  });

  it('rejects a malformed inbound request with a 400 naming the field', async () => {
    const result = await runtime.post<{ error: { field: string } }>('/_local/inbound', {
      from: '12345',
      body: 'hi',
    });
    expect(result.status).toBe(400);
    expect(result.body.error.field).toBe('from');
  });

  it('answers 404 for a route that does not exist', async () => {
    const result = await runtime.get('/v1/nothing-here');
    expect(result.status).toBe(404);
  });

  it('moves the virtual clock forward on request', async () => {
    const before = Date.parse((await runtime.get<{ now: string }>('/_local/clock')).body.now);
    await runtime.post('/_local/clock', { advanceSeconds: 3600 });
    const after = Date.parse((await runtime.get<{ now: string }>('/_local/clock')).body.now);
    expect(after - before).toBeGreaterThanOrEqual(3600_000);
  });
});
