/**
 * Per-recipient short links. Every http(s) URL in a campaign body is replaced by
 * `<base>/r/<code>`; the code is derived from the campaign's secret salt, the recipient and the
 * link's position, so a retried send produces the same link, and nobody can guess another
 * recipient's code. Only URLs Optline stored can be redirect targets: no open redirect.
 */
import { createHmac } from 'node:crypto';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/gi;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const CODE_LENGTH = 10;

export function findUrls(body: string): string[] {
  return body.match(URL_PATTERN) ?? [];
}

export function linkCode(salt: string, recipient: string, index: number): string {
  const digest = createHmac('sha256', salt).update(`${recipient}#${index}`).digest();
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return code;
}

export interface ShortenedBody {
  readonly body: string;
  readonly links: readonly { readonly code: string; readonly url: string }[];
}

/** Whether a template prints the preference-page link (the sender makes one only then). */
export function usesPreferencesUrl(template: string): boolean {
  return /\bpreferences_url\b/.test(template);
}

/**
 * Replaces each URL with its short link, in order of appearance. Preference-page links (`<base>/p/…`)
 * stay as they are: a short code must never lead to one (docs/preferences.md).
 */
export function shortenLinks(body: string, base: string, salt: string, recipient: string): ShortenedBody {
  const links: { code: string; url: string }[] = [];
  const preferences = `${base.replace(/\/$/, '')}/p/`;
  const shortened = body.replace(URL_PATTERN, (url) => {
    if (url.startsWith(preferences)) return url;
    const code = linkCode(salt, recipient, links.length);
    links.push({ code, url });
    return `${base.replace(/\/$/, '')}/r/${code}`;
  });
  return { body: shortened, links };
}

/** The length a short link adds, for segment estimates before codes exist. */
export function shortLinkLength(base: string): number {
  return `${base.replace(/\/$/, '')}/r/`.length + CODE_LENGTH;
}
