/**
 * The campaign send queue's messages: `{ campaignId, recipients, zones? }`, this many recipients at
 * most. `zones[i]` is the time zone the dispatcher found for `recipients[i]`: with it the sender can
 * hold a text whose recipient's quiet hours are on without reading the profile (a campaign longer
 * than a day's window keeps its held texts going round the queue all night).
 */

/** Recipients per queue message: small enough to retry cheaply, large enough to batch reads. */
export const RECIPIENTS_PER_MESSAGE = 50;

export interface RecipientsMessage {
  readonly campaignId: string;
  readonly recipients: string[];
  readonly zones?: string[];
}

/** A recipient and, when known, their time zone. */
export interface Recipient {
  readonly phone: string;
  readonly zone?: string;
}

/**
 * `recipients` as queue messages of at most RECIPIENTS_PER_MESSAGE each, in order; a message carries
 * zones only when every one of its recipients has one.
 */
export function recipientMessages(
  campaignId: string,
  recipients: readonly (string | Recipient)[],
): RecipientsMessage[] {
  const all = recipients.map((r) => (typeof r === 'string' ? { phone: r } : r));
  const messages: RecipientsMessage[] = [];
  for (let i = 0; i < all.length; i += RECIPIENTS_PER_MESSAGE) {
    const chunk = all.slice(i, i + RECIPIENTS_PER_MESSAGE);
    const zones = chunk.map((r) => r.zone);
    messages.push({
      campaignId,
      recipients: chunk.map((r) => r.phone),
      ...(zones.every((z): z is string => z !== undefined) ? { zones } : {}),
    });
  }
  return messages;
}

/** The recipients of a message as sent: `zones` kept only when it matches `recipients` one for one. */
export function recipientsOf(message: {
  readonly recipients: readonly string[];
  readonly zones?: readonly string[];
}): Recipient[] {
  const zones = message.zones?.length === message.recipients.length ? message.zones : undefined;
  return message.recipients.map((phone, i) => (zones?.[i] ? { phone, zone: zones[i] } : { phone }));
}
