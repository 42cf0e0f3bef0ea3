/**
 * Which pages may post a signup form (docs/pages.md#on-a-shops-own-site): the form's own page, and
 * the sites in its `allowedOrigins`, where its embed script runs. Browsers enforce it with CORS: only
 * an allowed origin is named in `Access-Control-Allow-Origin`, so a script on any other site can
 * neither send the embed script's JSON post (its preflight is refused) nor read an answer; and the
 * route refuses such a post itself, so a plain form post from another site does nothing either.
 */

export type OriginVerdict =
  /** The form's own page, or a client that is not a browser (no `Origin`): no CORS headers needed. */
  | { readonly kind: 'own' }
  /** A site in the form's `allowedOrigins`: answered with CORS headers that name it. */
  | { readonly kind: 'allowed'; readonly origin: string }
  /** Any other site: refused, and no CORS header names it. */
  | { readonly kind: 'refused' };

export interface OriginRequest {
  /** The `Origin` header, if any. */
  readonly origin?: string;
  /** The `Sec-Fetch-Site` header, if any. */
  readonly fetchSite?: string;
  /** The origin the request was sent to: its scheme and host, e.g. `https://api.example`. */
  readonly ownOrigin: string;
}

/**
 * Judges where a post to a form comes from. A named origin decides; without one (the pages'
 * `no-referrer` policy makes a browser send `Origin: null` with their own forms) `Sec-Fetch-Site`
 * still tells another site's post.
 */
export function judgeOrigin(request: OriginRequest, allowedOrigins: readonly string[]): OriginVerdict {
  const origin = request.origin?.trim();
  if (origin !== undefined && origin !== '' && origin !== 'null') {
    if (origin.toLowerCase() === request.ownOrigin.toLowerCase()) return { kind: 'own' };
    if (allowedOrigins.includes(origin)) return { kind: 'allowed', origin };
    return { kind: 'refused' };
  }
  const site = request.fetchSite;
  if (site !== undefined && site !== '' && site !== 'same-origin' && site !== 'none')
    return { kind: 'refused' };
  return { kind: 'own' };
}

/** How long a browser may keep a preflight's answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * The CORS headers of an answer to a post (or, with `preflight`, to its OPTIONS preflight): an
 * allowed origin is named, with the one method and the one non-simple header the embed script
 * sends; any other gets none. `Vary: Origin` always, so a cache never hands one site's answer to
 * another.
 */
export function corsHeaders(verdict: OriginVerdict, preflight = false): Record<string, string> {
  if (verdict.kind !== 'allowed') return { vary: 'Origin' };
  return {
    'access-control-allow-origin': verdict.origin,
    vary: 'Origin',
    ...(preflight
      ? {
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
        }
      : {}),
  };
}
