/**
 * Conversations (attributes of the profile item) and their store.
 * Implemented by lambdas/adapters/conversation-store.ts.
 */
import type { ClosedBy, ConversationMessage, ConversationUpdate } from '../conversations';
import type { Profile } from '../profile';

export const OPEN_CONVERSATIONS_INDEX = 'openConversations';

/** Where a page of open conversations ends. */
export interface ConversationPosition {
  readonly phone: string;
  readonly lastMessageAt: string;
}

export interface ConversationStore {
  /**
   * Records a message on the number's conversation, opening one when none is open; undefined when
   * the number has no profile.
   */
  recordMessage(
    phone: string,
    message: ConversationMessage,
    now: Date,
    autoCloseHours: number,
  ): Promise<{ readonly update: ConversationUpdate; readonly profile: Profile } | undefined>;
  /**
   * Closes the conversation opened at `openedAt` if it is still the open one; false when it was
   * closed already (or another one is open now).
   */
  close(phone: string, openedAt: string, at: string, by: ClosedBy): Promise<boolean>;
  /** Open conversations whose last message is after `after` (newest first), a page at a time. */
  listOpen(
    after: string,
    page: { readonly limit: number; readonly start?: ConversationPosition },
  ): Promise<{ readonly profiles: Profile[]; readonly next?: ConversationPosition }>;
  /** Conversations still written open whose last message is at or before `cutoff` (oldest first). */
  listDue(cutoff: string, limit: number): Promise<Profile[]>;
}
