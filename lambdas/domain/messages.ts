/**
 * Outbound message classes and what each needs before it may be sent. Every message, whatever its
 * origin (keyword reply, flow step, campaign, API), is classified before `send()` decides.
 */

export type MessageClass =
  /** Promotional: needs express written consent (marketing = subscribed), respects quiet hours. */
  | 'marketing'
  /** Order updates, codes: needs express consent (transactional = subscribed). */
  | 'transactional'
  /** A reply to an inbound message; needs only the message it answers. */
  | 'conversational'
  /** STOP confirmation, HELP answer, opt-in request: required by carriers, sent whatever the state. */
  | 'compliance';

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

/** Every message starts with the brand so the subscriber knows who is texting. */
export function withBrandPrefix(body: string, brand: string): string {
  const trimmed = body.trim();
  const lowerBrand = brand.toLowerCase();
  const lowerBody = trimmed.toLowerCase();
  if (lowerBody.startsWith(`${lowerBrand}:`) || lowerBody.startsWith(`${lowerBrand} `)) return trimmed;
  return `${brand}: ${trimmed}`;
}
