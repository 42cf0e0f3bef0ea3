/**
 * Privacy requests against the local runtime: the export holds everything about a number; the
 * erasure leaves no profile, message or activity, keeps the consent log (chained, with the erasure
 * in it) and a suppression record under a keyed hash of the number, and a later JOIN, START,
 * form or import starts from the erased state rather than reviving the old consent.
 */
import { createHmac } from 'node:crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, secretsClient } from '../../lambdas/adapters/aws-clients';
import { DynamoConsentLogStore } from '../../lambdas/adapters/consent-log-store';
import { verifyChain } from '../../lambdas/domain/consent-chain';
import { formSubscription, KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

interface Export {
  phone: string;
  profile: Record<string, unknown> | null;
  properties: Record<string, unknown>;
  consentLog: { seq: number; action?: string }[];
  messages: { messageId: string; body: string }[];
  activity: { activityKey: string }[];
  clicks: { code: string }[];
}
interface Erasure {
  phoneHash: string;
  erased: { profile: boolean; messages: number; activity: number; links: number };
  kept: { consentLogEntries: number; suppression: { marketing: string; optedOutAt: string | null } };
}

const START = new Date('2026-11-12T16:00:00Z');

describe('privacy requests', () => {
  let runtime: TestRuntime;
  const call = async <T>(method: string, path: string) => {
    const response = await fetch(`${runtime.url}${path}`, { method });
    return { status: response.status, body: (await response.json()) as T };
  };
  const consentLog = (phone: string) =>
    new DynamoConsentLogStore(runtime.dynamo.tableNames.consentLog).list(phone);

  /** Sends a campaign to every marketing subscriber and waits for it to be done. */
  const campaign = async (name: string) => {
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name,
      body: `${name}: new roast https://acme-coffee.example/roast`,
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBe(201);
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () =>
        (await runtime.get<{ state: string }>(`/v1/campaigns/${created.body.campaignId}`)).body.state ===
        'dispatched',
      20_000,
      `${name} sent`,
    );
    await runtime.settle();
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const phone = '+12125550191';

  it('exports the profile, properties, consent log, messages, activity and clicks', async () => {
    await subscribeByKeyword(runtime, phone);
    await campaign('Monday');
    const event = await runtime.post('/v1/events', {
      type: 'OrderPlaced',
      phone,
      orderId: 'A-1',
      total: 12.5,
      placedAt: runtime.clock.now().toISOString(),
    });
    expect(event.status).toBeLessThan(300);

    const exported = await call<Export>('GET', `/v1/profiles/${encodeURIComponent(phone)}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.profile).toMatchObject({ phone, marketing: 'subscribed' });
    expect(exported.body.consentLog.map((e) => e.action)).toEqual(['opt_in_requested', 'opt_in_confirmed']);
    expect(exported.body.messages.some((m) => m.body.includes('Monday: new roast'))).toBe(true);
    expect(exported.body.activity.map((a) => a.activityKey)).toContain('order#A-1');
    expect(exported.body.clicks).toHaveLength(1);
  });

  it('erases the number, keeping its consent log and a suppression record under a keyed hash', async () => {
    const before = await consentLog(phone);
    const erased = await call<Erasure>('DELETE', `/v1/profiles/${encodeURIComponent(phone)}`);
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ profile: true, activity: 1, links: 1 });
    expect(erased.body.erased.messages).toBeGreaterThanOrEqual(3);
    expect(erased.body.kept).toEqual({
      consentLogEntries: before.length + 1,
      suppression: { marketing: 'unsubscribed', transactional: expect.any(String), optedOutAt: null },
    });

    expect((await runtime.get(`/v1/profiles/${encodeURIComponent(phone)}`)).status).toBe(404);
    const exported = await call<Export>('GET', `/v1/profiles/${encodeURIComponent(phone)}/export`);
    expect(exported.body).toMatchObject({ profile: null, messages: [], activity: [], clicks: [] });

    // The consent log is kept, chained, with the erasure as its last change.
    const log = await consentLog(phone);
    expect(log.at(-1)).toMatchObject({ action: 'profile_erased', next: { marketing: 'unsubscribed' } });
    expect(verifyChain(log).intact).toBe(true);

    // The suppression record holds the keyed hash, not the number.
    const secret = await secretsClient().send(
      new GetSecretValueCommand({ SecretId: runtime.environmentOf('privacyApi').privacyKey }),
    );
    const hash = createHmac('sha256', secret.SecretString!).update(phone).digest('hex');
    expect(erased.body.phoneHash).toBe(hash);
    const { Items } = await dynamoClient().send(
      new ScanCommand({ TableName: runtime.dynamo.tableNames.suppressions }),
    );
    expect(Items).toEqual([expect.objectContaining({ phoneHash: hash, marketing: 'unsubscribed' })]);
    expect(JSON.stringify(Items)).not.toContain(phone.slice(1));
  });

  it('repeats an erasure without recording it twice', async () => {
    const again = await call<Erasure>('DELETE', `/v1/profiles/${encodeURIComponent(phone)}`);
    expect(again.status).toBe(200);
    expect(again.body.erased).toEqual({ profile: false, messages: 0, activity: 0, links: 0 });
    expect(
      (await consentLog(phone)).filter((e) => 'action' in e && e.action === 'profile_erased'),
    ).toHaveLength(1);
  });

  it('texts no campaign to an erased number', async () => {
    const other = '+12125550192';
    await subscribeByKeyword(runtime, other);
    const before = (await runtime.outbox(phone)).length;
    await campaign('Tuesday');
    expect((await runtime.outbox(other)).some((m) => m.body.includes('Tuesday: new roast'))).toBe(true);
    expect((await runtime.outbox(phone)).length).toBe(before);
  });

  it('starts a new double opt-in when the erased number texts JOIN, leaving the old evidence as it was', async () => {
    const kept = await consentLog(phone);
    const replies = await runtime.text(phone, 'JOIN');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/Reply Y/i);
    const profile = await runtime.get<{ marketing: string }>(`/v1/profiles/${encodeURIComponent(phone)}`);
    expect(profile.body.marketing).toBe('pending');
    const log = await consentLog(phone);
    expect(log.at(-1)).toMatchObject({ action: 'opt_in_requested', previous: { marketing: 'unsubscribed' } });

    // The new consent is its own: confirmed by this YES, with the earlier entries untouched.
    await runtime.text(phone, 'YES');
    const after = await consentLog(phone);
    expect(after.at(-1)).toMatchObject({ action: 'opt_in_confirmed', previous: { marketing: 'pending' } });
    expect(after.slice(0, kept.length)).toEqual(kept);
    expect(verifyChain(after).intact).toBe(true);
  });

  it('keeps an opt-out through an erasure: no campaign, and START restores nothing', async () => {
    const stopped = '+12125550193';
    await subscribeByKeyword(runtime, stopped);
    await runtime.text(stopped, 'STOP');
    expect((await call('DELETE', `/v1/profiles/${encodeURIComponent(stopped)}`)).status).toBe(200);
    const log = await consentLog(stopped);
    expect(log.at(-1)).toMatchObject({ action: 'profile_erased', next: { optedOutAt: expect.any(String) } });

    const before = (await runtime.outbox(stopped)).length;
    await campaign('Wednesday');
    expect((await runtime.outbox(stopped)).length).toBe(before);

    const replies = await runtime.text(stopped, 'START');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/Reply Y/i);
    expect(replies[0]!.body).not.toMatch(/resubscribed/i);
    const profile = await runtime.get<{ marketing: string; transactional: string }>(
      `/v1/profiles/${encodeURIComponent(stopped)}`,
    );
    expect(profile.body).toMatchObject({ marketing: 'pending', transactional: 'unsubscribed' });
  });

  it('records a form subscription of an erased number as a new consent from the erased state', async () => {
    const formed = '+12125550194';
    await subscribeByKeyword(runtime, formed);
    expect((await call('DELETE', `/v1/profiles/${encodeURIComponent(formed)}`)).status).toBe(200);
    const kept = await consentLog(formed);

    const subscribed = await runtime.post('/v1/subscriptions', formSubscription(formed));
    expect(subscribed.status).toBeLessThan(300);
    const log = await consentLog(formed);
    expect(log.slice(0, kept.length)).toEqual(kept);
    expect(log[kept.length]).toMatchObject({
      previous: { marketing: 'unsubscribed', transactional: 'unsubscribed', properties: {} },
      evidence: { method: 'form' },
    });
  });

  it('refuses an imported opt-in for an erased number', async () => {
    const imported = '+12125550195';
    await subscribeByKeyword(runtime, imported);
    expect((await call('DELETE', `/v1/profiles/${encodeURIComponent(imported)}`)).status).toBe(200);
    const kept = await consentLog(imported);

    const batch = await runtime.post<{ report: Record<string, unknown> }>(
      '/v1/imports/imp-00000000000000000042/batches',
      {
        batch: 1,
        source: { system: 'csv', fileName: 'old-list.csv', sha256: '4'.repeat(64) },
        rows: [
          {
            line: 2,
            phone: imported,
            consent: 'opted_in',
            consentAt: '2026-01-05T10:00:00Z',
            properties: {},
          },
        ],
      },
    );
    expect(batch.status).toBe(200);
    expect(JSON.stringify(batch.body.report)).toContain('unsubscribed_in_optline');
    // Nothing was recorded for the row: the log ends with the erasure, and nobody is subscribed.
    expect(await consentLog(imported)).toEqual(kept);
    const profile = await runtime.get<{ marketing: string }>(`/v1/profiles/${encodeURIComponent(imported)}`);
    expect(profile.body.marketing).toBe('unsubscribed');
  });

  it('answers 404 for a number nothing is held about', async () => {
    const unknown = await call<{ error: { code: string } }>('DELETE', '/v1/profiles/%2B12125550199');
    expect(unknown.status).toBe(404);
    expect((await call('GET', '/v1/profiles/%2B12125550199/export')).status).toBe(404);
  });
});
