/**
 * Links in the phone simulator's texts are clickable, so a person goes from a text to the page it
 * links to: here the preference link of a campaign text.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('links in the phone simulator', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    // Noon in Seattle: no quiet hours.
    runtime = await startTestRuntime({ clockStart: new Date('2026-11-12T20:00:00Z'), config: KEYWORDS_ONLY });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('shows links as clickable: the preference link in a campaign text opens the page', async () => {
    const other = '+12065550178';
    await runtime.text(other, 'JOIN');
    await runtime.text(other, 'YES');
    const created = await runtime.post('/v1/campaigns', {
      name: 'Links',
      body: 'New beans are in. Manage texts: {{ preferences_url }}.',
      segment: { phones: [other] },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBeLessThan(300);
    runtime.clock.advance(2 * 60_000);
    await expect
      .poll(async () => (await runtime.outbox(other)).some((m) => m.body.includes('New beans')), {
        timeout: 10_000,
      })
      .toBe(true);

    const phonePage = await browser.newPage();
    phonePage.on('pageerror', (error) => errors.push(error.message));
    await phonePage.goto(`${runtime.url}/_local/phone?phone=${encodeURIComponent(other)}`);
    const link = phonePage.locator('.bubble[data-direction="to_phone"] a[href*="/p/"]');
    await expect.poll(() => link.count(), { timeout: 5000 }).toBe(1);
    // The sentence's full stop stays outside the link.
    expect(await link.getAttribute('href')).toMatch(/\/p\/[A-Za-z0-9_-]{22}$/);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    const [opened] = await Promise.all([phonePage.context().waitForEvent('page'), link.click()]);
    await opened.waitForLoadState();
    expect(await opened.locator('h1').textContent()).toBe('Your text preferences');
    expect(await opened.textContent('body')).toContain('ending in 0178');
    await opened.close();
    await phonePage.close();
  });

  it('logged no error', () => {
    expect(errors).toEqual([]);
  });
});
