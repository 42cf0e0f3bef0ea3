/**
 * OptlineClient against the local runtime with signatures required on IAM routes
 * (OPTLINE_LOCAL_AUTH=iam): it subscribes, posts events and runs a campaign signed with the local
 * credentials; a tampered, stale or missing signature gets API Gateway's 403.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptlineApiError, OptlineClient } from '../../client';
import { LOCAL_CREDENTIALS } from '../../local/signature-check';
import { COMPLIANT_DISCLOSURE, KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';

const START = new Date('2026-03-10T16:00:00Z');

describe('OptlineClient with signatures required', () => {
  let runtime: TestRuntime;
  let client: OptlineClient;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      config: KEYWORDS_ONLY,
      auth: { requireIam: true, credentials: LOCAL_CREDENTIALS },
    });
    client = new OptlineClient({ baseUrl: runtime.url, credentials: LOCAL_CREDENTIALS, backoffMs: 10 });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const subscribeConfirmed = async (phone: string) => {
    const result = await client.subscribe({
      phone,
      source: 'footer-form',
      consent: {
        method: 'form',
        classes: ['marketing', 'transactional'],
        disclosure: { text: COMPLIANT_DISCLOSURE, version: '2026-05' },
        checkedByUser: true,
      },
    });
    expect(result).toMatchObject({ phone, marketing: 'pending', textSent: true });
    await runtime.text(phone, 'YES');
  };

  it('subscribes on the public route and reads the profile and consent log signed', async () => {
    await subscribeConfirmed('+12065550301');
    const profile = await client.getProfile('+12065550301');
    expect(profile).toMatchObject({ marketing: 'subscribed', marketingConfirmedBy: 'double_opt_in' });
    const log = await client.getConsentLog('+12065550301');
    expect(log.events.map((e) => ('action' in e ? e.action : e.outcome))).toEqual([
      'opt_in_requested',
      'opt_in_confirmed',
    ]);
  });

  it('posts commerce events signed, and the profile counts them once', async () => {
    const order = {
      type: 'OrderPlaced' as const,
      phone: '+12065550301',
      orderId: 'A1001',
      total: 37,
      placedAt: START.toISOString(),
    };
    const first = await client.postEvent(order);
    const again = await client.postEvent(order);
    expect(again.eventId).toBe(first.eventId);
    expect((await client.getProfile('+12065550301')).engagement).toMatchObject({
      orderCount: 1,
      totalSpent: 37,
    });
    const batch = await client.postEvents([
      order,
      { type: 'ProductViewed', phone: '+12065550301', productId: 'sku-12', viewedAt: START.toISOString() },
      { type: 'ProductViewed', phone: '+12065550301', viewedAt: START.toISOString() } as never,
    ]);
    expect(batch.results.map((r) => r.status)).toEqual([202, 202, 400]);
    expect(batch.results[0]?.eventId).toBe(first.eventId);
    expect(batch.results[2]?.error).toMatchObject({ code: 'validation_failed', field: 'events.2.productId' });
  });

  it('sends a transactional text with an idempotency key it made, once', async () => {
    const sent = await client.sendMessage({
      phone: '+12065550301',
      body: 'Acme Coffee: your order is ready.',
    });
    expect(sent.status).toBe('sent');
    const repeated = await client.sendMessage({
      phone: '+12065550301',
      body: 'Acme Coffee: your order is ready.',
      idempotencyKey: 'order-A1001-ready',
    });
    const duplicate = await client.sendMessage({
      phone: '+12065550301',
      body: 'Acme Coffee: your order is ready.',
      idempotencyKey: 'order-A1001-ready',
    });
    expect(repeated.status).toBe('sent');
    expect(duplicate).toEqual({ messageId: repeated.messageId, status: 'duplicate' });
    const first = await client.getMessages('+12065550301', { limit: 1 });
    expect(first.messages).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const next = await client.getMessages('+12065550301', { limit: 1, cursor: first.nextCursor! });
    expect(next.messages[0]?.messageId).not.toBe(first.messages[0]?.messageId);
  });

  it('runs a campaign: create, read its progress, and it texts every subscriber once', async () => {
    for (const phone of ['+12065550302', '+12065550303']) await subscribeConfirmed(phone);
    const created = await client.createCampaign({
      name: 'Spring blend',
      body: 'The spring blend is back.',
      segment: { all: true },
      sendAt: new Date(START.getTime() + 10 * 60_000).toISOString(),
      // They were texted their opt-in confirmation minutes ago.
      smartSending: false,
    });
    expect(created).toMatchObject({ state: 'scheduled', estimate: { recipients: 3 } });
    runtime.clock.advance(11 * 60_000);
    await waitFor(async () => (await client.getCampaign(created.campaignId)).state === 'dispatched', 10_000);
    await runtime.settle();
    const campaign = await client.getCampaign(created.campaignId);
    expect(campaign.counters).toMatchObject({ targeted: 3, sent: 3, pending: 0 });
  });

  it('makes a retried create return the same campaign (one Idempotency-Key per call)', async () => {
    const request = {
      name: 'Later',
      body: 'Acme Coffee: new mugs next week.',
      segment: { all: true },
      sendAt: new Date(runtime.clock.now().getTime() + 86_400_000).toISOString(),
    };
    const first = await client.createCampaign(request, { idempotencyKey: 'create-later-1' });
    const retried = await client.createCampaign(request, { idempotencyKey: 'create-later-1' });
    const other = await client.createCampaign(request);
    expect(retried.campaignId).toBe(first.campaignId);
    expect(other.campaignId).not.toBe(first.campaignId);
    expect((await client.cancelCampaign(other.campaignId)).state).toBe('cancelled');
  });

  it('throws the API error with its code and field', async () => {
    const error = await client.getProfile('+12065550999').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptlineApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', field: 'phone' });
    const invalid = await client
      .postEvent({ type: 'CartAbandoned', phone: '+12065550301' } as never)
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', field: 'cartId' });
  });

  describe('signatures', () => {
    const iamUrl = () => `${runtime.url}/v1/profiles/+12065550301`;

    async function signed(options: { secret?: string; accessKeyId?: string; at?: Date; path?: string } = {}) {
      const url = new URL(options.path ?? iamUrl());
      const signer = new SignatureV4({
        credentials: {
          accessKeyId: options.accessKeyId ?? LOCAL_CREDENTIALS.accessKeyId,
          secretAccessKey: options.secret ?? LOCAL_CREDENTIALS.secretAccessKey,
        },
        region: 'us-east-1',
        service: 'execute-api',
        sha256: Hash.bind(null, 'sha256'),
      });
      const request = await signer.sign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: { host: url.host },
        },
        options.at ? { signingDate: options.at } : {},
      );
      const { host: _host, ...headers } = request.headers;
      return headers;
    }

    const call = async (headers: Record<string, string>, url = iamUrl()) => {
      const response = await fetch(url, { headers });
      return {
        status: response.status,
        type: response.headers.get('x-amzn-errortype'),
        body: await response.json(),
      };
    };

    it('accepts a good signature', async () => {
      expect((await call(await signed())).status).toBe(200);
    });

    it('refuses no signature on an IAM route with Missing Authentication Token', async () => {
      expect(await call({})).toEqual({
        status: 403,
        type: 'MissingAuthenticationTokenException',
        body: { error: { code: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' } },
      });
    });

    it('refuses a tampered signature, a wrong secret or another path signed', async () => {
      const good = await signed();
      const tampered = {
        ...good,
        authorization: good.authorization!.replace(
          /Signature=(\w)/,
          (_, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`,
        ),
      };
      for (const headers of [
        tampered,
        await signed({ secret: 'not-the-secret' }),
        await signed({ path: `${runtime.url}/v1/profiles/+12065550302` }),
      ]) {
        const refused = await call(headers);
        expect(refused.status).toBe(403);
        expect(refused.type).toBe('InvalidSignatureException');
        expect(refused.body.error.code).toBe('INVALID_SIGNATURE');
        expect(refused.body.error.message).toMatch(
          /^The request signature we calculated does not match the signature you provided\./,
        );
      }
    });

    it('refuses a signature older than 5 minutes as expired', async () => {
      const refused = await call(await signed({ at: new Date(Date.now() - 6 * 60_000) }));
      expect(refused.status).toBe(403);
      expect(refused.type).toBe('InvalidSignatureException');
      expect(refused.body.error.code).toBe('INVALID_SIGNATURE');
      expect(refused.body.error.message).toMatch(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      );
    });

    it('refuses an unknown access key', async () => {
      expect(await call(await signed({ accessKeyId: 'AKIDEXAMPLE' }))).toMatchObject({
        status: 403,
        type: 'UnrecognizedClientException',
        body: {
          error: {
            code: 'INVALID_SIGNATURE',
            message: 'The security token included in the request is invalid.',
          },
        },
      });
    });

    it('gives the client an OptlineApiError with the gateway type', async () => {
      const wrong = new OptlineClient({
        baseUrl: runtime.url,
        credentials: { accessKeyId: 'local', secretAccessKey: 'wrong' },
      });
      const error = await wrong.getProfile('+12065550301').catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 403, code: 'INVALID_SIGNATURE' });
    });
  });

  describe('retries', () => {
    it('retries a 503 after Retry-After with the same idempotency key, and succeeds', async () => {
      const bodies: string[] = [];
      let calls = 0;
      const flaky = new OptlineClient({
        baseUrl: runtime.url,
        credentials: LOCAL_CREDENTIALS,
        fetch: async (input, init) => {
          bodies.push(String(init?.body));
          // The first attempt meets End User Messaging failing; the second finds it back.
          runtime.smsFaults.serverErrorRate = calls++ === 0 ? 1 : 0;
          return fetch(input, init);
        },
      });
      const started = Date.now();
      const sent = await flaky.sendMessage({
        phone: '+12065550302',
        body: 'Acme Coffee: your beans shipped.',
      });
      expect(sent.status).toBe('sent');
      expect(calls).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      const keys = bodies.map((b) => (JSON.parse(b) as { idempotencyKey: string }).idempotencyKey);
      expect(keys[0]).toMatch(/^[\w-]{8,100}$/);
      expect(keys[1]).toBe(keys[0]);
    });

    it('gives up after maxRetries with the last error', async () => {
      let calls = 0;
      const failing = new OptlineClient({
        baseUrl: runtime.url,
        credentials: LOCAL_CREDENTIALS,
        maxRetries: 1,
        fetch: async (input, init) => {
          calls++;
          runtime.smsFaults.serverErrorRate = 1;
          return fetch(input, init);
        },
      });
      const error = await failing
        .sendMessage({ phone: '+12065550302', body: 'Acme Coffee: more beans.' })
        .catch((e: unknown) => e);
      runtime.smsFaults.serverErrorRate = 0;
      expect(error).toMatchObject({ status: 503, code: 'sms_unavailable', retryAfterSeconds: 1 });
      expect(calls).toBe(2);
    });

    it('throws a rate limit whose Retry-After is longer than it waits, at once', async () => {
      const phone = '+12065550377';
      const statuses: number[] = [];
      let error: unknown;
      for (let i = 0; i < 4 && !error; i++) {
        await client.startVerification({ phone }).then(
          () => statuses.push(202),
          (e: unknown) => (error = e),
        );
      }
      expect(statuses).toEqual([202, 202, 202]);
      expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
      expect((error as OptlineApiError).retryAfterSeconds).toBeGreaterThan(30);
    });
  });
});
