/**
 * Per-recipient short links. Every http(s) URL in a campaign body is replaced by `<prefix>/<code>`,
 * where the prefix is the links domain's root (`https://go.acme.com`) or the API's `/r`. A code is
 * `codeLength` base62 characters derived from the campaign's secret salt, the recipient, the link's
 * position and an attempt number, so a retried send produces the same link and nobody can guess
 * another recipient's code. Each new code is written with a condition (adapters/link-store.ts): a
 * code some other link holds is a collision, and the link takes its next candidate (attempt 1, 2…),
 * so 7 characters (3.5 trillion codes) hold billions of links. Only URLs Optline stored can be
 * redirect targets: no open redirect.
 */
import { createHmac } from 'node:crypto';
import { PREFERENCE_TOKEN_LENGTH } from './preference-token';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/gi;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = BigInt(ALPHABET.length);

/** The default code length (`links.codeLength`). */
export const DEFAULT_CODE_LENGTH = 7;
/** Candidates a link tries before its send fails (and is retried): each collides with odds of about 1 in 3.5 trillion / links stored. */
export const MAX_CODE_ATTEMPTS = 8;

/** What a code matches: base62, of any length a deployment may choose (7 to 22; 10 before 7 was the default). */
export const CODE_PATTERN = /^[0-9A-Za-z]{7,22}$/;

export function findUrls(body: string): string[] {
  return body.match(URL_PATTERN) ?? [];
}

/**
 * Candidate `attempt` (0 first) of the code of the `index`th link to `recipient`: the HMAC-SHA256 of
 * the salt over them, read as a number in base 62 (uniform: no character is likelier than another).
 */
export function linkCode(
  salt: string,
  recipient: string,
  index: number,
  attempt = 0,
  length = DEFAULT_CODE_LENGTH,
): string {
  const message = attempt === 0 ? `${recipient}#${index}` : `${recipient}#${index}#${attempt}`;
  let value = BigInt(`0x${createHmac('sha256', salt).update(message).digest('hex')}`);
  let code = '';
  for (let i = 0; i < length; i++) {
    code += ALPHABET[Number(value % BASE)];
    value /= BASE;
  }
  return code;
}

/**
 * Where the short links of a deployment point (`<prefix>/<code>`): the root of its public origin (the
 * links domain, `LINK_BASE_URL`) when it has a links domain, else the API's `/r`.
 */
export function shortLinkPrefix(origin: string, links: { readonly domain?: string }): string {
  const root = origin.replace(/\/+$/, '');
  return links.domain === undefined ? `${root}/r` : root;
}

export interface ShortLink {
  readonly code: string;
  readonly url: string;
}

export interface ShortenedBody {
  readonly body: string;
  readonly links: readonly ShortLink[];
}

/** Whether a template prints the preference-page link (the sender makes one only then). */
export function usesPreferencesUrl(template: string): boolean {
  return /\bpreferences_url\b/.test(template);
}

/** Where the preference pages of a deployment are (`<origin>/p/<token>`, docs/preferences.md). */
export function preferencesPrefix(origin: string): string {
  return `${origin.replace(/\/+$/, '')}/p/`;
}

/** A preference-page link at its length as sent, for counting (its token is placeholder text). */
export function samplePreferencesUrl(origin: string): string {
  return `${preferencesPrefix(origin)}${'x'.repeat(PREFERENCE_TOKEN_LENGTH)}`;
}

/** The preference-page link of a template (`{{ preferences_url }}`) at its length as sent. */
export function withSamplePreferencesUrl(template: string, origin: string): string {
  return template.replace(/\{\{-?\s*preferences_url\s*-?\}\}/g, samplePreferencesUrl(origin));
}

/**
 * Replaces each URL with its short link (`<prefix>/<code of its position>`), in order of appearance.
 * URLs starting with `keep` (the preference pages, `preferencesPrefix`) stay as they are: a short code
 * must never lead to one (docs/preferences.md).
 */
export function shortenLinks(
  body: string,
  prefix: string,
  codeOf: (index: number) => string,
  keep?: string,
): ShortenedBody {
  const links: ShortLink[] = [];
  const shortened = body.replace(URL_PATTERN, (url) => {
    if (keep !== undefined && url.startsWith(keep)) return url;
    const code = codeOf(links.length);
    links.push({ code, url });
    return `${prefix.replace(/\/+$/, '')}/${code}`;
  });
  return { body: shortened, links };
}

/**
 * The text with its `index`th short link given another code (a collision's next candidate): the
 * links appear in the body in order, so the one to change is found after those before it.
 */
export function withLinkCode(
  text: ShortenedBody,
  prefix: string,
  index: number,
  code: string,
): ShortenedBody {
  const base = prefix.replace(/\/+$/, '');
  let from = 0;
  let at = -1;
  for (let i = 0; i <= index; i++) {
    const link = text.links[i];
    if (!link) return text;
    at = text.body.indexOf(`${base}/${link.code}`, from);
    if (at === -1) return text;
    from = at + base.length + 1 + link.code.length;
  }
  const old = `${base}/${text.links[index]?.code ?? ''}`;
  return {
    body: `${text.body.slice(0, at)}${base}/${code}${text.body.slice(at + old.length)}`,
    links: text.links.map((link, i) => (i === index ? { ...link, code } : link)),
  };
}

/** Characters of an API id in an execute-api host (`<id>.execute-api.<region>.amazonaws.com`). */
export const API_ID_LENGTH = 10;

/**
 * The public origin of a deployment without a links domain, with a sample API id: what its links look
 * like before (or without) a deployment to read the real id from.
 */
export function sampleApiOrigin(region: string, stage: string): string {
  return `https://${'x'.repeat(API_ID_LENGTH)}.execute-api.${region}.amazonaws.com/${stage}`;
}

/** A links domain of typical length (`go.acme.com`), for what `links.domain` would save. */
export const SAMPLE_LINKS_DOMAIN = 'go.acme.com';

/** A short link as long as the real ones, for segment counts before codes exist. */
export function sampleShortLink(prefix: string, codeLength: number): string {
  return `${prefix.replace(/\/+$/, '')}/${'x'.repeat(codeLength)}`;
}

/** Every URL of the body replaced by a short link of the real length (segment counts, previews). */
export function withSampleLinks(body: string, prefix: string, codeLength: number): string {
  return shortenLinks(body, prefix, () => sampleShortLink(prefix, codeLength).slice(-codeLength)).body;
}
