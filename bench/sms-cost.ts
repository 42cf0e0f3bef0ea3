/**
 * What sample campaign texts cost in SMS segments: each body with its link as the API's execute-api
 * short link (10-character code, as before `links.codeLength`), with a 7-character code, on a links
 * domain, and on a links domain with smart encoding. Computed, not measured: the segment counts come
 * from lambdas/domain/message-format.ts, the price from lambdas/domain/sms-prices.ts.
 */
import { sampleApiOrigin, shortLinkPrefix, withSampleLinks } from '../lambdas/domain/links';
import { encodeForSending } from '../lambdas/domain/message-format';

/** The three sample bodies, as each recipient gets them (the name rendered for "Alexandra"). */
export const SAMPLE_BODIES: readonly { readonly name: string; readonly body: string }[] = [
  {
    name: 'plain',
    body: 'Acme Coffee: Spring beans are in! Our single-origin Ethiopia roast is back, 20% off this weekend only. Reply STOP to opt out',
  },
  {
    name: 'link',
    body: 'Acme Coffee: Spring beans are here! New single-origin Ethiopia and Colombia roasts, 20% off this weekend only: https://acme.com/spring Reply STOP to end',
  },
  {
    name: 'name, link, curly quote',
    body: 'Acme Coffee: Hi Alexandra, it’s spring: new single-origin roasts, 20% off this weekend: https://acme.com/spring Reply STOP to end',
  },
];

export interface SmsCostVariant {
  readonly variant: string;
  readonly segments: number;
  readonly per1000Usd: number;
}

export interface SmsCostRow {
  readonly name: string;
  readonly characters: number;
  readonly variants: readonly SmsCostVariant[];
}

const API_PREFIX = shortLinkPrefix(sampleApiOrigin('us-east-1', 'prod'), {});
const DOMAIN = 'go.acme.com';
const DOMAIN_PREFIX = shortLinkPrefix(`https://${DOMAIN}`, { domain: DOMAIN });

const VARIANTS: readonly { variant: string; prefix: string; codeLength: number; smart: boolean }[] = [
  { variant: 'execute-api, 10-char code', prefix: API_PREFIX, codeLength: 10, smart: false },
  { variant: 'execute-api, 7-char code', prefix: API_PREFIX, codeLength: 7, smart: false },
  { variant: `${DOMAIN}, 7-char code`, prefix: DOMAIN_PREFIX, codeLength: 7, smart: false },
  { variant: '+ smart encoding', prefix: DOMAIN_PREFIX, codeLength: 7, smart: true },
];

export function smsCostRows(segmentUsd: number): SmsCostRow[] {
  return SAMPLE_BODIES.map(({ name, body }) => ({
    name,
    characters: [...body].length,
    variants: VARIANTS.map(({ variant, prefix, codeLength, smart }) => {
      const { segments } = encodeForSending(withSampleLinks(body, prefix, codeLength), smart);
      return { variant, segments, per1000Usd: segments * segmentUsd * 1000 };
    }),
  }));
}
