/**
 * The consent and compliance promises, end to end on the local runtime (the one `npm start` runs),
 * driven over its HTTP API and the CLI as an operator would:
 * - a Florida number gets at most 3 marketing texts in 24 hours across two campaigns and a flow,
 *   the rest skipped `state_frequency_cap`;
 * - a revocation taken on a phone call (`POST /v1/opt-outs`) stops the next campaign to the number;
 * - `optline consent verify` finds the chain intact, and a changed byte reported at its entry;
 * - the consent certificate checks with the public key, and its PDF renders in pdftoppm;
 * - after an erasure the profile is 404, a campaign does not reach the number, and a JOIN from it
 *   starts a new double opt-in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optlineInProcess } from '../support/optline-cli';
import { dynamoClient } from '../../lambdas/adapters/aws-clients';
import { eventKeyOf } from '../../lambdas/domain/consent';
import { checkCertificate, type SignedCertificate } from '../../lambdas/domain/consent-certificate';
import { readPdf } from '../support/pdf';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

interface HistoryMessage {
  status: string;
  reason: string | null;
  messageClass: string | null;
  campaignId: string | null;
  flowId: string | null;
}

interface CampaignView {
  counters: { targeted: number; sent: number; skipped: Record<string, number>; pending: number | null };
}

// 10:00 in Miami and New York: inside quiet hours and every state's calling hours.
const START = new Date('2026-11-10T15:00:00Z');

describe('consent and compliance on the local runtime', () => {
  let runtime: TestRuntime;
  const dir = mkdtempSync(join(tmpdir(), 'optline-compliance-'));
  const florida = '+13055550150';
  const called = '+12125550151';
  const erased = '+12125550152';
  const audience = [florida, called, erased];

  /** What it printed on either stream. */
  const optline = async (...args: string[]) => {
    const run = await optlineInProcess(args, { cwd: dir, env: { OPTLINE_API_URL: runtime.url } });
    return { code: run.code, stdout: run.stdout + run.stderr };
  };
  const call = async (method: string, path: string, body?: unknown, accept = 'application/json') => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, response };
  };
  const json = async <T>(method: string, path: string, body?: unknown) => {
    const { status, response } = await call(method, path, body);
    return { status, body: (await response.json()) as T };
  };
  const history = async (phone: string) =>
    (await json<{ messages: HistoryMessage[] }>('GET', `/v1/profiles/${encodeURIComponent(phone)}/messages`))
      .body.messages;
  const marketingSent = async (phone: string) =>
    (await history(phone)).filter(
      (m) => m.messageClass === 'marketing' && ['sending', 'sent', 'delivered'].includes(m.status),
    );
  /** A campaign to the three numbers, sent now; answers once every recipient is settled. */
  const campaign = async (name: string) => {
    const created = await json<{ campaignId: string }>('POST', '/v1/campaigns', {
      name,
      body: `Acme Coffee: ${name}`,
      segment: { phones: audience },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () => {
        const view = (await json<CampaignView>('GET', `/v1/campaigns/${campaignId}`)).body;
        return view.counters.targeted > 0 && view.counters.pending === 0;
      },
      20_000,
      `${name} sent`,
    );
    await runtime.settle();
    return { campaignId, view: (await json<CampaignView>('GET', `/v1/campaigns/${campaignId}`)).body };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      config: {
        // A welcome series of two marketing texts, half an hour apart (at 10:00 and 10:30, inside
        // quiet hours' window and every state's calling hours).
        flows: {
          welcome: {
            steps: [
              { delayMinutes: 0, body: 'Welcome! Code WELCOME10', quietHours: false, smartSending: false },
              {
                delayMinutes: 30,
                body: 'Our best sellers: acme.example/best',
                smartSending: false,
              },
            ],
          },
        },
      },
    });
    for (const phone of audience) await subscribeByKeyword(runtime, phone);
    await runtime.settle();
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('texts a Florida number at most 3 marketing texts in 24 hours across two campaigns and a flow', async () => {
    // 1: the welcome flow's first text; 2: the first campaign; 3: the flow's second text.
    expect(await marketingSent(florida)).toHaveLength(1);
    const first = await campaign('Monday roast');
    expect(first.view.counters.sent).toBe(3);
    runtime.clock.advance(30 * 60_000);
    await runtime.settle();
    const sent = await marketingSent(florida);
    expect(sent).toHaveLength(3);
    expect(sent.filter((m) => m.flowId !== null)).toHaveLength(2);

    // The revocation and erasure of the other two numbers come before the next campaign (below).
    const revoked = await json<{ status?: string }>('POST', '/v1/opt-outs', {
      phone: called,
      channel: 'phone_call',
      receivedAt: runtime.clock.now().toISOString(),
      agent: 'support-ana',
      note: 'asked on a support call to stop the texts',
    });
    expect(revoked.status).toBeLessThan(300);
    expect((await call('DELETE', `/v1/profiles/${encodeURIComponent(erased)}`)).status).toBe(200);

    // The second campaign: the Florida number is at its cap, skipped for it.
    const second = await campaign('Tuesday blend');
    expect(second.view.counters.skipped).toMatchObject({ state_frequency_cap: 1 });
    expect(await marketingSent(florida)).toHaveLength(3);
    const skipped = (await history(florida)).find((m) => m.campaignId === second.campaignId);
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'state_frequency_cap' });
    // Nor did it reach the other two: one revoked on a call, one erased.
    expect(second.view.counters.sent).toBe(0);
  });

  it('stops the next campaign to a number revoked on a phone call', async () => {
    const texts = await history(called);
    expect(texts.filter((m) => m.campaignId !== null && m.status !== 'skipped')).toHaveLength(1);
    const log = (
      await json<{ events: { action?: string; evidence?: { method: string; agent?: string } }[] }>(
        'GET',
        `/v1/profiles/${encodeURIComponent(called)}/consent-log`,
      )
    ).body.events;
    expect(log.at(-1)).toMatchObject({
      action: 'opted_out',
      evidence: { method: 'phone_call', agent: 'support-ana' },
    });
    const profile = await json<{ marketing: string }>('GET', `/v1/profiles/${encodeURIComponent(called)}`);
    expect(profile.body.marketing).toBe('unsubscribed');
  });

  it('issues a certificate that checks with the public key, and a PDF that pdftoppm renders', async () => {
    const path = `/v1/profiles/${encodeURIComponent(called)}/consent-certificate`;
    const signed = (await json<SignedCertificate>('GET', path)).body;
    const key = (
      await json<{ publicKey: string; keyId: string }>('GET', '/v1/consent-certificates/public-key')
    ).body;
    expect(checkCertificate(signed, key.publicKey)).toMatchObject({ valid: true });
    writeFileSync(join(dir, 'cert.json'), JSON.stringify(signed));
    expect((await optline('consent', 'check-certificate', 'cert.json')).code).toBe(0);

    const { status, response } = await call('GET', path, undefined, 'application/pdf');
    expect(status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const pdf = readPdf(bytes);
    expect(pdf.pages.length).toBeGreaterThanOrEqual(1);
    const text = pdf.text.replace(/\s+/g, ' ');
    expect(text).toContain('method: phone_call');
    expect(text).toContain('taken by: support-ana');
    writeFileSync(join(dir, 'cert.pdf'), bytes);
    expect((await optline('consent', 'check-certificate', 'cert.pdf')).code).toBe(0);
  });

  it('verifies the chain intact, then reports a changed byte at its entry', async () => {
    const intact = await optline('consent', 'verify', florida);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain(`${florida}: chain intact`);

    await dynamoClient().send(
      new UpdateCommand({
        TableName: runtime.dynamo.tableNames.consentLog,
        Key: { phone: florida, eventKey: eventKeyOf(1) },
        UpdateExpression: 'SET #evidence.#body = :body',
        ExpressionAttributeNames: { '#evidence': 'evidence', '#body': 'messageBody' },
        ExpressionAttributeValues: { ':body': 'JOIn' },
      }),
    );
    const broken = await optline('consent', 'verify', florida, '--json');
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as { breaks: { seq: number; reason: string }[] };
    expect(report.breaks.map((b) => [b.seq, b.reason])).toEqual([[1, 'hash_mismatch']]);
  });

  it('answers 404 for an erased number, reaches it with no campaign, and a JOIN starts a new double opt-in', async () => {
    expect((await call('GET', `/v1/profiles/${encodeURIComponent(erased)}`)).status).toBe(404);
    const before = (await runtime.outbox(erased)).length;
    const next = await campaign('Wednesday beans');
    expect(next.view.counters.sent).toBe(0);
    expect((await runtime.outbox(erased)).length).toBe(before);

    const replies = await runtime.text(erased, 'JOIN');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/Reply Y/i);
    const profile = await json<{ marketing: string }>('GET', `/v1/profiles/${encodeURIComponent(erased)}`);
    expect(profile.body.marketing).toBe('pending');
  });
});
