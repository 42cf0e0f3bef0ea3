import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { html } from '../../lambdas/domain/html';
import { contentSecurityPolicy, notFoundPage, pageResponse } from '../../lambdas/handlers/shared/page';

const hash = (source: string) => `'sha256-${createHash('sha256').update(source).digest('base64')}'`;

describe('pageResponse', () => {
  it('allows exactly its own inline style and scripts, and nothing from another host', () => {
    const script = 'document.body.dataset.ready = "1";';
    const response = pageResponse(200, { title: 'T', body: html`<p>x</p>`, scripts: [script] });
    const csp = response.headers?.['content-security-policy'] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(response.text ?? '')?.[1] ?? '';
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*|unsafe-/);
    expect(response.text).toContain(`<script>${script}</script>`);
  });

  it('runs no script unless the page brings one', () => {
    const response = pageResponse(200, { title: 'T', body: html`<p>x</p>` });
    expect(response.headers?.['content-security-policy']).toContain("script-src 'none'");
    expect(response.text).not.toContain('<script');
  });

  it('is HTML, never cached, never sniffed, and sends no referrer', () => {
    const response = pageResponse(200, { title: 'A & B', body: html`<p>x</p>` });
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(response.text).toContain('<title>A &amp; B</title>');
  });

  it('colours the page with the accent colour', () => {
    expect(pageResponse(200, { title: 'T', body: html``, accentColor: '#aa0000' }).text).toContain(
      '--accent:#aa0000',
    );
  });

  it('says nothing about why a page is not found', () => {
    const response = notFoundPage();
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page not found');
  });
});

describe('contentSecurityPolicy', () => {
  it("names 'none' where a page has no style or script", () => {
    expect(contentSecurityPolicy([], [])).toContain("style-src 'none'; script-src 'none'");
  });
});
