/** The campaign send queue's messages: `{ campaignId, recipients }`, this many recipients at most. */

/** Recipients per queue message: small enough to retry cheaply, large enough to batch reads. */
export const RECIPIENTS_PER_MESSAGE = 50;

export interface RecipientsMessage {
  readonly campaignId: string;
  readonly recipients: string[];
}

/** `phones` as queue messages of at most RECIPIENTS_PER_MESSAGE recipients each, in order. */
export function recipientMessages(campaignId: string, phones: readonly string[]): RecipientsMessage[] {
  const messages: RecipientsMessage[] = [];
  for (let i = 0; i < phones.length; i += RECIPIENTS_PER_MESSAGE) {
    messages.push({ campaignId, recipients: phones.slice(i, i + RECIPIENTS_PER_MESSAGE) });
  }
  return messages;
}
