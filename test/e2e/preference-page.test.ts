/**
 * The preference page and the signup form in Chromium against the local runtime: a person pauses
 * for 30 days, chooses fewer texts and turns a topic off with the page's own forms, unsubscribes and
 * subscribes again (a double opt-in), and axe-core finds no serious or critical accessibility
 * violation on either page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe';
import { launchChromium } from '../support/browser';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, type TestRuntime } from '../support/local-runtime';

const DAY_MS = 86_400_000;

interface Profile {
  readonly marketing: string;
  readonly pausedUntil: string | null;
  readonly maxMarketingPerWeek: number | null;
  readonly properties: Record<string, unknown>;
}

describe('the subscriber pages in a browser', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  /** axe is injected as a script, which the pages' policy forbids: this context alone bypasses it. */
  let auditContext: BrowserContext;
  let page: Page;
  const phone = '+12125550195';

  const profile = async () => (await runtime.get<Profile>(`/v1/profiles/${encodeURIComponent(phone)}`)).body;

  const audit = (url: string) => seriousViolations(auditContext, url);

  beforeAll(async () => {
    runtime = await startTestRuntime({
      config: {
        ...KEYWORDS_ONLY,
        preferences: { topics: [{ property: 'preferences.coffee', label: 'Coffee' }] },
      },
    });
    await subscribeByKeyword(runtime, phone);
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(5_000);
    auditContext = await browser.newContext({ bypassCSP: true });
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  const link = async () =>
    (await runtime.get<{ url: string }>(`/v1/profiles/${encodeURIComponent(phone)}/preferences-link`)).body
      .url;

  it('pauses for 30 days from the page', async () => {
    await page.goto(await link());
    await page.getByLabel('30 days').check();
    await page.getByRole('button', { name: 'Pause texts' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Paused.');
    const until = Date.parse((await profile()).pausedUntil ?? '');
    expect(Math.abs(until - runtime.clock.now().getTime() - 30 * DAY_MS)).toBeLessThan(60_000);
    await page.getByRole('button', { name: 'Resume texts now' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your texts will resume.');
    expect((await profile()).pausedUntil).toBeNull();
  });

  it('chooses fewer texts and turns a topic off', async () => {
    await page.goto(await link());
    await page.getByLabel('At most 2 texts a week').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('at most 2 texts a week');
    await page.getByLabel('Coffee').uncheck();
    await page.getByRole('button', { name: 'Save topics' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved your topics.');
    expect(await page.getByLabel('Coffee').isChecked()).toBe(false);
    expect(await profile()).toMatchObject({
      maxMarketingPerWeek: 2,
      properties: { 'preferences.coffee': false },
    });
  });

  it('has no serious or critical accessibility violations on the preference page', async () => {
    expect(await audit(await link())).toEqual([]);
  });

  it('has no serious or critical accessibility violations on the signup form', async () => {
    expect(await audit(`${runtime.url}/f/signup`)).toEqual([]);
  });

  it('unsubscribes, then subscribes again with the box ticked: a text to confirm, the number pending', async () => {
    await page.goto(await link());
    await page.getByRole('button', { name: 'Unsubscribe from marketing texts' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('You are unsubscribed');
    expect(await audit(await link())).toEqual([]);

    const box = page.getByLabel(/Yes, text me offers/);
    expect(await box.isChecked()).toBe(false);
    expect(
      await page.evaluate(
        () => document.getElementById('optline-disclosure')?.nextElementSibling?.textContent,
      ),
    ).toBe('Subscribe again');
    await page.getByRole('button', { name: 'Subscribe again' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('consent.checkedByUser');
    await page.getByLabel(/Yes, text me offers/).check();
    await page.getByRole('button', { name: 'Subscribe again' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Check your phone: reply Y');
    expect((await profile()).marketing).toBe('pending');
    expect((await runtime.outbox(phone)).at(-1)?.body).toContain('Reply Y to confirm');
  });
});
