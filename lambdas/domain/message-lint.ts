/**
 * Warnings about an outbound text before it is sent, and what it will cost. Nothing here blocks a
 * send: these are the things that make carriers filter a message, make it cost more than it looks,
 * or leave out what the CTIA handbook expects. Each warning has a stable `code` (LINT_CODES); what
 * each one checks, and why, is specified in docs/cli.md#preview.
 */
import { analyseMessage, isGsm7, toGsm7, type MessageAnalysis } from './message-format';
import { withBrandPrefix } from './messages';
import { DEFAULT_PRICES, type PriceTable } from './sms-prices';

export interface LintWarning {
  readonly code: string;
  readonly message: string;
}

export interface LintOptions {
  readonly brand: string;
  /** Opt-out language ("Reply STOP to opt out"/"Txt STOP") required here (first message to a number, or config says so). */
  readonly requireOptOutLanguage?: boolean;
  readonly mediaUrls?: readonly string[];
  /** Destination country of the texts, for what a segment costs (default US). */
  readonly country?: string;
  readonly prices?: PriceTable;
  /**
   * The same text with its short links on a links domain (`links.domain`), when the text has short
   * links on the API's address: `long_links` says what the domain would save.
   */
  readonly onLinksDomain?: string;
}

export const LINT_CODES = [
  'starts_with_link',
  'link_shortener',
  'missing_brand_prefix',
  'missing_opt_out_language',
  'forces_ucs2',
  'too_many_segments',
  'mms_not_needed',
  'long_links',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

/** Above this many segments a text gets `too_many_segments`. */
export const MAX_RECOMMENDED_SEGMENTS = 4;

/** End User Messaging's SendTextMessage refuses a MessageBody longer than this. */
const MAX_BODY_CHARACTERS = 1600;

/** Public, shared link shorteners that US carriers' filters treat as suspicious. */
export const LINK_SHORTENERS: readonly string[] = [
  'bit.ly',
  'bitly.com',
  'bit.do',
  'tinyurl.com',
  'goo.gl',
  't.co',
  'ow.ly',
  'is.gd',
  'v.gd',
  'buff.ly',
  'rebrand.ly',
  'cutt.ly',
  'shorturl.at',
  'tiny.cc',
  'rb.gy',
  't.ly',
  's.id',
  'lnkd.in',
  'adf.ly',
  'shorte.st',
  'soo.gd',
  'clck.ru',
  'tr.im',
];

/** A URL with a scheme or www., or a bare domain followed by a path (acme.co/deal). */
const URL_PATTERN =
  /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\/[^\s<>"]*/gi;

/** "Reply STOP", "Txt STOP", "text 'stop'", "reply with STOP". */
const VERB_THEN_STOP = /\b(?:reply|text|txt|send|respond)(?:\s+with)?\s+["'“‘]?stop\b/i;
/** "STOP to cancel", "stop to opt out", "STOP 2 end". */
const STOP_TO_OPT_OUT = /\bstop\b["'”’]?\s+(?:to|2)\s+(?:opt[\s-]?out|cancel|unsubscribe|end|quit|stop)\b/i;

const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function lintMessage(body: string, options: LintOptions): LintWarning[] {
  const warnings: LintWarning[] = [];
  const analysis = analyseMessage(body);
  const urls = body.match(URL_PATTERN) ?? [];

  if (startsWithLink(body, options.brand)) {
    warnings.push({
      code: 'starts_with_link',
      message:
        'The text starts with a link. Carrier spam filters treat link-first texts as likely phishing; ' +
        'say who you are and why you are texting before the link.',
    });
  }

  const shortened = [...new Set(urls.map(hostOf).filter(isLinkShortener))];
  if (shortened.length > 0) {
    warnings.push({
      code: 'link_shortener',
      message:
        `Public link shortener ${shortened.join(', ')}: carriers filter shared shortener domains because ` +
        'spammers use them. Use the full link or a short domain of your own.',
    });
  }

  const segmentPrice = pricePerSegment(options);
  const brand = options.brand.trim();
  if (brand !== '') {
    const prefixed = withBrandPrefix(body, brand);
    if (prefixed !== body.trim()) {
      const after = analyseMessage(prefixed).segments;
      const effect =
        after === analysis.segments
          ? `; it stays ${plural(after, 'segment')}.`
          : `, which makes it ${plural(after, 'segment')} instead of ${analysis.segments}` +
            `${extraCost(after - analysis.segments, segmentPrice)}.`;
      warnings.push({
        code: 'missing_brand_prefix',
        message:
          `The text does not start with the brand "${brand}:". Subscribers must be able to tell who is ` +
          `texting; send() prepends "${brand}: "${effect}`,
      });
    }
  }

  if (options.requireOptOutLanguage && !VERB_THEN_STOP.test(body) && !STOP_TO_OPT_OUT.test(body)) {
    warnings.push({
      code: 'missing_opt_out_language',
      message:
        'The text needs opt-out instructions here (for example "Reply STOP to opt out"): carriers and ' +
        'the CTIA handbook expect them in the first message to a number and periodically after.',
    });
  }

  if (analysis.encoding === 'UCS-2') {
    warnings.push({ code: 'forces_ucs2', message: ucs2Message(body, analysis, segmentPrice) });
  }

  if (analysis.segments > MAX_RECOMMENDED_SEGMENTS) {
    const tooLong =
      analysis.characters > MAX_BODY_CHARACTERS
        ? ` End User Messaging refuses texts over ${MAX_BODY_CHARACTERS.toLocaleString('en-US')} characters.`
        : '';
    warnings.push({
      code: 'too_many_segments',
      message:
        `The text is ${analysis.segments} segments, each billed as one SMS; keep it to ` +
        `${MAX_RECOMMENDED_SEGMENTS} or fewer. Long concatenated texts are more often delivered out of ` +
        `order or in pieces.${tooLong}`,
    });
  }

  if (options.onLinksDomain !== undefined) {
    const onDomain = analyseMessage(withBrandPrefix(options.onLinksDomain, options.brand)).segments;
    const asSent = analyseMessage(withBrandPrefix(body, options.brand)).segments;
    if (onDomain < asSent) {
      const saved = asSent - onDomain;
      const perThousand = segmentPrice
        ? `: ${usdPerThousand(saved, segmentPrice)} per 1,000 texts to ${segmentPrice.country}`
        : '';
      warnings.push({
        code: 'long_links',
        message:
          `The short links on the API's address make the text ${plural(asSent, 'segment')}. A domain in ` +
          `\`links.domain\` would save ${plural(saved, 'segment')} per text${perThousand}.`,
      });
    }
  }

  if (options.mediaUrls !== undefined && !options.mediaUrls.some((url) => url.trim() !== '')) {
    warnings.push({
      code: 'mms_not_needed',
      message: 'MMS requested with no media: send it as SMS, which costs a fraction of an MMS.',
    });
  }

  return warnings;
}

export interface CostEstimate {
  readonly country: string;
  readonly currency: 'USD';
  readonly perMessageUsd: number;
  /** Billed units: the SMS segments, or 1 for an MMS (billed per message whatever the text length). */
  readonly segments: number;
  readonly channel: 'SMS' | 'MMS';
}

/** Cost of one message to one number; undefined when the table has no price for the country (or no MMS there). */
export function estimateCost(
  analysis: MessageAnalysis,
  country: string,
  options: { mms?: boolean; prices?: PriceTable } = {},
): CostEstimate | undefined {
  const code = country.trim().toUpperCase();
  const prices = options.prices ?? DEFAULT_PRICES;
  const price = Object.hasOwn(prices, code) ? prices[code] : undefined;
  if (!price) return undefined;
  if (options.mms) {
    if (price.mmsUsd === undefined) return undefined;
    return {
      country: code,
      currency: 'USD',
      perMessageUsd: roundUsd(price.mmsUsd + (price.mmsCarrierFeeUsd ?? 0)),
      segments: 1,
      channel: 'MMS',
    };
  }
  const perSegment = price.smsUsd + (price.smsCarrierFeeUsd ?? 0);
  return {
    country: code,
    currency: 'USD',
    perMessageUsd: roundUsd(perSegment * analysis.segments),
    segments: analysis.segments,
    channel: 'SMS',
  };
}

function startsWithLink(body: string, brand: string): boolean {
  let text = body.trim();
  const lowerBrand = brand.trim().toLowerCase();
  const lower = text.toLowerCase();
  if (lowerBrand !== '' && (lower.startsWith(`${lowerBrand}:`) || lower.startsWith(`${lowerBrand} `))) {
    text = text.slice(lowerBrand.length + 1).trimStart();
  }
  return text.search(URL_PATTERN) === 0;
}

function hostOf(url: string): string {
  const withoutScheme = url.replace(/^https?:\/\//i, '');
  const host = withoutScheme.split(/[/?#:]/, 1)[0] ?? '';
  return host.toLowerCase().replace(/\.+$/, '');
}

function isLinkShortener(host: string): boolean {
  return LINK_SHORTENERS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function ucs2Message(
  body: string,
  analysis: MessageAnalysis,
  segmentPrice: SegmentPrice | undefined,
): string {
  const offending: string[] = [];
  let without = '';
  for (const { segment } of graphemeSegmenter.segment(body)) {
    if (isGsm7(segment)) without += segment;
    else if (!offending.includes(segment)) offending.push(segment);
  }
  const shown = offending.slice(0, 5).map(describe).join(', ');
  const more = offending.length > 5 ? ` and ${offending.length - 5} more` : '';
  const verb = offending.length === 1 ? 'forces' : 'force';
  // What the characters cost: the text against the same text without them (GSM-7).
  const gsm7Segments = analyseMessage(without).segments;
  const them = offending.length === 1 ? 'it' : 'them';
  const cost =
    analysis.segments > gsm7Segments
      ? `: ${plural(analysis.segments, 'segment')} instead of ${gsm7Segments} without ${them}` +
        `${extraCost(analysis.segments - gsm7Segments, segmentPrice)}.`
      : `; the text is ${plural(analysis.segments, 'segment')} either way, so here ${offending.length === 1 ? 'it costs' : 'they cost'} nothing more.`;
  const head = `${shown}${more} ${verb} UCS-2 encoding (70 characters per segment instead of 160)${cost}`;

  const replaced = toGsm7(body);
  if (isGsm7(replaced)) {
    const after = analyseMessage(replaced).segments;
    const saved = analysis.segments - after;
    return (
      `${head} Replacing ${offending.length === 1 ? 'it' : 'them'} with GSM-7 look-alikes (toGsm7) saves ` +
      `${plural(saved, 'segment')} (${analysis.segments} → ${after}).`
    );
  }
  const stuck = offending.filter((g) => !isGsm7(toGsm7(g)));
  if (stuck.length === offending.length) {
    return `${head} ${offending.length === 1 ? 'It has no' : 'None of them has a'} GSM-7 look-alike.`;
  }
  const names = stuck.slice(0, 5).map(describe).join(', ');
  return `${head} toGsm7 would replace the rest, but ${names} ${stuck.length === 1 ? 'has' : 'have'} no GSM-7 look-alike, so the text stays UCS-2.`;
}

/** A character for a message: itself and its code points, or only the code points when invisible. */
function describe(grapheme: string): string {
  const codePoints = [...grapheme]
    .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
    .join(' ');
  return /^[\p{Z}\p{C}]+$/u.test(grapheme) ? codePoints : `${grapheme} (${codePoints})`;
}

interface SegmentPrice {
  readonly country: string;
  readonly usd: number;
}

/** What End User Messaging charges per SMS segment to the country (carrier fee included), if known. */
function pricePerSegment(options: LintOptions): SegmentPrice | undefined {
  const country = (options.country ?? 'US').trim().toUpperCase();
  const prices = options.prices ?? DEFAULT_PRICES;
  const price = Object.hasOwn(prices, country) ? prices[country] : undefined;
  return price ? { country, usd: price.smsUsd + (price.smsCarrierFeeUsd ?? 0) } : undefined;
}

/** ", $8.83 more per 1,000 texts to US" for `segments` more segments a text; empty without a price. */
function extraCost(segments: number, price: SegmentPrice | undefined): string {
  if (!price || segments <= 0) return '';
  return `, ${usdPerThousand(segments, price)} more per 1,000 texts to ${price.country}`;
}

/** "$8.83": what `segments` segments a text cost per 1,000 texts. */
function usdPerThousand(segments: number, price: SegmentPrice): string {
  const usd = segments * price.usd * 1000;
  return usd.toLocaleString('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: usd < 1 ? 4 : 2,
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Prices are quoted to the 1/100,000 dollar; round away binary floating-point noise. */
function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
