/**
 * The functions as they are deployed: each bundled with the options CDK's NodejsFunction uses (the
 * aliases that leave parts of the SDK out included, see lib/bundling.ts), run by the local Lambda
 * host in place of its source, and driven through the runtime: a subscriber joins, confirms and
 * stops; a campaign with a link goes out, its delivery reports are counted and its short link
 * redirects.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedBundlesOptions } from '../../lib/bundling';
import { functions, type FunctionId } from '../../lib/catalog';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { ROOT, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { phoneNumbers, seedProfile, seedProfiles } from '../support/seed';

// 15:00 in Seattle: inside quiet hours' window.
const START = new Date('2026-11-10T23:00:00Z');
const BUNDLED: FunctionId[] = [
  'inboundSms',
  'profilesApi',
  'campaignsApi',
  'campaignDispatcher',
  'campaignSender',
  'deliveryEvents',
  'linkRedirect',
  'apiDescription',
];

describe('bundled functions in the local runtime', () => {
  let runtime: TestRuntime;
  const dir = mkdtempSync(join(tmpdir(), 'optline-bundles-'));
  const bundleOf = (id: FunctionId) => join(dir, id, 'index.js');

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
    // Every bundle in one esbuild run, with the runtime's program config compiled in, as CDK
    // compiles in the deployed one.
    const entries = Object.fromEntries(BUNDLED.map((id) => [join(id, 'index'), functions[id].entry]));
    await build({
      ...deployedBundlesOptions(ROOT, entries, dir, runtime.config.program),
      sourcemap: false,
    });
    for (const id of BUNDLED) {
      // Each bundle says when it is loaded, so the test can tell it ran instead of the source.
      appendFileSync(
        bundleOf(id),
        `\n(globalThis.optlineBundlesLoaded ??= []).push(${JSON.stringify(id)});\n`,
      );
      runtime.lambdas.runBundle(id, bundleOf(id));
    }
  }, 120_000);
  afterAll(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API description from its bundle', async () => {
    const served = await runtime.get<{ openapi: string; paths: Record<string, unknown> }>('/v1/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body.openapi).toBe('3.1.1');
    expect(Object.keys(served.body.paths)).toContain('/v1/events');
    expect((globalThis as { optlineBundlesLoaded?: string[] }).optlineBundlesLoaded).toContain(
      'apiDescription',
    );
  });

  it('answers JOIN, YES and STOP and keeps the profile', async () => {
    const phone = '+12065550161';
    expect((await runtime.text(phone, 'JOIN'))[0]?.body).toMatch(/Reply Y/i);
    expect(await runtime.text(phone, 'YES')).toHaveLength(1);
    const profile = await runtime.get<{ marketing: string }>(`/v1/profiles/${encodeURIComponent(phone)}`);
    expect(profile).toMatchObject({ status: 200, body: { marketing: 'subscribed' } });

    const replies = await runtime.text(phone, 'STOP');
    expect(replies.filter((r) => /unsubscribed and will receive no more messages/.test(r.body))).toHaveLength(
      1,
    );
    expect(runtime.sms.isOptedOut(phone)).toBe(true);
    expect((await runtime.get(`/v1/profiles/${encodeURIComponent(phone)}`)).body).toMatchObject({
      marketing: 'unsubscribed',
      optedOut: true,
    });
  });

  it('sends a campaign once to each subscriber, counts its reports and redirects its links', async () => {
    const phones = phoneNumbers('425', 30, 500);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Bundled',
      body: 'Our winter sale starts now: https://acme-coffee.example/winter',
      segment: { phones },
      sendAt: new Date(runtime.clock.now().getTime() + 10 * 60_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    runtime.clock.advance(11 * 60_000);
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    await waitFor(() => texts().length >= phones.length, 30_000, 'every recipient texted');
    await runtime.settle();

    expect(
      texts()
        .map((m) => m.to)
        .sort(),
    ).toEqual([...phones].sort());
    const code = texts()[0]?.body.match(/\/r\/([0-9A-Za-z]+)/)?.[1];
    const response = await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://acme-coffee.example/winter');
    await runtime.settle();
    const campaign = await runtime.get<{ counters: Record<string, number> }>(`/v1/campaigns/${campaignId}`);
    expect(campaign.body.counters).toMatchObject({ sent: 30, delivered: 30, clicks: 1 });
  });

  it('ran the bundles, not the sources', () => {
    const loaded = (globalThis as { optlineBundlesLoaded?: string[] }).optlineBundlesLoaded ?? [];
    expect([...loaded].sort()).toEqual([...BUNDLED].sort());
    for (const id of BUNDLED) expect(runtime.lambdas.stats.get(id)?.invocations, id).toBeGreaterThan(0);
  });
});
