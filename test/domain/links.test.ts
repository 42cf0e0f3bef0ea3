import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_PATTERN,
  linkCode,
  sampleShortLink,
  shortenLinks,
  shortLinkPrefix,
  withLinkCode,
  withSampleLinks,
} from '../../lambdas/domain/links';

const PHONE = '+12065550100';

describe('linkCode', () => {
  it('is 7 base62 characters by default, and as many as asked', () => {
    expect(linkCode('salt', PHONE, 0)).toMatch(/^[0-9A-Za-z]{7}$/);
    expect(linkCode('salt', PHONE, 0, 0, 12)).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(linkCode('salt', PHONE, 0, 0, 22)).toMatch(CODE_PATTERN);
  });

  it('gives a retried send the same code, and each position, attempt and recipient another', () => {
    const code = linkCode('salt', PHONE, 0);
    expect(linkCode('salt', PHONE, 0)).toBe(code);
    expect(linkCode('salt', PHONE, 1)).not.toBe(code);
    expect(linkCode('salt', PHONE, 0, 1)).not.toBe(code);
    expect(linkCode('salt', '+12065550101', 0)).not.toBe(code);
    expect(linkCode('other salt', PHONE, 0)).not.toBe(code);
  });

  it('uses every base62 character about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++)
      for (const char of linkCode('salt', PHONE, i)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 14,000 characters: about 226 each; a byte-modulo mapping would give the first 8 about 258.
    for (const count of counts.values()) expect(count).toBeGreaterThan(150);
    expect(Math.max(...counts.values())).toBeLessThan(300);
  });
});

describe('shortLinkPrefix', () => {
  it('is the root of a links domain, and /r of the API', () => {
    expect(shortLinkPrefix('https://go.acme.example', { domain: 'go.acme.example' })).toBe(
      'https://go.acme.example',
    );
    expect(shortLinkPrefix('https://abc.execute-api.us-east-1.amazonaws.com/prod/', {})).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/prod/r',
    );
  });
});

describe('shortenLinks', () => {
  it('replaces each URL with the short link of its position', () => {
    const text = shortenLinks(
      'Beans: https://acme.example/a and https://acme.example/b!',
      'https://go.x',
      (i) => `code${i}xx`,
    );
    expect(text.body).toBe('Beans: https://go.x/code0xx and https://go.x/code1xx!');
    expect(text.links).toEqual([
      { code: 'code0xx', url: 'https://acme.example/a' },
      { code: 'code1xx', url: 'https://acme.example/b' },
    ]);
  });
});

describe('withLinkCode', () => {
  it('gives only the link at the index its new code', () => {
    const text = shortenLinks(
      'https://a.example/1 https://a.example/2 https://a.example/3',
      'https://go.x',
      (i) => ['AAAAAAA', 'BBBBBBB', 'AAAAAAA'][i]!,
    );
    const moved = withLinkCode(text, 'https://go.x', 2, 'CCCCCCC');
    expect(moved.body).toBe('https://go.x/AAAAAAA https://go.x/BBBBBBB https://go.x/CCCCCCC');
    expect(moved.links.map((l) => l.code)).toEqual(['AAAAAAA', 'BBBBBBB', 'CCCCCCC']);
    expect(moved.links[2]?.url).toBe('https://a.example/3');
  });

  it('keeps the body as long as it was (codes are all one length)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5 }), (index, attempt) => {
        const body =
          'A https://a.example/1 B https://a.example/2 C https://a.example/3 D https://a.example/4';
        const text = shortenLinks(body, 'https://go.x', (i) => linkCode('s', PHONE, i));
        const moved = withLinkCode(text, 'https://go.x', index, linkCode('s', PHONE, index, attempt));
        expect(moved.body).toHaveLength(text.body.length);
        expect(moved.body).toContain(`https://go.x/${linkCode('s', PHONE, index, attempt)}`);
      }),
    );
  });
});

describe('withSampleLinks', () => {
  it('counts a link at the length it is sent with', () => {
    const body = 'Spring beans: https://acme.example/spring-collection?utm=sms';
    expect(withSampleLinks(body, 'https://go.acme.co', 7)).toBe('Spring beans: https://go.acme.co/xxxxxxx');
    expect(sampleShortLink('https://abcdefghij.execute-api.us-east-1.amazonaws.com/prod/r', 7)).toHaveLength(
      69,
    );
  });
});
