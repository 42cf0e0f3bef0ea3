import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

describe('phone simulator page', () => {
  let runtime: TestRuntime;
  let browser: Browser;
  let page: Page;
  const phone = '+12065550177';
  const consoleErrors: string[] = [];
  const badge = () => page.locator('#subscription');

  beforeAll(async () => {
    // As with OPTLINE_LOCAL_AUTH=iam: the agent pane must work where IAM routes need a signature.
    runtime = await startTestRuntime({
      // Noon in Seattle: the agent's replies meet no calling-hours law.
      clockStart: new Date('2026-11-12T20:00:00Z'),
      auth: { requireIam: true, credentials: { accessKeyId: 'pane-test', secretAccessKey: 'pane-secret' } },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} ${message.location().url}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
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

  it('labels the button that picks a new number and keeps the quick replies on one row', async () => {
    await expect.poll(() => page.getByRole('button', { name: 'Pick a new number' }).count()).toBe(1);
    const quick = page.getByRole('group', { name: 'Quick replies' }).getByRole('button');
    expect(await quick.allTextContents()).toEqual([
      'JOIN',
      'YES',
      'HELP',
      'PAUSE',
      'RESUME',
      'STOP',
      'START',
    ]);
    const tops = await quick.evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().top));
    expect(new Set(tops).size).toBe(1);
  });

  it('shows a number that never texted as not subscribed', async () => {
    await expect.poll(() => badge().getAttribute('data-status')).toBe('not_subscribed');
    expect(await badge().textContent()).toContain('Not subscribed');
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

  it('shows the number pending once it has texted JOIN', async () => {
    await expect.poll(() => badge().getAttribute('data-status')).toBe('pending');
    expect(await badge().textContent()).toContain('Pending');
  });

  it('refreshes live when the platform texts the phone without a page action', async () => {
    const before = await page.locator('.bubble[data-direction="to_phone"]').count();
    await runtime.text(phone, 'YES');
    await expect
      .poll(() => page.locator('.bubble[data-direction="to_phone"]').count(), { timeout: 5000 })
      .toBeGreaterThan(before);
    await expect.poll(() => badge().getAttribute('data-status')).toBe('subscribed');
    expect(await badge().textContent()).toContain('Subscribed');
  });

  it.each([
    ['PAUSE', 'paused', 'Paused'],
    ['RESUME', 'subscribed', 'Subscribed'],
    ['STOP', 'opted_out', 'Opted out'],
    ['START', 'subscribed', 'Subscribed'],
  ])('shows the state after the %s quick reply: %s', async (word, status, label) => {
    await page.getByRole('group', { name: 'Quick replies' }).getByRole('button', { name: word }).click();
    await expect.poll(() => badge().getAttribute('data-status')).toBe(status);
    expect(await badge().textContent()).toContain(label);
    const profile = await runtime.get<{ status: string }>(
      `/_local/profile?phone=${encodeURIComponent(phone)}`,
    );
    expect(profile.body.status).toBe(status);
  });

  it('answers a free text from the agent pane, reaching the phone, and closes the conversation', async () => {
    await page.fill('#message', 'do you ship to Canada?');
    await page.click('#send');

    const listed = page
      .getByRole('list', { name: 'Open conversations' })
      .getByRole('button', { name: phone });
    await expect.poll(() => listed.count(), { timeout: 5000 }).toBe(1);
    await listed.click();
    const thread = page.locator('#thread .bubble');
    await expect.poll(() => thread.last().textContent()).toContain('do you ship to Canada?');

    await page.fill('#agent-name', 'ada');
    await page.fill('#agent-message', 'Yes: 5 to 7 days to Canada.');
    await page.click('#agent-send');
    await expect
      .poll(() => page.locator('.bubble[data-direction="to_phone"]').last().textContent(), { timeout: 5000 })
      .toContain('Yes: 5 to 7 days to Canada.');
    await expect.poll(() => thread.last().textContent()).toContain('ada');
    expect((await runtime.outbox(phone)).at(-1)?.body).toContain('Yes: 5 to 7 days to Canada.');

    // The page signs nothing: the runtime calls the IAM route for it, which refuses unsigned calls.
    const unsigned = await runtime.post(`/v1/conversations/${encodeURIComponent(phone)}/replies`, {
      body: 'unsigned',
      idempotencyKey: 'unsigned-reply-1',
    });
    expect(unsigned.status).toBe(403);

    // The local route checks what it passes on, naming the field.
    const badPhone = await runtime.post<{ error: { field: string } }>('/_local/agent', {
      phone: '555',
      action: 'reply',
    });
    expect([badPhone.status, badPhone.body.error.field]).toEqual([400, 'phone']);
    const badAction = await runtime.post<{ error: { field: string } }>('/_local/agent', {
      phone,
      action: 'x',
    });
    expect([badAction.status, badAction.body.error.field]).toEqual([400, 'action']);

    expect(await page.isEnabled('#close-conversation')).toBe(true);
    await page.click('#close-conversation');
    await expect.poll(() => page.textContent('#thread-title')).toContain('closed (agent)');
    await expect.poll(() => listed.count()).toBe(0);
    // A closed conversation cannot be closed again.
    await expect.poll(() => page.isDisabled('#close-conversation')).toBe(true);
  });

  it('shows the agent a STOP inside a conversation, which closes it', async () => {
    await page.fill('#message', 'one more question');
    await page.click('#send');
    const listed = page
      .getByRole('list', { name: 'Open conversations' })
      .getByRole('button', { name: phone });
    await expect.poll(() => listed.count(), { timeout: 5000 }).toBe(1);
    await expect.poll(() => page.textContent('#thread-title')).toContain('open');

    await page.getByRole('group', { name: 'Quick replies' }).getByRole('button', { name: 'STOP' }).click();
    await expect
      .poll(() => page.textContent('#thread-title'), { timeout: 5000 })
      .toContain('closed (opt_out)');
    await expect.poll(() => page.isDisabled('#close-conversation')).toBe(true);
    expect(await page.locator('#thread .bubble').last().textContent()).toContain('STOP');
    await expect.poll(() => listed.count()).toBe(0);
    await expect.poll(() => badge().getAttribute('data-status')).toBe('opted_out');
  });

  it('tells the user when the number is malformed', async () => {
    await page.fill('#my-number', '555');
    await page.fill('#message', 'hi');
    await page.click('#send');
    await expect.poll(() => page.textContent('#status')).toContain('+1');
  });

  it('logged no error to the console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
