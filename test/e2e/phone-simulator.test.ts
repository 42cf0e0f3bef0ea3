import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('phone simulator page', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let page: Page;
  const phone = '+12065550177';

  beforeAll(async () => {
    runtime = await startTestRuntime();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${runtime.url}/_local/phone?phone=${encodeURIComponent(phone)}`);
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('shows the brand and the platform number', async () => {
    await expect.poll(() => page.textContent('#brand')).toBe('Acme Coffee');
    await expect.poll(() => page.textContent('#platform-number')).toBe(runtime.originationNumber);
  });

  it('sends a typed text to the platform and shows the reply in the conversation', async () => {
    await page.fill('#message', 'JOIN');
    await page.click('#send');

    const sent = page.locator('.bubble[data-direction="to_platform"]');
    const received = page.locator('.bubble[data-direction="to_phone"]');
    await expect.poll(() => sent.count()).toBe(1);
    await expect.poll(() => received.count()).toBeGreaterThan(0);
    expect(await sent.first().textContent()).toContain('JOIN');
    await expect.poll(() => received.first().textContent()).toContain('Reply Y to confirm');

    const outbox = await runtime.outbox(phone);
    expect(await received.first().textContent()).toContain(outbox[0]?.body ?? 'missing');
  });

  it('refreshes live when the platform texts the phone without a page action', async () => {
    const before = await page.locator('.bubble[data-direction="to_phone"]').count();
    await runtime.text(phone, 'YES');
    await expect
      .poll(() => page.locator('.bubble[data-direction="to_phone"]').count(), { timeout: 5000 })
      .toBeGreaterThan(before);
  });

  it('tells the user when the number is malformed', async () => {
    await page.fill('#my-number', '555');
    await page.fill('#message', 'hi');
    await page.click('#send');
    await expect.poll(() => page.textContent('#status')).toContain('+1');
  });
});
