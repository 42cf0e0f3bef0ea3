import { describe, expect, it } from 'vitest';
import { corsHeaders, judgeOrigin, type OriginRequest } from '../../lambdas/domain/form-origins';

const own = 'https://abc.execute-api.us-east-1.amazonaws.com';
const shop = 'https://acme-coffee.example';

describe('judgeOrigin', () => {
  it.each<[string, Omit<OriginRequest, 'ownOrigin'>, readonly string[], ReturnType<typeof judgeOrigin>]>([
    ['the form page itself', { origin: own, fetchSite: 'same-origin' }, [], { kind: 'own' }],
    [
      'the form page with a no-referrer Origin',
      { origin: 'null', fetchSite: 'same-origin' },
      [],
      { kind: 'own' },
    ],
    ['a client that is not a browser', {}, [], { kind: 'own' }],
    ['an allowed site', { origin: shop, fetchSite: 'cross-site' }, [shop], { kind: 'allowed', origin: shop }],
    [
      'a site not allowed',
      { origin: 'https://evil.example', fetchSite: 'cross-site' },
      [shop],
      { kind: 'refused' },
    ],
    ['any site when none is allowed', { origin: shop }, [], { kind: 'refused' }],
    ['another port of the same host', { origin: `${shop}:8443` }, [shop], { kind: 'refused' }],
    [
      'a cross-site post that hides its origin',
      { origin: 'null', fetchSite: 'cross-site' },
      [shop],
      { kind: 'refused' },
    ],
    ['a same-site subdomain not allowed', { fetchSite: 'same-site' }, [], { kind: 'refused' }],
  ])('judges %s', (_name, request, allowed, verdict) => {
    expect(judgeOrigin({ ownOrigin: own, ...request }, allowed)).toEqual(verdict);
  });
});

describe('corsHeaders', () => {
  it('names an allowed origin, with the method and header of the embed script’s post in a preflight', () => {
    expect(corsHeaders({ kind: 'allowed', origin: shop }, true)).toEqual({
      'access-control-allow-origin': shop,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(corsHeaders({ kind: 'allowed', origin: shop })).toEqual({
      'access-control-allow-origin': shop,
      vary: 'Origin',
    });
  });

  it('names no origin for the form’s own page or a refused site', () => {
    expect(corsHeaders({ kind: 'own' }, true)).toEqual({ vary: 'Origin' });
    expect(corsHeaders({ kind: 'refused' }, true)).toEqual({ vary: 'Origin' });
  });
});
