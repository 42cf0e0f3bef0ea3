/**
 * A campaign body counted as it will be sent: its links at the length of the deployment's short links
 * (the links domain, or the API's execute-api address), and `long_links` naming what a links domain
 * would save.
 */
import { describe, expect, it } from 'vitest';
import { campaignWarnings, previewBody, segmentsPerMessage } from '../../lambdas/domain/campaigns';

const BRAND = 'Acme Coffee';
// 152 characters as written, 1 segment.
const BODY =
  'Acme Coffee: Spring beans are here! New single-origin Ethiopia and Colombia roasts, 20% off ' +
  'this weekend only: https://acme.com/spring Reply STOP to end';
const API = 'https://abcdefghij.execute-api.us-east-1.amazonaws.com/prod';
const NO_DOMAIN = { codeLength: 7 };
const DOMAIN = { domain: 'go.acme.com', codeLength: 7 };

describe('a campaign body as sent', () => {
  it('is 2 segments with its link on the API address, and 1 on a links domain', () => {
    expect(BODY).toHaveLength(152);
    const onApi = previewBody(BODY, BRAND, API, NO_DOMAIN);
    expect(onApi).toContain(`${API}/r/xxxxxxx`);
    expect(segmentsPerMessage(onApi, false)).toBe(2);
    const onDomain = previewBody(BODY, BRAND, 'https://go.acme.com', DOMAIN);
    expect(onDomain).toContain('https://go.acme.com/xxxxxxx ');
    expect(segmentsPerMessage(onDomain, false)).toBe(1);
  });

  it('names the saving of a links domain, only where there is one to make', () => {
    const [warning, ...others] = campaignWarnings(BODY, BRAND, API, NO_DOMAIN);
    expect(others).toEqual([]);
    expect(warning?.code).toBe('long_links');
    expect(warning?.message).toContain('would save 1 segment per text: $8.83 per 1,000 texts to US');
    expect(campaignWarnings(BODY, BRAND, 'https://go.acme.com', DOMAIN)).toEqual([]);
    // A short text stays 1 segment either way: nothing to say.
    expect(campaignWarnings('Acme Coffee: beans at https://acme.com/spring', BRAND, API, NO_DOMAIN)).toEqual(
      [],
    );
  });

  it('counts the segments smart encoding sends', () => {
    const curly = `Acme Coffee: It’s our “Spring” sale, ${'beans '.repeat(15)}`;
    expect(segmentsPerMessage(curly, false)).toBe(2);
    expect(segmentsPerMessage(curly, false, true)).toBe(1);
    expect(segmentsPerMessage(curly, true, true)).toBe(1);
  });
});
