/**
 * The preference page on the local runtime: GET /p/{token} shows the state and changes nothing; a
 * pause from its form holds campaigns back until it ends, with no job to end it; bad tokens and
 * forged posts change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, waitFor, type TestRuntime } from '../support/local-runtime';

// 11:00 in New York.
const START = new Date('2026-11-12T16:00:00Z');
const DAY_MS = 86_400_000;

interface Profile {
  marketing: string;
  transactional: string;
  optedOut: boolean;
  pausedUntil: string | null;
  maxMarketingPerWeek: number | null;
  properties: Record<string, unknown>;
}
interface ConsentLog {
  events: {
    action: string;
    evidence: { method: string; ip?: string; pageUrl?: string; [name: string]: unknown };
    propertyChange?: unknown;
  }[];
}

describe('the preference page', () => {
  let runtime: TestRuntime;

  const linkOf = async (phone: string) =>
    (await runtime.get<{ url: string }>(`/v1/profiles/${encodeURIComponent(phone)}/preferences-link`)).body
      .url;
  const page = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const hidden = (text: string, name: string) =>
    text.match(new RegExp(`name="${name}"\\s+value="([^"]*)"`))?.[1] ?? '';
  /** Posts one of the page's forms as the browser would, from the page itself. */
  const post = async (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(url).origin,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, text: await response.text() };
  };
  const formFields = async (url: string) => {
    const { text } = await page(url);
    return { proof: hidden(text, 'proof'), submission: hidden(text, 'submission') };
  };
  const profile = async (phone: string) =>
    (await runtime.get<Profile>(`/v1/profiles/${encodeURIComponent(phone)}`)).body;
  const consentLog = async (phone: string) =>
    (await runtime.get<ConsentLog>(`/v1/profiles/${encodeURIComponent(phone)}/consent-log`)).body.events;
  const campaign = async (phone: string, name: string, body = `${name} deals`) => {
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name,
      body,
      segment: { phones: [phone] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBeLessThan(300);
    runtime.clock.advance(2 * 60_000);
    // Dispatched: the number targeted, or left out at dispatch (counted under its reason).
    const counters = async () =>
      (
        await runtime.get<{ counters: { targeted: number; skipped: Record<string, number> } }>(
          `/v1/campaigns/${created.body.campaignId}`,
        )
      ).body.counters;
    await waitFor(
      async () => {
        const now = await counters();
        return now.targeted + Object.values(now.skipped).reduce((a, b) => a + b, 0) >= 1;
      },
      10_000,
      `${name} dispatched`,
    );
    await runtime.settle();
    return created.body.campaignId;
  };
  const outcomeOf = async (phone: string, campaignId: string) => {
    const history = await runtime.get<{
      messages: { campaignId: string | null; status: string; reason: string | null }[];
    }>(`/v1/profiles/${encodeURIComponent(phone)}/messages`);
    return history.body.messages.find((m) => m.campaignId === campaignId);
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: START,
      config: {
        ...KEYWORDS_ONLY,
        preferences: {
          topics: [
            { property: 'preferences.coffee', label: 'Coffee' },
            { property: 'preferences.tea', label: 'Tea' },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('shows the state with no-referrer, no-store and a strict policy, and changes nothing', async () => {
    const phone = '+12125550181';
    await subscribeByKeyword(runtime, phone);
    const before = await consentLog(phone);
    const { status, headers, text } = await page(await linkOf(phone));
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/html');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(text).toContain('You get marketing texts from');
    expect(text).toContain('ending in 0181');
    expect(text).not.toContain('2125550181');
    expect(await consentLog(phone)).toEqual(before);
  });

  it('answers a tampered, unknown or expired token with the same 404 page', async () => {
    const phone = '+12125550182';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    const token = url.slice(url.lastIndexOf('/') + 1);
    const tampered = `${url.slice(0, -token.length)}${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`;
    const answers = await Promise.all([page(tampered), page(`${runtime.url}/p/not-a-token`)]);
    runtime.clock.advance(62 * DAY_MS);
    answers.push(await page(url));
    runtime.clock.advance(-62 * DAY_MS);
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.text).toContain('Page not found');
      expect(answer.text).not.toMatch(/expired|signature|token/i);
    }
  });

  it('pauses for 30 days: campaigns skip the number as paused until then, and reach it after', async () => {
    const phone = '+12125550183';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    const answer = await post(url, { action: 'pause', days: '30', ...(await formFields(url)) });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Paused. You will get no marketing texts until December 12, 2026.');

    const paused = await profile(phone);
    // 30 days from the post (the virtual clock runs on while the test does).
    const fromNow = Date.parse(paused.pausedUntil ?? '') - runtime.clock.now().getTime();
    expect(Math.abs(fromNow - 30 * DAY_MS)).toBeLessThan(60_000);
    const change = (await consentLog(phone)).at(-1);
    expect(change).toMatchObject({
      action: 'property_changed',
      evidence: { method: 'preference_page', pageUrl: '/p/{token}' },
    });
    expect(change?.evidence.ip).toBeTruthy();

    const during = await campaign(phone, 'During');
    const held = await runtime.get<{ counters: { sent: number; skipped: Record<string, number> } }>(
      `/v1/campaigns/${during}`,
    );
    expect(held.body.counters).toMatchObject({ sent: 0, skipped: { paused: 1 } });
    expect(await outcomeOf(phone, during)).toBeUndefined();

    runtime.clock.advance(31 * DAY_MS);
    const after = await campaign(phone, 'After');
    expect(['sent', 'delivered']).toContain((await outcomeOf(phone, after))?.status);
  });

  it('caps texts at one a week: the next campaign that week is skipped, a week later one goes', async () => {
    const phone = '+12125550187';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    const answer = await post(url, { action: 'frequency', perWeek: '1', ...(await formFields(url)) });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Saved. You will get at most 1 text a week.');
    expect(answer.text).toMatch(/value="1"\s+checked/);
    expect((await profile(phone)).maxMarketingPerWeek).toBe(1);
    expect((await consentLog(phone)).at(-1)).toMatchObject({
      action: 'property_changed',
      evidence: { method: 'preference_page' },
      propertyChange: { name: '$maxMarketingPerWeek', value: 1 },
    });

    const first = await campaign(phone, 'First');
    expect(['sent', 'delivered']).toContain((await outcomeOf(phone, first))?.status);
    runtime.clock.advance(3 * DAY_MS);
    const second = await campaign(phone, 'Second');
    expect(await outcomeOf(phone, second)).toMatchObject({
      status: 'skipped',
      reason: 'subscriber_frequency_cap',
    });
    runtime.clock.advance(5 * DAY_MS);
    const third = await campaign(phone, 'Third');
    expect(['sent', 'delivered']).toContain((await outcomeOf(phone, third))?.status);

    const again = await post(url, { action: 'frequency', perWeek: 'any', ...(await formFields(url)) });
    expect(again.text).toContain('Saved. You will get every marketing text again.');
    expect((await profile(phone)).maxMarketingPerWeek).toBeNull();
    const bad = await post(url, { action: 'frequency', perWeek: '3', ...(await formFields(url)) });
    expect(bad.status).toBe(400);
  });

  it('unsubscribes from marketing with the page as evidence: campaigns no longer reach the number', async () => {
    const phone = '+12125550188';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    expect((await page(url)).text).toContain('Unsubscribe from marketing texts');
    const fields = await formFields(url);
    const answer = await post(url, { action: 'unsubscribe', ...fields });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('You are unsubscribed from marketing texts.');
    expect(answer.text).toContain('You are not subscribed to marketing texts');
    expect(await profile(phone)).toMatchObject({ marketing: 'unsubscribed', optedOut: false });
    const change = (await consentLog(phone)).at(-1);
    expect(change).toMatchObject({
      action: 'unsubscribed',
      evidence: { method: 'preference_page', pageUrl: '/p/{token}' },
    });
    expect(change?.evidence.ip).toBeTruthy();

    // A campaign to this number and a subscribed one: only the subscribed one gets it.
    const other = '+12125550189';
    await subscribeByKeyword(runtime, other);
    const created = await runtime.post('/v1/campaigns', {
      name: 'After unsubscribing',
      body: 'Fresh roast today',
      segment: { phones: [phone, other] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBeLessThan(300);
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () => (await runtime.outbox(other)).some((m) => m.body.includes('Fresh roast today')),
      10_000,
      'the campaign at the subscribed number',
    );
    await runtime.settle();
    expect((await runtime.outbox(phone)).some((m) => m.body.includes('Fresh roast today'))).toBe(false);
    // The page offers nothing more; a new post of the old form changes nothing.
    const again = await post(url, { ...fields, action: 'unsubscribe', submission: 'another-submission-1' });
    expect(again.status).toBe(409);
  });

  it('turns a topic off: a campaign about it, excluding those who turned it off, skips the number', async () => {
    const [phone, other] = ['+12125550190', '+12125550191'];
    await subscribeByKeyword(runtime, phone);
    await subscribeByKeyword(runtime, other);
    const url = await linkOf(phone);
    const shown = (await page(url)).text;
    expect(shown).toMatch(/name="topic:preferences.coffee"\s+value="on"\s+checked/);
    // Coffee unticked (not posted), tea kept.
    const answer = await post(url, {
      action: 'topics',
      'topic:preferences.tea': 'on',
      ...(await formFields(url)),
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Saved your topics.');
    expect(answer.text).not.toMatch(/name="topic:preferences.coffee"\s+value="on"\s+checked/);
    expect((await profile(phone)).properties).toMatchObject({ 'preferences.coffee': false });
    expect((await profile(phone)).properties).not.toHaveProperty('preferences.tea');
    expect((await consentLog(phone)).at(-1)).toMatchObject({
      action: 'property_changed',
      evidence: { method: 'preference_page' },
      propertyChange: { name: 'preferences.coffee', value: false },
    });

    const created = await runtime.post('/v1/campaigns', {
      name: 'Coffee news',
      body: 'New single origin in',
      segment: { all: true, exclude: [{ property: 'preferences.coffee', equals: false }] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBeLessThan(300);
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () => (await runtime.outbox(other)).some((m) => m.body.includes('New single origin in')),
      10_000,
      'the coffee campaign at the number that kept coffee',
    );
    await runtime.settle();
    expect((await runtime.outbox(phone)).some((m) => m.body.includes('New single origin in'))).toBe(false);
  });

  it('refuses a post from another site, or without the page’s proof', async () => {
    const phone = '+12125550184';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    const fields = { action: 'pause', days: '7', ...(await formFields(url)) };
    const crossSite = await post(url, fields, {
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    const otherOrigin = await post(url, fields, { 'sec-fetch-site': '', origin: 'https://evil.example' });
    const noProof = await post(url, { ...fields, proof: '' });
    for (const answer of [crossSite, otherOrigin, noProof]) {
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('Nothing was changed');
    }
    expect((await profile(phone)).pausedUntil).toBeNull();
  });

  it('records a form posted twice once, and RESUME ends a pause from the page', async () => {
    const phone = '+12125550185';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    const fields = { action: 'pause', days: '90', ...(await formFields(url)) };
    await post(url, fields);
    await post(url, fields);
    const pauses = (await consentLog(phone)).filter((e) => e.evidence.method === 'preference_page');
    expect(pauses).toHaveLength(1);

    await runtime.text(phone, 'PAUSE');
    expect((await profile(phone)).properties.Paused).toBe(true);
    await runtime.text(phone, 'RESUME');
    const resumed = await profile(phone);
    expect(resumed.pausedUntil).toBeNull();
    expect(resumed.properties).not.toHaveProperty('Paused');
  });

  it('puts a working preference link in a campaign text, not behind a short link', async () => {
    const phone = '+12125550186';
    await subscribeByKeyword(runtime, phone);
    await campaign(phone, 'Links', 'New beans are in. Manage texts: {{ preferences_url }}');
    const texts = await runtime.outbox(phone);
    const body = texts.at(-1)?.body ?? '';
    const link = body.match(/https?:\/\/\S+\/p\/[A-Za-z0-9_-]{22}/)?.[0];
    expect(link, body).toBeDefined();
    expect(body).not.toContain('/r/');
    const opened = await page(link ?? '');
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('ending in 0186');
  });

  it('subscribes again by double opt-in: the box, the disclosure and the page in the consent log', async () => {
    const phone = '+12125550196';
    await subscribeByKeyword(runtime, phone);
    const url = await linkOf(phone);
    await post(url, { action: 'unsubscribe', ...(await formFields(url)) });
    const { text } = await page(url);
    expect(text).toContain('Subscribe again');
    expect(text).toMatch(/id="optline-disclosure">[^<]*Msg &amp; data rates may apply/);

    const unticked = await post(url, { action: 'resubscribe', ...(await formFields(url)) });
    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain('consent.checkedByUser');
    expect((await profile(phone)).marketing).toBe('unsubscribed');

    const textsBefore = (await runtime.outbox(phone)).length;
    const answer = await post(url, { action: 'resubscribe', consent: 'yes', ...(await formFields(url)) });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Check your phone: reply Y');
    expect((await profile(phone)).marketing).toBe('pending');
    const texts = (await runtime.outbox(phone)).slice(textsBefore);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('Reply Y to confirm');
    expect((await consentLog(phone)).at(-1)).toMatchObject({
      action: 'opt_in_requested',
      evidence: {
        method: 'preference_page',
        source: 'preference_page',
        pageUrl: '/p/{token}',
        checkedByUser: true,
        uncheckedByDefault: true,
        disclosure: { text: expect.stringContaining('Reply HELP for help and STOP to cancel') },
      },
    });
    // Pending: the page offers no second request.
    expect((await page(url)).text).not.toContain('value="resubscribe"');

    await runtime.text(phone, 'Y');
    expect((await profile(phone)).marketing).toBe('subscribed');
  });

  it('after STOP takes the number off the opt-out list for its request; within 30 days of that, says until when', async () => {
    const phone = '+12125550197';
    await subscribeByKeyword(runtime, phone);
    await runtime.text(phone, 'STOP');
    const url = await linkOf(phone);
    const { proof } = await formFields(url);
    const first = await post(url, { action: 'resubscribe', consent: 'yes', ...(await formFields(url)) });
    expect(first.status).toBe(200);
    // Delivered: End User Messaging's list no longer holds the number.
    expect((await runtime.outbox(phone)).at(-1)?.body).toContain('Reply Y to confirm');
    await runtime.text(phone, 'Y');
    expect(await profile(phone)).toMatchObject({ marketing: 'subscribed', optedOut: false });

    // STOP again: the list took the number back 0 days ago, and lets it go once per 30 days.
    await runtime.text(phone, 'STOP');
    const until = new Date(runtime.clock.now().getTime() + 30 * DAY_MS);
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'America/New_York' });
    const locked = await page(url);
    expect(locked.text).toContain(`You can subscribe again from ${day.format(until)}`);
    expect(locked.text).not.toContain('value="resubscribe"');
    const textsBefore = (await runtime.outbox(phone)).length;
    // The page shows no form: a post of the earlier one is refused too.
    const refused = await post(url, {
      action: 'resubscribe',
      consent: 'yes',
      proof,
      submission: 'a-later-submission-1',
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(`You can subscribe again from ${day.format(until)}`);
    expect(await profile(phone)).toMatchObject({ optedOut: true });
    expect((await runtime.outbox(phone)).length).toBe(textsBefore);

    runtime.clock.advance(30 * DAY_MS + 60_000);
    const later = await linkOf(phone);
    const after = await post(later, { action: 'resubscribe', consent: 'yes', ...(await formFields(later)) });
    expect(after.status).toBe(200);
    expect(await profile(phone)).toMatchObject({ marketing: 'pending', optedOut: false });
    expect((await runtime.outbox(phone)).at(-1)?.body).toContain('Reply Y to confirm');
  });

  it('limits the requests of one address per hour, with a 429 page and Retry-After', async () => {
    // Last: it uses up this address's hour.
    runtime.clock.advance(60 * 60_000);
    const answers = [];
    for (let i = 0; i < 121; i++) answers.push(await page(`${runtime.url}/p/not-a-token-${i}`));
    expect(answers.slice(0, -1).every((a) => a.status === 404)).toBe(true);
    const limited = answers.at(-1);
    expect(limited?.status).toBe(429);
    expect(limited?.text).toContain('Too many requests');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    runtime.clock.advance(60 * 60_000);
    expect((await page(`${runtime.url}/p/not-a-token`)).status).toBe(404);
  });
});
