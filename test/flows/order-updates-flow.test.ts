/**
 * Order updates, built-in flows written as data, on the local runtime: the checkout's consent to an
 * order's updates recorded in the consent log, then one transactional text when the order ships and
 * one when it is delivered, to a number with that consent whether or not it takes marketing, never
 * to one that opted out, and never twice.
 */
import { PinpointSMSVoiceV2Client, PutOptedOutNumberCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConsentLogStore } from '../../lambdas/adapters/consent-log-store';
import { verifyChain } from '../../lambdas/domain/consent-chain';
import type { ConsentLogEntry } from '../../lambdas/domain/consent';
import type { ExecutionRecord } from '../../local/aws/stepfunctions';
import { LOCAL_CREDENTIALS } from '../../local/signature-check';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

// +1312… is Chicago (America/Chicago, UTC-5 in October).
const NOON_CHICAGO = new Date('2026-10-06T17:00:00Z');
const THREE_AM_CHICAGO = new Date('2026-10-07T08:00:00Z');
const TRACKING = 'https://track.example/1Z999AA10123456784';
const CHECKOUT = {
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
  pageUrl: 'https://acme-coffee.example/checkout',
};

describe('order updates', () => {
  let runtime: TestRuntime;
  let counter = 0;
  const newPhone = () => `+1312${600 + counter++}0100`;
  const path = (phone: string) => `/v1/profiles/${encodeURIComponent(phone)}`;
  const order = (
    phone: string,
    orderId: string,
    consent: boolean,
    placedAt = runtime.clock.now().toISOString(),
  ) =>
    runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId,
      total: 29,
      placedAt,
      ...(consent ? { transactionalConsent: true, ...CHECKOUT } : {}),
    });
  const shipped = (phone: string, orderId: string) =>
    runtime.post('/v1/events', {
      type: 'OrderShipped',
      phone,
      orderId,
      // Shopify's fulfillment names.
      tracking_company: 'UPS',
      tracking_url: TRACKING,
      shippedAt: runtime.clock.now().toISOString(),
    });
  const delivered = (phone: string, orderId: string) =>
    runtime.post('/v1/events', {
      type: 'OrderDelivered',
      phone,
      orderId,
      deliveredAt: runtime.clock.now().toISOString(),
    });
  const executions = (flow: string, phone: string) =>
    [...runtime.stepFunctions.executions.values()].filter(
      (e) => e.name.startsWith(`${flow}-`) && e.input.includes(phone),
    );
  const finished = (flow: string, phone: string): Promise<ExecutionRecord[]> =>
    waitFor(
      () => {
        const all = executions(flow, phone);
        return all.length > 0 && all.every((e) => e.status !== 'RUNNING') ? all : undefined;
      },
      10_000,
      `${flow} finished`,
    );
  /** The shipping text, its tracking link shortened on the runtime's link base. */
  const shippedText = (orderId: string) =>
    new RegExp(
      `^Acme Coffee: Your order ${orderId} has shipped with UPS\\. Track it: ${runtime.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\/r\\/[0-9A-Za-z]+$`,
    );
  const updates = async (phone: string) =>
    (await runtime.outbox(phone)).filter((m) => m.body.includes('Your order'));
  const consentLog = async (phone: string) =>
    (await runtime.get<{ events: ConsentLogEntry[] }>(`${path(phone)}/consent-log`)).body.events ?? [];

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: NOON_CHICAGO,
      config: { flows: { welcome: { enabled: false } } },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('records the checkout’s consent for that order only, with its evidence, chained in the consent log', async () => {
    const phone = newPhone();
    const placedAt = runtime.clock.now().toISOString();
    expect((await order(phone, 'A-100', true, placedAt)).status).toBe(202);
    const log = await consentLog(phone);
    expect(log).toEqual([
      expect.objectContaining({
        action: 'order_updates_consent_given',
        classes: ['transactional'],
        at: placedAt,
        eventId: 'checkout-order-A-100',
        evidence: { method: 'checkout', orderId: 'A-100', checkedByUser: true, ...CHECKOUT },
        next: expect.objectContaining({ marketing: 'never_subscribed', transactional: 'never_subscribed' }),
      }),
    ]);
    const stored = await new DynamoConsentLogStore(runtime.dynamo.tableNames.consentLog).list(phone);
    expect(verifyChain(stored).intact).toBe(true);
    // The evidence stays in the consent log: the order on the bus and in the activity has none of it.
    const profile = await runtime.get(path(phone));
    expect(profile.body).toMatchObject({ marketing: 'never_subscribed', transactional: 'never_subscribed' });
    const published = runtime.bus.events.filter(
      (e) => e['detail-type'] === 'OrderPlaced' && (e.detail as { phone?: string }).phone === phone,
    );
    expect(published[0]?.detail).toMatchObject({ transactionalConsent: true });
    expect(published[0]?.detail).not.toHaveProperty('ip');
    expect(published[0]?.detail).not.toHaveProperty('userAgent');
  });

  it('texts the shipment once, with the carrier and tracking link, to a number not subscribed to marketing, however often the events come', async () => {
    const phone = newPhone();
    await order(phone, 'A-101', true);
    expect((await shipped(phone, 'A-101')).status).toBe(202);
    expect((await finished('orderShipped', phone))[0]?.status).toBe('SUCCEEDED');
    const [text] = await updates(phone);
    expect(text).toMatchObject({ messageType: 'TRANSACTIONAL' });
    expect(text?.body).toMatch(shippedText('A-101'));
    // The tracking link goes as a short link of the recipient's own, to the carrier's page.
    const link = /(http\S+)$/.exec(text?.body ?? '')?.[1];
    const redirect = await fetch(link!, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe(TRACKING);
    expect(await updates(phone)).toHaveLength(1);

    // The shop posts everything again.
    await order(phone, 'A-101', true);
    await shipped(phone, 'A-101');
    await runtime.settle();
    expect(await finished('orderShipped', phone)).toHaveLength(1);
    expect(await updates(phone)).toHaveLength(1);
    expect(await consentLog(phone)).toHaveLength(1);
  });

  it('texts the delivery once, and an update goes out at 3 a.m. (no quiet hours for it)', async () => {
    const phone = newPhone();
    await order(phone, 'A-102', true);
    runtime.clock.set(THREE_AM_CHICAGO);
    try {
      await delivered(phone, 'A-102');
      await delivered(phone, 'A-102');
      await finished('orderDelivered', phone);
      expect((await updates(phone)).map((m) => [m.body, m.at])).toEqual([
        [
          'Acme Coffee: Your order A-102 has been delivered. Questions about it? help@acme-coffee.example',
          expect.stringMatching(/^2026-10-07T08:00/),
        ],
      ]);
    } finally {
      runtime.clock.set(NOON_CHICAGO);
    }
  });

  it('texts a marketing subscriber nothing about an order it gave no consent for, another order’s consent notwithstanding', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    await order(phone, 'A-103', false);
    await order(phone, 'A-104', true);
    await shipped(phone, 'A-103');
    await finished('orderShipped', phone);
    expect(await updates(phone)).toEqual([]);
    await shipped(phone, 'A-104');
    await waitFor(async () => (await updates(phone)).length > 0, 10_000, 'the A-104 update');
    expect((await updates(phone)).map((m) => m.body)).toEqual([expect.stringMatching(shippedText('A-104'))]);
  });

  it('records nothing and texts nothing for a number that texted STOP, before or after the order', async () => {
    const before = newPhone();
    await runtime.text(before, 'STOP');
    await order(before, 'A-105', true);
    expect((await consentLog(before)).map((e) => 'action' in e && e.action)).toEqual(['opted_out']);
    await shipped(before, 'A-105');
    await finished('orderShipped', before);
    expect(await updates(before)).toEqual([]);

    const after = newPhone();
    await order(after, 'A-106', true);
    await runtime.text(after, 'STOP');
    await runtime.text(after, 'START');
    await shipped(after, 'A-106');
    await finished('orderShipped', after);
    expect(await updates(after)).toEqual([]);
  });

  it('grants nothing to an opted-out number after its erasure', async () => {
    const phone = newPhone();
    await subscribeByKeyword(runtime, phone);
    await runtime.text(phone, 'STOP');
    const erased = await fetch(`${runtime.url}${path(phone)}`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    await order(phone, 'A-107', true);
    expect((await consentLog(phone)).filter((e) => 'action' in e && e.action.startsWith('order'))).toEqual(
      [],
    );
    await shipped(phone, 'A-107');
    await finished('orderShipped', phone);
    expect(await updates(phone)).toEqual([]);
  });

  it('texts nothing to a number End User Messaging’s opt-out list holds', async () => {
    const phone = newPhone();
    const aws = await runtime.get<{ endpointUrl: string; region: string; optOutList: string }>('/_local/aws');
    const sms = new PinpointSMSVoiceV2Client({
      endpoint: aws.body.endpointUrl,
      region: aws.body.region,
      credentials: LOCAL_CREDENTIALS,
    });
    await sms.send(
      new PutOptedOutNumberCommand({ OptOutListName: aws.body.optOutList, OptedOutNumber: phone }),
    );
    sms.destroy();
    await order(phone, 'A-108', true);
    await shipped(phone, 'A-108');
    await finished('orderShipped', phone);
    expect(await runtime.outbox(phone)).toEqual([]);
  });
});
