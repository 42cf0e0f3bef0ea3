/**
 * POST /v1/opt-outs against the local runtime: a revocation taken on a call or by email is recorded
 * with its evidence and applied like STOP, texted back only when asked within 5 minutes, refused
 * with a 400 naming `receivedAt` when that cannot be right, and recorded once per Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, subscribeByKeyword, type TestRuntime } from '../support/local-runtime';

const START = new Date('2026-11-10T16:00:00Z');

describe('POST /v1/opt-outs', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const now = () => runtime.clock.now().getTime();
  const ago = (minutes: number) => new Date(now() - minutes * 60_000).toISOString();
  const post = async (body: unknown, key?: string) => {
    const response = await fetch(`${runtime.url}/v1/opt-outs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('applies a phone-call revocation like STOP, keeps its evidence and texts nothing', async () => {
    const phone = '+12065550201';
    await subscribeByKeyword(runtime, phone);
    runtime.clock.advance(10 * 60_000);
    await runtime.settle();
    const texts = (await runtime.outbox(phone)).length;
    const receivedAt = ago(3);

    const result = await post(
      { phone, channel: 'phone_call', receivedAt, agent: 'support-17', note: 'Called to stop texts' },
      'call-0001-abc',
    );

    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      phone,
      channel: 'phone_call',
      applied: true,
      confirmation: 'not_requested',
    });
    expect(result.body.latencySeconds).toBeGreaterThanOrEqual(180);
    const profile = await runtime.get<Record<string, unknown>>(`/v1/profiles/${encodeURIComponent(phone)}`);
    expect(profile.body).toMatchObject({ marketing: 'unsubscribed', transactional: 'unsubscribed' });
    const log = await runtime.get<{ events: Record<string, unknown>[] }>(
      `/v1/profiles/${encodeURIComponent(phone)}/consent-log`,
    );
    expect(log.body.events.find((e) => e.action === 'opted_out')).toMatchObject({
      action: 'opted_out',
      evidence: {
        method: 'phone_call',
        agent: 'support-17',
        note: 'Called to stop texts',
        receivedAt,
      },
    });
    expect(await runtime.outbox(phone)).toHaveLength(texts);
    expect(runtime.sms.isOptedOut(phone)).toBe(true);

    // The same request again records nothing more.
    const again = await post(
      { phone, channel: 'phone_call', receivedAt, agent: 'support-17' },
      'call-0001-abc',
    );
    expect(again.status).toBe(200);
    expect(again.body.recordedAt).toBe(result.body.recordedAt);
    const after = await runtime.get<{ events: unknown[] }>(
      `/v1/profiles/${encodeURIComponent(phone)}/consent-log`,
    );
    expect(after.body.events).toHaveLength(log.body.events.length);
  });

  it('texts the one confirmation only when asked within 5 minutes of receipt', async () => {
    const prompt = '+12065550202';
    const late = '+12065550203';
    await subscribeByKeyword(runtime, prompt);
    await subscribeByKeyword(runtime, late);
    runtime.clock.advance(10 * 60_000);
    await runtime.settle();
    const before = {
      prompt: (await runtime.outbox(prompt)).length,
      late: (await runtime.outbox(late)).length,
    };

    const inTime = await post({ phone: prompt, channel: 'email', receivedAt: ago(4), confirmBySms: true });
    const tooLate = await post({ phone: late, channel: 'email', receivedAt: ago(6), confirmBySms: true });

    expect(inTime.body).toMatchObject({ applied: true, confirmation: 'sent' });
    expect(tooLate.body).toMatchObject({ applied: true, confirmation: 'too_late' });
    expect(await runtime.outbox(prompt)).toHaveLength(before.prompt + 1);
    expect((await runtime.outbox(late)).map((m) => m.body)).toHaveLength(before.late);
  });

  it('refuses a receivedAt in the future or before the first consent event, naming it', async () => {
    const phone = '+12065550204';
    await subscribeByKeyword(runtime, phone);
    const future = await post({ phone, channel: 'web', receivedAt: new Date(now() + 60_000).toISOString() });
    const early = await post({ phone, channel: 'mail', receivedAt: '2020-01-01T00:00:00Z' });
    for (const refused of [future, early]) {
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { field: 'receivedAt' } });
    }
    expect((await runtime.get(`/v1/profiles/${encodeURIComponent(phone)}`)).body).toMatchObject({
      marketing: 'subscribed',
    });
  });

  it('refuses an unknown channel', async () => {
    const result = await post({ phone: '+12065550205', channel: 'pigeon', receivedAt: ago(1) });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { field: 'channel' } });
  });
});
