import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLIANT_DISCLOSURE, formSubscription } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { KEYWORDS_ONLY } from '../support/fixtures';

let counter = 0;
/** A new number in its own block, so the per-prefix limit only bites where a test means it to. */
const newPhone = () => {
  counter += 1;
  return `+1415${200 + counter}${String(1000 + counter)}`;
};

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

describe('opt-in API', () => {
  let runtime: TestRuntime;
  let ip = 1;
  /** Each call from its own IP, so the per-IP limit is tested only where intended. */
  const post = async <T = Record<string, unknown>>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `198.51.100.${ip++ % 250}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const consentLog = async (phone: string) =>
    (
      await runtime.get<{ events: { action: string; evidence: Record<string, unknown> }[] }>(
        `/v1/profiles/${encodeURIComponent(phone)}/consent-log`,
      )
    ).body.events;
  const codeSentTo = async (phone: string) => {
    const messages = await runtime.outbox(phone);
    const match = messages.at(-1)?.body.match(/code is (\d{6})/);
    if (!match?.[1]) throw new Error('no code texted');
    return match[1];
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: new Date('2026-07-01T16:00:00Z'), config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  describe('POST /v1/subscriptions', () => {
    it('makes a form subscription pending and texts the confirmation request', async () => {
      const phone = newPhone();
      const result = await post<{ marketing: string; textSent: boolean }>(
        '/v1/subscriptions',
        formSubscription(phone),
      );
      expect(result.status).toBe(202);
      expect(result.body).toMatchObject({ marketing: 'pending', textSent: true });
      expect((await runtime.outbox(phone)).map((m) => m.body)).toEqual([
        expect.stringMatching(/Reply Y to confirm/),
      ]);
    });

    it('completes on YES with SubscriptionConfirmed carrying the source', async () => {
      const phone = newPhone();
      await post('/v1/subscriptions', formSubscription(phone));
      await runtime.text(phone, 'YES');
      const profile = await runtime.get<{ marketing: string; properties: Record<string, unknown> }>(
        `/v1/profiles/${encodeURIComponent(phone)}`,
      );
      expect(profile.body).toMatchObject({ marketing: 'subscribed', properties: { $source: 'footer-form' } });
      const events = await runtime.get<{ events: { detail: { phone: string; source: string } }[] }>(
        '/_local/events?type=SubscriptionConfirmed',
      );
      expect(events.body.events.filter((e) => e.detail.phone === phone).map((e) => e.detail.source)).toEqual([
        'footer-form',
      ]);
    });

    it('keeps the disclosure, its version, IP, user agent and page in the consent log', async () => {
      const phone = newPhone();
      await post('/v1/subscriptions', formSubscription(phone));
      const [event] = await consentLog(phone);
      expect(event?.action).toBe('opt_in_requested');
      expect(event?.evidence).toMatchObject({
        method: 'form',
        source: 'footer-form',
        disclosure: { text: COMPLIANT_DISCLOSURE, version: '2026-05' },
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (test)',
        pageUrl: 'https://acme-coffee.example/',
        checkedByUser: true,
      });
    });

    it.each([
      ['the brand', COMPLIANT_DISCLOSURE.replace('Acme Coffee', 'us'), 'brand'],
      ['the message frequency', COMPLIANT_DISCLOSURE.replace('Up to 6 msgs/mo.', ''), 'message frequency'],
      [
        'the rates notice',
        COMPLIANT_DISCLOSURE.replace('Msg & data rates may apply.', ''),
        'Msg & data rates may apply',
      ],
      ['HELP', COMPLIANT_DISCLOSURE.replace('Reply HELP for help and ', 'Reply '), 'HELP instructions'],
      ['STOP', COMPLIANT_DISCLOSURE.replace('STOP to cancel', 'to cancel'), 'STOP instructions'],
      [
        'the terms link',
        COMPLIANT_DISCLOSURE.replace('Terms: https://acme-coffee.example/sms-terms ', ''),
        'terms link',
      ],
      [
        'the privacy link',
        COMPLIANT_DISCLOSURE.replace(' Privacy: https://acme-coffee.example/privacy', ''),
        'privacy link',
      ],
    ])('refuses a disclosure without %s, naming it, and texts nothing', async (_what, text, element) => {
      const phone = newPhone();
      const result = await post<ErrorBody>(
        '/v1/subscriptions',
        formSubscription(phone, {}, { disclosure: { text, version: 'v1' } }),
      );
      expect(result.status).toBe(400);
      expect(result.body.error.field).toBe('consent.disclosure.text');
      expect(result.body.error.message).toContain(element);
      expect(await runtime.outbox(phone)).toEqual([]);
    });

    it('refuses checkout consent that does not say the box was unchecked by default', async () => {
      const result = await post<ErrorBody>(
        '/v1/subscriptions',
        formSubscription(newPhone(), {}, { method: 'checkout' }),
      );
      expect(result.status).toBe(400);
      expect(result.body.error.field).toBe('consent.uncheckedByDefault');
      const ok = await post(
        '/v1/subscriptions',
        formSubscription(newPhone(), {}, { method: 'checkout', uncheckedByDefault: true }),
      );
      expect(ok.status).toBe(202);
    });

    it('refuses marketing consent without the disclosure', async () => {
      const payload = formSubscription(newPhone());
      delete (payload.consent as Record<string, unknown>).disclosure;
      const result = await post<ErrorBody>('/v1/subscriptions', payload);
      expect(result.status).toBe(400);
      expect(result.body.error.field).toBe('consent.disclosure');
    });

    it('answers 200 with the state and texts nothing for a number already subscribed', async () => {
      const phone = newPhone();
      await post('/v1/subscriptions', formSubscription(phone));
      await runtime.text(phone, 'YES');
      const before = (await runtime.outbox(phone)).length;
      const again = await post<{ marketing: string; textSent: boolean }>(
        '/v1/subscriptions',
        formSubscription(phone, { source: 'checkout-page' }),
      );
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ marketing: 'subscribed', textSent: false });
      expect(await runtime.outbox(phone)).toHaveLength(before);
    });

    it('does not silently resubscribe an opted-out number: it needs a new double opt-in', async () => {
      const phone = newPhone();
      await post('/v1/subscriptions', formSubscription(phone));
      await runtime.text(phone, 'YES');
      await runtime.text(phone, 'STOP');
      const result = await post<{ marketing: string; optedOut: boolean }>(
        '/v1/subscriptions',
        formSubscription(phone, { source: 'popup' }),
      );
      expect(result.status).toBe(202);
      expect(result.body).toMatchObject({ marketing: 'pending' });
      expect((await runtime.outbox(phone)).at(-1)?.body).toMatch(/Reply Y to confirm/);
    });

    it('refuses transactional-only consent for an opted-out number', async () => {
      const phone = newPhone();
      await runtime.text(phone, 'STOP');
      const result = await post<ErrorBody>(
        '/v1/subscriptions',
        formSubscription(phone, {}, { classes: ['transactional'], disclosure: undefined }),
      );
      expect(result.status).toBe(409);
      expect(result.body.error.code).toBe('consent_required');
    });

    it('records the same request once when the client retries with its Idempotency-Key', async () => {
      const phone = newPhone();
      const headers = { 'idempotency-key': 'form-submit-12345678' };
      await post('/v1/subscriptions', formSubscription(phone), headers);
      await post('/v1/subscriptions', formSubscription(phone), headers);
      expect(await consentLog(phone)).toHaveLength(1);
      expect(await runtime.outbox(phone)).toHaveLength(1);
    });

    it('gives transactional consent at once, without a text', async () => {
      const phone = newPhone();
      const result = await post<{ transactional: string; textSent: boolean }>(
        '/v1/subscriptions',
        formSubscription(phone, {}, { classes: ['transactional'], disclosure: undefined, method: 'api' }),
      );
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ transactional: 'subscribed', textSent: false });
    });
  });

  describe('one-time codes', () => {
    const check = (phone: string, code: string) =>
      post<ErrorBody & { marketing: string }>('/v1/verifications/check', {
        ...formSubscription(phone, { source: 'otp-popup' }),
        code,
      });

    it('texts a 6-digit code and subscribes directly on the right code, recording method otp', async () => {
      const phone = newPhone();
      const started = await post<{ expiresAt: string }>('/v1/verifications', { phone });
      expect(started.status).toBe(202);
      const code = await codeSentTo(phone);
      const result = await check(phone, code);
      expect(result.status).toBe(200);
      expect(result.body.marketing).toBe('subscribed');
      const [event] = await consentLog(phone);
      expect(event).toMatchObject({
        action: 'opt_in_confirmed',
        evidence: { method: 'otp', disclosure: { version: '2026-05' } },
      });
    });

    it('refuses a wrong code and lets the right one through afterwards', async () => {
      const phone = newPhone();
      await post('/v1/verifications', { phone });
      const code = await codeSentTo(phone);
      const wrong = await check(phone, code === '000000' ? '111111' : '000000');
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toMatchObject({ code: 'code_incorrect', field: 'code' });
      expect((await check(phone, code)).status).toBe(200);
    });

    it('refuses an expired code', async () => {
      const phone = newPhone();
      await post('/v1/verifications', { phone });
      const code = await codeSentTo(phone);
      runtime.clock.advance(11 * 60 * 1000);
      const result = await check(phone, code);
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('code_expired');
    });

    it('refuses every attempt after five, even the right code', async () => {
      const phone = newPhone();
      await post('/v1/verifications', { phone });
      const code = await codeSentTo(phone);
      const wrongCode = code === '999999' ? '888888' : '999999';
      for (let i = 0; i < 5; i++) expect((await check(phone, wrongCode)).status).toBe(400);
      const result = await check(phone, code);
      expect(result.status).toBe(429);
      expect(result.body.error.field).toBe('code');
    });

    it('refuses a code that is used twice', async () => {
      const phone = newPhone();
      await post('/v1/verifications', { phone });
      const code = await codeSentTo(phone);
      expect((await check(phone, code)).status).toBe(200);
      const again = await check(phone, code);
      expect(again.status).toBe(400);
      expect(again.body.error.code).toBe('code_not_found');
    });

    it('stores the code only as a salted hash', async () => {
      const phone = newPhone();
      await post('/v1/verifications', { phone });
      const code = await codeSentTo(phone);
      const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
      const client = new DynamoDBClient({
        endpoint: runtime.dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      });
      const item = await client.send(
        new GetItemCommand({
          TableName: runtime.dynamo.tableNames.ephemeral,
          Key: { key: { S: `otp#${phone}` } },
        }),
      );
      client.destroy();
      expect(JSON.stringify(item.Item)).not.toContain(code);
      expect(item.Item?.codeHash?.S).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('POST /v1/messages', () => {
    const message = (phone: string, idempotencyKey: string) =>
      post<ErrorBody & { status: string }>('/v1/messages', {
        phone,
        body: 'Your order #1001 has shipped.',
        idempotencyKey,
      });

    it('refuses a number without transactional consent, texting nothing', async () => {
      const phone = newPhone();
      const result = await message(phone, 'order-1001-shipped');
      expect(result.status).toBe(409);
      expect(result.body.error).toMatchObject({ code: 'consent_required', field: 'phone' });
      expect(await runtime.outbox(phone)).toEqual([]);
    });

    it('sends once per idempotency key to a number with transactional consent', async () => {
      const phone = newPhone();
      await post(
        '/v1/subscriptions',
        formSubscription(
          phone,
          {},
          { classes: ['transactional'], disclosure: undefined, method: 'checkout', uncheckedByDefault: true },
        ),
      );
      expect((await message(phone, 'order-1002-shipped')).status).toBe(202);
      expect((await message(phone, 'order-1002-shipped')).body.status).toBe('duplicate');
      expect((await runtime.outbox(phone)).map((m) => m.body)).toEqual([
        'Acme Coffee: Your order #1001 has shipped.',
      ]);
    });

    it('answers 503 when End User Messaging fails, and the same key sends once it recovers', async () => {
      const phone = newPhone();
      await post(
        '/v1/subscriptions',
        formSubscription(phone, {}, { classes: ['transactional'], disclosure: undefined, method: 'api' }),
      );
      runtime.smsFaults.serverErrorRate = 1;
      const errorsBefore = runtime.sms.refusals.get('InternalServerException') ?? 0;
      let refused: Awaited<ReturnType<typeof message>>;
      try {
        refused = await message(phone, 'order-1004-shipped');
      } finally {
        runtime.smsFaults.serverErrorRate = 0;
      }
      expect(refused.status).toBe(503);
      // One attempt: the SDK does not resend a text decided on consent (the caller's retry decides again).
      expect((runtime.sms.refusals.get('InternalServerException') ?? 0) - errorsBefore).toBe(1);
      expect(refused.body.error).toMatchObject({ code: 'sms_unavailable' });
      expect(await runtime.outbox(phone)).toEqual([]);
      expect((await message(phone, 'order-1004-shipped')).status).toBe(202);
      expect(await runtime.outbox(phone)).toHaveLength(1);
    });

    it('answers 504 when End User Messaging took the text but did not answer, and the same key sends nothing more', async () => {
      const phone = newPhone();
      await post(
        '/v1/subscriptions',
        formSubscription(phone, {}, { classes: ['transactional'], disclosure: undefined, method: 'api' }),
      );
      runtime.smsFaults.lostAnswerRate = 1;
      let unanswered: Awaited<ReturnType<typeof message>>;
      try {
        unanswered = await message(phone, 'order-1005-shipped');
      } finally {
        runtime.smsFaults.lostAnswerRate = 0;
      }
      expect(unanswered.status).toBe(504);
      expect(unanswered.body.error).toMatchObject({ code: 'sms_outcome_unknown' });
      expect(await runtime.outbox(phone)).toHaveLength(1);
      expect((await message(phone, 'order-1005-shipped')).body.status).toBe('duplicate');
      expect(await runtime.outbox(phone)).toHaveLength(1);
    });

    it('refuses an opted-out number', async () => {
      const phone = newPhone();
      await post(
        '/v1/subscriptions',
        formSubscription(phone, {}, { classes: ['transactional'], disclosure: undefined, method: 'api' }),
      );
      await runtime.text(phone, 'STOP');
      const result = await message(phone, 'order-1003-shipped');
      expect(result.status).toBe(409);
      expect(result.body.error.message).toMatch(/opted out/);
    });
  });

  describe('abuse protection', () => {
    it('answers 429 and texts nothing above the per-number limit', async () => {
      const phone = newPhone();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await post('/v1/verifications', { phone })).status);
      // (each request from another IP, so only the per-number limit applies)
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      expect(await runtime.outbox(phone)).toHaveLength(3);
    });

    it('says in Retry-After when the hourly window ends', async () => {
      const phone = newPhone();
      for (let i = 0; i < 3; i++) await post('/v1/verifications', { phone });
      const response = await fetch(`${runtime.url}/v1/verifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.251' },
        body: JSON.stringify({ phone }),
      });
      expect(response.status).toBe(429);
      const now = runtime.clock.now().getTime();
      const windowEnd = Math.ceil(now / 3_600_000) * 3_600_000;
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(Math.abs(now + retryAfter * 1000 - windowEnd)).toBeLessThan(5_000);
    });

    it('limits one number block (prefix) across many numbers', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++)
        statuses.push((await post('/v1/verifications', { phone: `+1917555${String(1000 + i)}` })).status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(20);
      expect(statuses.slice(20)).toEqual([429, 429]);
    });

    it('limits one source IP', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) {
        statuses.push(
          (
            await post(
              '/v1/verifications',
              { phone: `+1646${200 + i}0100` },
              { 'x-forwarded-for': '192.0.2.99' },
            )
          ).status,
        );
      }
      expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
      expect(statuses.slice(20)).toEqual([429, 429]);
    });

    it('refuses destinations outside the allowed countries', async () => {
      const result = await post<ErrorBody>('/v1/verifications', { phone: '+447700900123' });
      expect(result.status).toBe(400);
      const french = await post<ErrorBody>('/v1/verifications', { phone: '+33612345678' });
      expect(french.body.error).toMatchObject({ code: 'country_not_allowed', field: 'phone' });
    });
  });
});
