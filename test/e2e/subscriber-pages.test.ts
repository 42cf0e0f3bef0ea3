/**
 * The subscriber pages end to end, in Chromium, on the local runtime with the repository's own
 * config (what `npm start` runs on a fresh clone): the hosted form makes a number pending, YES from
 * the phone simulator subscribes it with the form's source and the disclosure the page showed in
 * its consent log; the support agent's preference link opens the page where "Pause 30 days" sets
 * `pausedUntil`, a campaign then skips the number, and the next one, 31 days on, reaches it; the
 * click-to-text QR code reads back as the `sms:` link.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';
import { decodeQrSvg } from '../support/qr';

// 11:00 in Seattle, 14:00 in New York: inside every quiet-hours window.
const START = new Date('2026-11-12T19:00:00Z');
const DAY_MS = 86_400_000;

interface ConsentEvent {
  readonly action: string;
  readonly evidence: Record<string, unknown>;
}

describe('subscriber pages: the form, YES, the preference page’s pause and a campaign', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let page: Page;
  const phone = '+12065550177';
  const encoded = encodeURIComponent(phone);

  beforeAll(async () => {
    // No config of the test's own: the repository's, as `npm start` loads it.
    runtime = await startTestRuntime({ clockStart: START });
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(5_000);
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('shows the signup form at /f/signup, the box unticked', async () => {
    const response = await page.goto(`${runtime.url}/f/signup`);
    expect(response?.status()).toBe(200);
    expect(await page.isChecked('#optline-consent')).toBe(false);
  });

  it('makes the number pending once submitted with the box ticked', async () => {
    await page.fill('#optline-phone', '206 555 0177');
    await page.check('#optline-consent');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('h1')).toBe('Check your phone: reply Y to confirm');
    expect((await runtime.get<{ status: string }>(`/_local/profile?phone=${encoded}`)).body.status).toBe(
      'pending',
    );
  });

  it('subscribes it on YES from the phone simulator, with the form as source and the shown disclosure logged', async () => {
    const simulator = await browser.newPage();
    await simulator.goto(`${runtime.url}/_local/phone?phone=${encoded}`);
    await simulator.fill('#message', 'YES');
    await simulator.click('#send');
    await expect
      .poll(
        async () => (await runtime.get<{ status: string }>(`/_local/profile?phone=${encoded}`)).body.status,
      )
      .toBe('subscribed');
    await simulator.close();
    const profile = await runtime.get<{ properties: Record<string, unknown> }>(`/v1/profiles/${encoded}`);
    expect(profile.body.properties.$source).toBe('form:signup');

    await page.goto(`${runtime.url}/f/signup`);
    const shown = (await page.textContent('#optline-disclosure'))?.trim();
    const log = await runtime.get<{ events: ConsentEvent[] }>(`/v1/profiles/${encoded}/consent-log`);
    expect(log.body.events.find((e) => e.evidence.method === 'form')?.evidence).toMatchObject({
      source: 'form:signup',
      disclosure: { text: shown },
      pageUrl: `${runtime.url}/f/signup`,
    });
    expect(log.body.events.at(-1)?.action).toBe('opt_in_confirmed');
  });

  it('pauses 30 days from the preference link, and a campaign then skips the number as paused', async () => {
    const link = await runtime.get<{ url: string }>(`/v1/profiles/${encoded}/preferences-link`);
    expect(link.status).toBe(200);
    await page.goto(link.body.url);
    await page.getByLabel('30 days').check();
    await page.getByRole('button', { name: 'Pause texts' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Paused.');
    const { pausedUntil } = (await runtime.get<{ pausedUntil: string | null }>(`/v1/profiles/${encoded}`))
      .body;
    expect(
      Math.abs(Date.parse(pausedUntil ?? '') - runtime.clock.now().getTime() - 30 * DAY_MS),
    ).toBeLessThan(60_000);

    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Winter blend',
      body: 'Acme Coffee: our winter blend is here',
      segment: { phones: [phone] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBeLessThan(300);
    runtime.clock.advance(2 * 60_000);
    const counters = async () =>
      (
        await runtime.get<{ counters: { targeted: number; sent: number; skipped: Record<string, number> } }>(
          `/v1/campaigns/${created.body.campaignId}`,
        )
      ).body.counters;
    const skipped = await waitFor(async () => (await counters()).skipped.paused, 15_000, 'the paused skip');
    expect(skipped).toBe(1);
    await runtime.settle();
    expect((await counters()).sent).toBe(0);
    expect((await runtime.outbox(phone)).some((m) => m.body.includes('winter blend'))).toBe(false);
  });

  it('reaches the number with the next campaign once the 30 days are over, and the page says so', async () => {
    runtime.clock.advance(31 * DAY_MS);
    const link = await runtime.get<{ url: string }>(`/v1/profiles/${encoded}/preferences-link`);
    await page.goto(link.body.url);
    await expect.poll(() => page.locator('body').textContent()).not.toContain('paused until');

    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Spring blend',
      body: 'Acme Coffee: our spring blend is here',
      segment: { phones: [phone] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBeLessThan(300);
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () => (await runtime.outbox(phone)).some((m) => m.body.includes('spring blend')),
      15_000,
      'the spring campaign',
    );
  });

  it('draws the click-to-text QR code, which reads back as the sms: link', async () => {
    const answer = await runtime.get<{ link: string }>('/v1/click-to-text?keyword=JOIN');
    expect(answer.body.link).toBe(`sms:${runtime.originationNumber}?&body=JOIN`);
    const svg = await (await fetch(`${runtime.url}/v1/click-to-text?keyword=JOIN&format=svg`)).text();
    expect(await decodeQrSvg(browser, svg)).toBe(answer.body.link);
  });
});
