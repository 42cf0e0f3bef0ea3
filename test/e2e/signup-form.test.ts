/**
 * The hosted signup form in Chromium against the local runtime: filled and ticked it makes the
 * number pending, Y from the phone simulator subscribes it with the form's source, and the consent
 * log holds the words the page showed, with the page, IP and browser. Nothing loads from another
 * host, and bad input is answered on the page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

interface ConsentEvent {
  readonly action: string;
  readonly evidence: Record<string, unknown>;
}

describe('the hosted signup form', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let page: Page;
  const phone = '+12065550181';
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  const profile = async () =>
    (
      await runtime.get<{ status: string; profile: { properties?: Record<string, unknown> } | null }>(
        `/_local/profile?phone=${encodeURIComponent(phone)}`,
      )
    ).body;
  const consentLog = async () =>
    (await runtime.get<{ events: ConsentEvent[] }>(`/v1/profiles/${encodeURIComponent(phone)}/consent-log`))
      .body.events;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      config: {
        ...KEYWORDS_ONLY,
        forms: [
          {
            id: 'signup',
            headline: 'Get our texts',
            incentive: '10% off your next order',
            fields: ['first_name'],
          },
          {
            id: 'vip',
            headline: 'VIP texts',
            smartOptIn: true,
            incentive: 'Free shipping on your next order',
            successMessage: 'Welcome to VIP texts!',
          },
        ],
      },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('shows the form with the box unticked and the disclosure right above the button', async () => {
    const response = await page.goto(`${runtime.url}/f/signup`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.textContent('h1')).toBe('Get our texts');
    expect(await page.isChecked('#optline-consent')).toBe(false);
    const order = await page.evaluate(() => {
      const disclosure = document.getElementById('optline-disclosure');
      return disclosure?.nextElementSibling?.tagName;
    });
    expect(order).toBe('BUTTON');
    const disclosure = (await page.textContent('#optline-disclosure')) ?? '';
    for (const words of ['Acme Coffee', 'Up to 6 msgs/mo', 'Msg & data rates may apply', 'HELP', 'STOP'])
      expect(disclosure).toContain(words);
    expect(await page.getAttribute('#optline-disclosure a[href*="sms-terms"]', 'href')).toBe(
      'https://acme-coffee.example/sms-terms',
    );
  });

  it('formats the number as it is typed', async () => {
    await page.locator('#optline-phone').pressSequentially('2065550181');
    expect(await page.inputValue('#optline-phone')).toBe('(206) 555-0181');
  });

  it('refuses a post without the ticked box, saying so on the page, and texts nothing', async () => {
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/f/signup/submit')),
      page.click('button[type=submit]'),
    ]);
    expect(answer.status()).toBe(400);
    expect(await page.textContent('[role=alert]')).toContain('consent.checkedByUser');
    expect(await page.getAttribute('#optline-consent', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#optline-phone')).toBe('(206) 555-0181');
    expect(await runtime.outbox(phone)).toEqual([]);
  });

  it('makes the number pending once submitted with the box ticked', async () => {
    await page.fill('#optline-field-first_name', 'Ada');
    await page.check('#optline-consent');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('h1')).toBe('Check your phone: reply Y to confirm');
    expect((await profile()).status).toBe('pending');
    expect((await runtime.outbox(phone)).at(-1)?.body).toContain('Reply Y');
  });

  it('subscribes the number with the form as its source when Y is texted from the phone simulator', async () => {
    const simulator = await browser.newPage();
    await simulator.goto(`${runtime.url}/_local/phone?phone=${encodeURIComponent(phone)}`);
    await simulator.fill('#message', 'Y');
    await simulator.click('#send');
    await expect.poll(async () => (await profile()).status).toBe('subscribed');
    expect((await profile()).profile?.properties).toMatchObject({
      $source: 'form:signup',
      first_name: 'Ada',
    });
    await simulator.close();
  });

  it('keeps the disclosure the page showed, its hash, the page, IP and browser in the consent log', async () => {
    await page.goto(`${runtime.url}/f/signup`);
    const shown = (await page.textContent('#optline-disclosure'))?.trim();
    const optIn = (await consentLog()).find((e) => e.evidence.method === 'form');
    expect(optIn?.evidence).toMatchObject({
      source: 'form:signup',
      disclosure: { text: shown, version: expect.stringMatching(/^sha256:[0-9a-f]{40}$/) },
      pageUrl: `${runtime.url}/f/signup`,
      ip: '127.0.0.1',
      userAgent: expect.stringContaining('Chrome'),
      checkedByUser: true,
      uncheckedByDefault: true,
    });
  });

  describe('with Smart Opt-in', () => {
    const vip = '+12065550182';

    it('texts one code, and the code typed on the page subscribes the number at once', async () => {
      await page.goto(`${runtime.url}/f/vip`);
      await page.fill('#optline-phone', '206 555 0182');
      await page.check('#optline-consent');
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('h1')).toBe('Enter the code we texted you');
      expect(await page.getAttribute('#optline-code', 'autocomplete')).toBe('one-time-code');
      expect(await page.getAttribute('#optline-code', 'inputmode')).toBe('numeric');
      const texts = await runtime.outbox(vip);
      expect(texts).toHaveLength(1);
      const code = /\b(\d{6})\b/.exec(texts[0]?.body ?? '')?.[1] ?? '';

      await page.fill('#optline-code', code === '000000' ? '111111' : '000000');
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('[role=alert]')).toContain('incorrect');

      await page.fill('#optline-code', code);
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('h1')).toBe('Welcome to VIP texts!');
      expect(await page.textContent('[role=status]')).toContain('Free shipping on your next order');
      const state = await runtime.get<{ status: string; profile: { properties: Record<string, unknown> } }>(
        `/_local/profile?phone=${encodeURIComponent(vip)}`,
      );
      expect(state.body.status).toBe('subscribed');
      expect(state.body.profile.properties.$source).toBe('form:vip');
      // No double opt-in request: after the code, only the confirmation of the subscription.
      const after = (await runtime.outbox(vip)).slice(1);
      expect(after).toHaveLength(1);
      expect(after[0]?.body).not.toContain('Reply Y');
      expect(after[0]?.body).toContain('STOP');
    });

    it('keeps the disclosure of the form with the code opt-in in the consent log', async () => {
      const events = (
        await runtime.get<{ events: ConsentEvent[] }>(`/v1/profiles/${encodeURIComponent(vip)}/consent-log`)
      ).body.events;
      expect(events.at(-1)?.evidence).toMatchObject({
        method: 'otp',
        source: 'form:vip',
        disclosure: { text: expect.stringContaining('Msg & data rates may apply') },
        pageUrl: `${runtime.url}/f/vip`,
      });
    });
  });

  it('answers a form that does not exist with 404', async () => {
    const response = await page.goto(`${runtime.url}/f/no-such-form`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
  });

  it('made no request to another host and logged no error', () => {
    expect(requests.filter((url) => !url.startsWith(runtime.url))).toEqual([]);
    expect(consoleErrors.filter((e) => !e.includes('404') && !e.includes('400'))).toEqual([]);
  });
});
