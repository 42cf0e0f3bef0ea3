import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formSubscription } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('opt-in API with double opt-in off', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      config: {
        doubleOptIn: false,
        // Abandoned-cart texts force double opt-in for US numbers; this program has none.
        flows: { welcome: { enabled: false }, abandonedCart: { enabled: false } },
        rateLimits: { perPhonePerHour: 3, perPrefixPerHour: 20, perIpPerHour: 100, globalPerHour: 2 },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('subscribes at once, confirms by text and publishes SubscriptionConfirmed', async () => {
    const phone = '+12125550140';
    const result = await runtime.post<{ marketing: string; marketingConfirmedBy: string }>(
      '/v1/subscriptions',
      formSubscription(phone),
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ marketing: 'subscribed', marketingConfirmedBy: 'single_opt_in' });
    expect((await runtime.outbox(phone))[0]?.body).toMatch(/You're subscribed/);
    const events = await runtime.get<{ events: { detail: { phone: string } }[] }>(
      '/_local/events?type=SubscriptionConfirmed',
    );
    expect(events.body.events.map((e) => e.detail.phone)).toContain(phone);
  });

  it('still asks an opted-out number for a new double opt-in', async () => {
    const phone = '+12125550141';
    await runtime.text(phone, 'STOP');
    const result = await runtime.post<{ marketing: string }>('/v1/subscriptions', formSubscription(phone));
    expect(result.status).toBe(202);
    expect(result.body.marketing).toBe('pending');
  });

  it('stops everyone at the global hourly budget with 429', async () => {
    const result = await runtime.post<{ error: { code: string } }>(
      '/v1/subscriptions',
      formSubscription('+13105550142'),
    );
    expect(result.status).toBe(429);
    expect(result.body.error.code).toBe('rate_limited');
    expect(await runtime.outbox('+13105550142')).toEqual([]);
  });
});
