/**
 * Outbound message classes and what each needs before it may be sent. Every message, whatever its
 * origin (keyword reply, flow step, campaign, API), is classified before `send()` decides.
 */

export const MESSAGE_CLASSES = [
  /** Promotional: needs express written consent (marketing = subscribed), respects quiet hours. */
  'marketing',
  /** Order updates, codes: needs express consent (transactional = subscribed). */
  'transactional',
  /** A reply to an inbound message; needs only the message it answers. */
  'conversational',
  /** STOP confirmation, HELP answer, opt-in request: required by carriers, sent whatever the state. */
  'compliance',
] as const;
export type MessageClass = (typeof MESSAGE_CLASSES)[number];

/** End User Messaging's message type for each class (promotional traffic is filtered differently). */
export function messageTypeFor(messageClass: MessageClass): 'PROMOTIONAL' | 'TRANSACTIONAL' {
  return messageClass === 'marketing' ? 'PROMOTIONAL' : 'TRANSACTIONAL';
}

/** The class a campaign of a message type sends as: marketing (quiet hours, smart sending) unless transactional. */
export function campaignMessageClass(campaign: {
  readonly messageType: 'PROMOTIONAL' | 'TRANSACTIONAL';
}): 'marketing' | 'transactional' {
  return campaign.messageType === 'TRANSACTIONAL' ? 'transactional' : 'marketing';
}

const STOP_LANGUAGE =
  /\b(reply|text|txt|send)\s+STOP\b|\bSTOP\s+(to|2)\s+(opt[\s-]?out|cancel|unsubscribe|end|stop)/i;

/**
 * The body as sent: the brand prefix on every message, and on marketing the opt-out language when it
 * is the first marketing text to the number (or the config says always).
 */
export function outboundBody(
  body: string,
  messageClass: MessageClass,
  profile: { readonly lastMarketingAt?: string } | undefined,
  config: { readonly brand: string; readonly optOutLanguage: 'first_message' | 'always' },
): string {
  let text = withBrandPrefix(body, config.brand);
  const needsOptOut =
    messageClass === 'marketing' && (config.optOutLanguage === 'always' || !profile?.lastMarketingAt);
  if (needsOptOut && !STOP_LANGUAGE.test(text)) text = withOptOutLanguage(text);
  return text;
}

/** Every message starts with the brand so the subscriber knows who is texting. */
export function withBrandPrefix(body: string, brand: string): string {
  const trimmed = body.trim();
  const lowerBrand = brand.toLowerCase();
  const lowerBody = trimmed.toLowerCase();
  if (lowerBody.startsWith(`${lowerBrand}:`) || lowerBody.startsWith(`${lowerBrand} `)) return trimmed;
  return `${brand}: ${trimmed}`;
}

/** The opt-out language `send()` adds to a marketing text that has none. */
export const OPT_OUT_LANGUAGE = 'Reply STOP to opt out.';

/**
 * The body with the opt-out language as a sentence of its own: after a space when the body ends a
 * sentence, else on a line of its own. A full stop added after a code or a link would be copied with
 * it ("WELCOME10.") or taken into the link, and without one the two ran together ("code: WELCOME10
 * Reply STOP to opt out.").
 */
export function withOptOutLanguage(body: string): string {
  const trimmed = body.trimEnd();
  const endsSentence = /[.!?]["')\]]*$/.test(trimmed);
  return `${trimmed}${endsSentence ? ' ' : '\n'}${OPT_OUT_LANGUAGE}`;
}

/**
 * How long a claimed text may go without word from End User Messaging before a retry sends it: 15
 * minutes. A claim still `sending` after that, with no message id from End User Messaging and no
 * delivery event (either moves it on), belonged to a sender that died between claiming and calling
 * (see `send()`). End User Messaging usually reports a text it took within seconds (its carrier's
 * answer, TEXT_SUCCESSFUL or a failure), so the window is wide; it is also below the campaign
 * queue's visibility timeout (960 s), so the batch a killed sender leaves comes back after it and
 * resends at once.
 */
export const CLAIM_CONFIRMATION_SECONDS = 900;

/** What a retry does with a claim it finds: leave it, wait for the window to pass, or send. */
export type ClaimVerdict =
  | { readonly action: 'leave' }
  | { readonly action: 'wait'; readonly until: Date }
  | { readonly action: 'resend'; readonly claimedAt: string };

export function claimVerdict(
  claim: { readonly status: string; readonly at: string; readonly awsMessageId?: string } | undefined,
  now: Date,
): ClaimVerdict {
  // Sent, delivered, failed, skipped, or released by a refused attempt: the claim's owner decided.
  if (!claim || claim.status !== 'sending' || claim.awsMessageId) return { action: 'leave' };
  const claimedAt = Date.parse(claim.at);
  if (Number.isNaN(claimedAt)) return { action: 'leave' };
  const until = new Date(claimedAt + CLAIM_CONFIRMATION_SECONDS * 1000);
  return until.getTime() > now.getTime()
    ? { action: 'wait', until }
    : { action: 'resend', claimedAt: claim.at };
}
