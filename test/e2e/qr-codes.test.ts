/**
 * Click-to-text and QR codes against the local runtime: the QR SVGs, drawn by Chromium and read
 * back with jsQR (an independent decoder), hold the `sms:` link and the form page's URL; the CLI
 * writes the same code for print; a keyword with a source gives it to the profiles it subscribes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qr } from '../../cli/qr';
import { launchChromium } from '../support/browser';
import { decodeQrSvg } from '../support/qr';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { testDirectory } from '../support/temp-dir';

describe('click-to-text and QR codes', () => {
  let runtime: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      config: {
        ...KEYWORDS_ONLY,
        doubleOptIn: false,
        keywords: { optIn: ['JOIN', { keyword: 'SPRING', source: 'flyer:spring-2027' }] },
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  const decode = (svg: string) => decodeQrSvg(browser, svg);

  const fetchText = async (path: string) => {
    const response = await fetch(`${runtime.url}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };

  it("links to the program's number with the keyword as the text, in the form iOS and Android open", async () => {
    const answer = await runtime.get<{ keyword: string; number: string; link: string }>(
      '/v1/click-to-text?keyword=spring',
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      keyword: 'SPRING',
      number: runtime.originationNumber,
      link: `sms:${runtime.originationNumber}?&body=SPRING`,
    });
  });

  it('draws a QR code that reads back as the sms: link', async () => {
    const svg = await fetchText('/v1/click-to-text?keyword=SPRING&format=svg');
    expect(svg.status).toBe(200);
    expect(svg.type).toBe('image/svg+xml');
    expect(await decode(svg.text)).toBe(`sms:${runtime.originationNumber}?&body=SPRING`);
  });

  it("draws the form page's QR code, which reads back as the page's URL", async () => {
    const svg = await fetchText('/f/signup/qr.svg');
    expect(svg.type).toBe('image/svg+xml');
    expect(await decode(svg.text)).toBe(`${runtime.url}/f/signup`);
    expect((await fetchText('/f/nope/qr.svg')).status).toBe(404);
  });

  it('refuses a keyword that is not an opt-in keyword, and a format it does not make', async () => {
    const wrong = await runtime.get<{ error: { field: string } }>('/v1/click-to-text?keyword=STOP');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('keyword');
    const format = await runtime.get<{ error: { field: string } }>(
      '/v1/click-to-text?keyword=JOIN&format=png',
    );
    expect(format.status).toBe(400);
    expect(format.body.error.field).toBe('format');
  });

  it('writes the QR code for print with npx optline qr', async () => {
    const dir = testDirectory('optline-qr-');
    const out: string[] = [];
    const code = await qr.run(['--keyword', 'SPRING', '--out', 'spring.svg', '--api', runtime.url], {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      cwd: dir,
      env: {},
    });
    expect(code).toBe(0);
    expect(await decode(readFileSync(join(dir, 'spring.svg'), 'utf8'))).toBe(
      `sms:${runtime.originationNumber}?&body=SPRING`,
    );
    expect(
      await qr.run(['--keyword', 'NOPE', '--api', runtime.url], {
        ...{ out: () => undefined },
        err: (t) => out.push(t),
        cwd: dir,
        env: {},
      }),
    ).toBe(1);
    expect(out.at(-1)).toContain('keyword');
  });

  it("gives the keyword's source to the profile it subscribes, and keyword:<KEYWORD> otherwise", async () => {
    await runtime.text('+12065550191', 'SPRING');
    await runtime.text('+12065550192', 'JOIN');
    const sourceOf = async (phone: string) =>
      (
        await runtime.get<{ profile: { properties: Record<string, unknown> } }>(
          `/_local/profile?phone=${encodeURIComponent(phone)}`,
        )
      ).body.profile.properties.$source;
    expect(await sourceOf('+12065550191')).toBe('flyer:spring-2027');
    expect(await sourceOf('+12065550192')).toBe('keyword:JOIN');
  });
});
