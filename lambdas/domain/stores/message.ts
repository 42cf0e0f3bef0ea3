/**
 * Message records (outbound claims and inbound texts) and their store.
 * Implemented by lambdas/adapters/message-store.ts.
 */
import type { HistoryPosition } from '../message-history';
import type { MessageClass } from '../messages';

export const MESSAGE_STATUSES = [
  'sending',
  'sent',
  'skipped',
  'failed',
  'delivered',
  'received',
  'processed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface MessageRecord {
  readonly messageId: string;
  readonly phone: string;
  readonly at: string;
  readonly direction: 'outbound' | 'inbound';
  readonly status: MessageStatus;
  readonly body: string;
  readonly messageClass?: MessageClass;
  readonly reason?: string;
  readonly awsMessageId?: string;
  readonly campaignId?: string;
  /** The A/B variant of the campaign this text was (campaign-variants.ts). */
  readonly variant?: string;
  readonly flowId?: string;
  readonly inReplyTo?: string;
  /** Who wrote a conversational reply (the agent named in the request). */
  readonly agent?: string;
  readonly originationNumber?: string;
  readonly segments?: number;
  readonly encoding?: string;
  /** Times a claim left unconfirmed by a dead sender was taken over and sent (see `reclaim`). */
  readonly resends?: number;
  /** Epoch seconds; DynamoDB TTL removes the record after the retention period. */
  readonly expiresAt: number;
}

export interface MessageStore {
  /** Writes the record only if its id is unused; false means it was written before. */
  putIfAbsent(record: MessageRecord): Promise<boolean>;
  get(messageId: string): Promise<MessageRecord | undefined>;
  update(
    messageId: string,
    changes: Partial<Pick<MessageRecord, 'status' | 'awsMessageId' | 'reason' | 'segments' | 'encoding'>>,
  ): Promise<void>;
  /** Records End User Messaging's id; the status becomes `sent` unless a delivery event already moved it on. */
  markSent(messageId: string, awsMessageId: string): Promise<void>;
  /** Moves the status if it is one of `from` (delivery events arrive at least once); false otherwise. */
  transition(
    messageId: string,
    from: readonly MessageStatus[],
    to: MessageStatus,
    reason?: string,
  ): Promise<MessageRecord | undefined>;
  /** Removes a claim that never reached End User Messaging, so a retry can send. */
  releaseClaim(messageId: string): Promise<void>;
  /**
   * Takes over a claim still `sending` from `claimedAt` with no End User Messaging id (its sender
   * died before calling): the claim is now `at`'s, with the body about to be sent. False when anything
   * moved it on since it was read (a delivery event, another retry's takeover).
   */
  reclaim(messageId: string, claimedAt: string, at: string, body: string): Promise<boolean>;
  listByPhone(phone: string, limit?: number): Promise<MessageRecord[]>;
  /**
   * A page of a number's messages, newest first, after `after` (the end of the page before); `next`
   * is where this page ends when more follow.
   */
  pageByPhone(
    phone: string,
    page: { readonly limit: number; readonly after?: HistoryPosition },
  ): Promise<{ messages: MessageRecord[]; next?: HistoryPosition }>;
}
