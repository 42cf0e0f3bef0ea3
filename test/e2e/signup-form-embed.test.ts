/**
 * The embed script on a shop's own site, in Chromium: the shop's pages are served from other local
 * origins than the runtime's. The form's allowed origin shows the form inline or as a teaser, and its
 * post makes the number pending (or, with Smart Opt-in, subscribed by the code); an origin the form
 * does not allow is refused by the browser itself (its preflight gets no CORS header), and nothing
 * is recorded or texted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

interface ConsentEvent {
  readonly action: string;
  readonly evidence: Record<string, unknown>;
}

/**
 * A shop's site on a port of its own: `/<formId>?mode=…` holds the form's script tag (`&form=…`: a
 * `data-form` that names another form).
 */
async function startShop(runtimeUrl: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    const formId = url.pathname.slice(1) || 'signup';
    const mode = url.searchParams.get('mode') ?? 'inline';
    const named = url.searchParams.get('form') ?? formId;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // A shop with a strict policy of its own: the form's script and posts allowed, no inline style.
      'content-security-policy': `default-src 'self'; script-src ${runtimeUrl()}; connect-src ${runtimeUrl()}`,
    });
    res.end(`<!doctype html><html lang="en"><head><title>Acme Coffee shop</title></head><body>
      <h1>Our coffee</h1>
      <script src="${runtimeUrl()}/f/${formId}/embed.js" data-form="${named}" data-mode="${mode}"></script>
      <footer>Shop footer</footer>
    </body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // `localhost`, not the runtime's 127.0.0.1: another origin, as a shop's site is.
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

describe('the signup form embedded on a shop’s site', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let allowedShop: { server: Server; origin: string };
  let otherShop: { server: Server; origin: string };
  const requests: string[] = [];

  const status = async (phone: string) =>
    (await runtime.get<{ status: string }>(`/_local/profile?phone=${encodeURIComponent(phone)}`)).body.status;
  const consentLog = async (phone: string) =>
    (await runtime.get<{ events: ConsentEvent[] }>(`/v1/profiles/${encodeURIComponent(phone)}/consent-log`))
      .body.events;
  const openShop = async (origin: string, path: string): Promise<Page> => {
    const page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${origin}${path}`);
    return page;
  };

  beforeAll(async () => {
    allowedShop = await startShop(() => runtime.url);
    otherShop = await startShop(() => runtime.url);
    runtime = await startTestRuntime({
      config: {
        ...KEYWORDS_ONLY,
        brandColor: '#8b3a1f',
        forms: [
          {
            id: 'signup',
            headline: 'Get our texts',
            incentive: '10% off your next order',
            fields: ['first_name'],
            allowedOrigins: [allowedShop.origin],
          },
          {
            id: 'vip',
            headline: 'VIP texts',
            smartOptIn: true,
            incentive: 'Free shipping on your next order',
            successMessage: 'Welcome to VIP texts!',
            allowedOrigins: [allowedShop.origin],
          },
          { id: 'own-site-only', headline: 'Texts from our own page' },
        ],
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    for (const shop of [allowedShop, otherShop]) shop?.server.close();
  });

  it('shows the form inline where the script tag is, the box unticked, the disclosure above the button', async () => {
    const page = await openShop(allowedShop.origin, '/signup');
    await page.locator('#optline-phone').waitFor();
    const placed = await page.evaluate(() => {
      const host = document.querySelector('[data-optline-form]');
      return { form: host?.getAttribute('data-optline-form'), next: host?.nextElementSibling?.tagName };
    });
    expect(placed).toEqual({ form: 'signup', next: 'SCRIPT' });
    expect(await page.isChecked('#optline-consent')).toBe(false);
    expect(await page.locator('#optline-disclosure + button').textContent()).toBe('Sign up');
    expect(await page.textContent('#optline-disclosure')).toContain('Msg & data rates may apply');
    // Styled in the brand's colour under the shop's strict policy (a constructed stylesheet).
    expect(
      await page.locator('#optline-disclosure + button').evaluate((b) => getComputedStyle(b).backgroundColor),
    ).toBe('rgb(139, 58, 31)');
    // The shop's own styles and the form's do not meet: the form is in a shadow root.
    expect(await page.evaluate(() => document.querySelectorAll('form').length)).toBe(0);
    await page.close();
  });

  it('shows nothing, and says why in the console, when data-form names another form than the script', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${allowedShop.origin}/signup?form=vip`);
    await expect.poll(() => errors).toEqual(['Optline: data-form="vip" but this script is form "signup"']);
    expect(await page.locator('[data-optline-form]').count()).toBe(0);
    await page.close();
  });

  it('posts from the allowed origin: a post without the box names consent.checkedByUser, a ticked one makes the number pending', async () => {
    const phone = '+12065550191';
    const page = await openShop(allowedShop.origin, '/signup');
    await page.locator('#optline-phone').pressSequentially('2065550191');
    expect(await page.inputValue('#optline-phone')).toBe('(206) 555-0191');
    await page.fill('#optline-field-first_name', 'Ada');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('consent.checkedByUser');
    expect(await page.getAttribute('#optline-consent', 'aria-invalid')).toBe('true');
    expect(await runtime.outbox(phone)).toEqual([]);

    await page.check('#optline-consent');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.locator('h1 >> nth=1').textContent())
      .toBe('Check your phone: reply Y to confirm');
    expect(await status(phone)).toBe('pending');
    expect((await runtime.outbox(phone)).at(-1)?.body).toContain('Reply Y');
    const optIn = (await consentLog(phone)).find((e) => e.evidence.method === 'form');
    expect(optIn?.evidence).toMatchObject({
      source: 'form:signup',
      disclosure: { text: expect.stringContaining('Msg & data rates may apply') },
      pageUrl: `${allowedShop.origin}/signup`,
      userAgent: expect.stringContaining('Chrome'),
      checkedByUser: true,
    });
    await page.close();
  });

  it('opens the form from a teaser, and completes Smart Opt-in with the texted code', async () => {
    const phone = '+12065550192';
    const page = await openShop(allowedShop.origin, '/vip?mode=popup');
    const teaser = page.locator('.optline-teaser');
    expect(await teaser.textContent()).toBe('Free shipping on your next order');
    expect(await page.locator('dialog').isVisible()).toBe(false);
    await teaser.click();
    await page.locator('dialog #optline-phone').fill('206 555 0192');
    await page.check('#optline-consent');
    await page.click('button[type=submit]');
    await page.locator('#optline-code').waitFor();
    expect(await page.getAttribute('#optline-code', 'autocomplete')).toBe('one-time-code');
    const texts = await runtime.outbox(phone);
    expect(texts).toHaveLength(1);
    const code = /\b(\d{6})\b/.exec(texts[0]?.body ?? '')?.[1] ?? '';
    await page.fill('#optline-code', code);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('dialog h1').textContent()).toBe('Welcome to VIP texts!');
    expect(await status(phone)).toBe('subscribed');
    expect((await consentLog(phone)).at(-1)?.evidence).toMatchObject({
      method: 'otp',
      source: 'form:vip',
      pageUrl: `${allowedShop.origin}/vip?mode=popup`,
    });
    await page.click('.optline-close');
    expect(await page.locator('dialog').isVisible()).toBe(false);
    await page.close();
  });

  it('is refused by the browser on a site the form does not allow: nothing recorded, nothing texted', async () => {
    const phone = '+12065550193';
    const page = await openShop(otherShop.origin, '/signup');
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.method()} ${request.url()}`));
    await page.fill('#optline-phone', '2065550193');
    await page.check('#optline-consent');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('could not reach');
    expect(failed).toContain(`POST ${runtime.url}/f/signup/submit`);
    expect(await status(phone)).toBe('not_subscribed');
    expect(await runtime.outbox(phone)).toEqual([]);
    await page.close();
  });

  it('answers the preflight with CORS headers for the allowed origin only', async () => {
    const preflight = (formId: string, origin: string) =>
      fetch(`${runtime.url}/f/${formId}/submit`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight('signup', allowedShop.origin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(allowedShop.origin);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(allowed.headers.get('vary')).toBe('Origin');
    for (const [formId, origin] of [
      ['signup', otherShop.origin],
      ['own-site-only', allowedShop.origin],
      ['no-such-form', allowedShop.origin],
    ] as const) {
      const refused = await preflight(formId, origin);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('refuses a plain form post from another site, recording and texting nothing', async () => {
    const phone = '+12065550194';
    const response = await fetch(`${runtime.url}/f/signup/submit`, {
      method: 'POST',
      headers: {
        origin: otherShop.origin,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ phone, consent: 'yes' }).toString(),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await status(phone)).toBe('not_subscribed');
    expect(await runtime.outbox(phone)).toEqual([]);
  });

  it('serves the script as JavaScript, and a form that does not exist as 404', async () => {
    const script = await fetch(`${runtime.url}/f/signup/embed.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain(`"submitUrl":"${runtime.url}/f/signup/submit"`);
    expect((await fetch(`${runtime.url}/f/no-such-form/embed.js`)).status).toBe(404);
  });

  it('has no serious or critical accessibility violations, inline or in its dialog', async () => {
    // The shop's policy forbids the injected axe script: this context alone bypasses it.
    const context = await browser.newContext({ bypassCSP: true });
    const inline = await seriousViolations(context, `${allowedShop.origin}/signup`, (page) =>
      page.locator('#optline-phone').waitFor(),
    );
    expect(inline).toEqual([]);
    const dialog = await seriousViolations(context, `${allowedShop.origin}/vip?mode=popup`, async (page) => {
      await page.click('.optline-teaser');
      await page.locator('dialog #optline-phone').waitFor();
    });
    expect(dialog).toEqual([]);
    await context.close();
  });

  it('made no request to a third host', () => {
    const hosts = [allowedShop.origin, otherShop.origin, runtime.url];
    expect(requests.filter((url) => !hosts.some((host) => url.startsWith(host)))).toEqual([]);
  });
});
