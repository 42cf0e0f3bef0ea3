/**
 * The subscriber pages' shell and headers: one small mobile-first stylesheet, the brand's accent
 * colour, and a strict Content-Security-Policy that allows only this page's own inline style and
 * scripts (by hash), forms posting to this origin, and nothing from any other host: no fonts, no
 * analytics, no third-party request of any kind (docs/pages.md#security).
 */
import { createHash } from 'node:crypto';
import { html, trustedHtml, type Html } from '../../domain/html';
import type { HttpResponse } from './http';

export interface Page {
  readonly title: string;
  readonly body: Html;
  /** Inline scripts the page runs (each allowed by its hash); none by default. */
  readonly scripts?: readonly string[];
  /** CSS colour of buttons and links (`#rrggbb`). */
  readonly accentColor?: string;
  readonly lang?: string;
}

const DEFAULT_ACCENT = '#1f5f8b';

/** The pages' stylesheet with the brand's accent colour (the embed script carries it too). */
export function pageStylesheet(accent: string = DEFAULT_ACCENT): string {
  return [
    ':root{--accent:' + accent + ';color-scheme:light}',
    '*{box-sizing:border-box}',
    'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c1c;background:#f4f4f2}',
    'main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem}',
    '.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}',
    'h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}',
    '.brand{font-weight:600;color:var(--accent);margin:0 0 1rem}',
    'label{display:block;font-weight:600;margin:1rem 0 .25rem}',
    'input[type=tel],input[type=text],input[type=email],input[inputmode=numeric],select{width:100%;font:inherit;padding:.7rem;border:1px solid #767676;border-radius:8px;background:#fff}',
    '.row{display:flex;gap:.5rem}.row select{flex:0 0 6.5rem}',
    '.check{display:flex;gap:.6rem;align-items:flex-start;font-weight:400;margin:1.25rem 0 .5rem}',
    '.check input{width:1.4rem;height:1.4rem;margin:.1rem 0 0;flex:none}',
    '.disclosure{font-size:.8125rem;color:#474747;margin:.5rem 0 1rem}',
    'a{color:var(--accent)}',
    'button{width:100%;font:inherit;font-weight:600;padding:.85rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}',
    'button:focus-visible,input:focus-visible,select:focus-visible,a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}',
    '.error{color:#a4000f;font-weight:600}',
    '.notice{background:#eef6ee;border-left:4px solid #2e7d32;padding:.75rem}',
  ].join('');
}

/** `'sha256-…'` of an inline script or style, as CSP names it. */
function sourceHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** The policy of a page: its own inline style and scripts, forms and fetches to this origin only. */
export function contentSecurityPolicy(styles: readonly string[], scripts: readonly string[]): string {
  return [
    "default-src 'none'",
    `style-src ${styles.map(sourceHash).join(' ') || "'none'"}`,
    `script-src ${scripts.map(sourceHash).join(' ') || "'none'"}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every page and asset carries: no sniffing, no referrer leaving the page, never cached. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** A complete HTML page with its headers. */
export function pageResponse(status: number, page: Page, headers: Record<string, string> = {}): HttpResponse {
  const css = pageStylesheet(page.accentColor ?? DEFAULT_ACCENT);
  const scripts = page.scripts ?? [];
  // The style and scripts are put in as built: their bytes must match the hashes of the policy.
  const style = trustedHtml(`<style>${css}</style>`);
  const inline = trustedHtml(scripts.map((script) => `<script>${script}</script>`).join(''));
  const document = html`<!doctype html>
    <html lang="${page.lang ?? 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${page.title}</title>
        ${style}
      </head>
      <body>
        <main>${page.body}</main>
        ${inline}
      </body>
    </html>`;
  return {
    status,
    text: document.value,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy([css], scripts),
      'x-frame-options': 'DENY',
      ...PAGE_HEADERS,
      ...headers,
    },
  };
}

/** A page that says only that there is nothing here: no detail about why (a wrong id, a bad token). */
export function notFoundPage(accentColor?: string): HttpResponse {
  return pageResponse(404, {
    title: 'Page not found',
    ...(accentColor ? { accentColor } : {}),
    body: html`<div class="card">
      <h1>Page not found</h1>
      <p>This page does not exist or is no longer available.</p>
    </div>`,
  });
}
