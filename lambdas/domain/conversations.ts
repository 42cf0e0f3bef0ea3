/**
 * Conversations: one per number, opened by a free text (not a keyword), holding both directions,
 * closed by an agent, by the API, by an opt-out, or after `autoCloseHours` without a message. Pure:
 * the state is a few attributes of the profile (profile.ts) and every rule here takes the time it
 * reasons about. See docs/conversations.md.
 *
 * A conversation whose last message is older than `autoCloseHours` is closed whoever reads it,
 * before the sweep (services/conversation-sweep.ts) writes it so: reads never depend on the sweep's
 * timing, the sweep only makes the close an event.
 */
import type { Profile } from './profile';

export type ConversationSettings = {
  readonly autoCloseHours: number;
  readonly replyWindowHours: number;
  readonly pauseAutomations: boolean;
};

/** Who closed a conversation. */
export type ClosedBy = 'agent' | 'api' | 'opt_out' | 'inactivity';

export interface ConversationView {
  readonly phone: string;
  readonly state: 'open' | 'closed';
  readonly openedAt: string;
  readonly lastMessageAt: string;
  readonly lastInboundAt: string | null;
  readonly closedAt: string | null;
  readonly closedBy: ClosedBy | null;
  /** When it closes by itself if nobody writes (open conversations only). */
  readonly closesAt: string | null;
}

const HOUR_MS = 3600 * 1000;

/** Messages at or before this time are too old to keep a conversation open at `now`. */
export function autoCloseCutoff(now: Date, autoCloseHours: number): string {
  return new Date(now.getTime() - autoCloseHours * HOUR_MS).toISOString();
}

/** When an open conversation with this last message closes by itself. */
export function autoCloseAt(lastMessageAt: string, autoCloseHours: number): string {
  return new Date(Date.parse(lastMessageAt) + autoCloseHours * HOUR_MS).toISOString();
}

/** True while the number's conversation is open at `now` (written open and not past its auto-close). */
export function isConversationOpen(
  profile: Pick<Profile, 'conversationOpen' | 'conversationLastMessageAt'> | undefined,
  now: Date,
  autoCloseHours: number,
): boolean {
  if (profile?.conversationOpen !== 'open' || !profile.conversationLastMessageAt) return false;
  return profile.conversationLastMessageAt > autoCloseCutoff(now, autoCloseHours);
}

/** The number's conversation as a reader sees it at `now`; undefined when it never had one. */
export function conversationView(
  profile: Profile,
  now: Date,
  autoCloseHours: number,
): ConversationView | undefined {
  const { conversationOpenedAt: openedAt, conversationLastMessageAt: lastMessageAt } = profile;
  if (!openedAt || !lastMessageAt) return undefined;
  const base = {
    phone: profile.phone,
    openedAt,
    lastMessageAt,
    lastInboundAt: profile.conversationLastInboundAt ?? null,
  };
  if (isConversationOpen(profile, now, autoCloseHours))
    return {
      ...base,
      state: 'open',
      closedAt: null,
      closedBy: null,
      closesAt: autoCloseAt(lastMessageAt, autoCloseHours),
    };
  if (profile.conversationOpen === 'open')
    return {
      ...base,
      state: 'closed',
      closedAt: autoCloseAt(lastMessageAt, autoCloseHours),
      closedBy: 'inactivity',
      closesAt: null,
    };
  return {
    ...base,
    state: 'closed',
    closedAt: profile.conversationClosedAt ?? null,
    closedBy: (profile.conversationClosedBy as ClosedBy | undefined) ?? null,
    closesAt: null,
  };
}

/** A message of the conversation, in either direction. */
export interface ConversationMessage {
  readonly at: string;
  readonly direction: 'inbound' | 'outbound';
  /** The inbound message's id (a reply answers the last one). */
  readonly inboundMessageId?: string;
}

/**
 * What recording a message changes: the conversation it belongs to (the open one, or a new one
 * opened by this message) and its last times. A message older than the last one (a late delivery)
 * is part of the conversation but moves no time back.
 */
export interface ConversationUpdate {
  readonly openedAt: string;
  /** True when this message opens (or reopens) the conversation. */
  readonly opens: boolean;
  readonly lastMessageAt: string;
  readonly lastInbound?: { readonly at: string; readonly messageId: string };
}

export function planConversationMessage(
  profile: Profile,
  message: ConversationMessage,
  now: Date,
  autoCloseHours: number,
): ConversationUpdate {
  const open = isConversationOpen(profile, now, autoCloseHours);
  const last = open ? profile.conversationLastMessageAt : undefined;
  const lastMessageAt = last && last > message.at ? last : message.at;
  const inboundId = message.direction === 'inbound' ? message.inboundMessageId : undefined;
  const newerInbound =
    inboundId !== undefined &&
    (!profile.conversationLastInboundAt || message.at >= profile.conversationLastInboundAt);
  return {
    openedAt: open && profile.conversationOpenedAt ? profile.conversationOpenedAt : message.at,
    opens: !open,
    lastMessageAt,
    ...(newerInbound ? { lastInbound: { at: message.at, messageId: inboundId } } : {}),
  };
}

/** True when the person's last text is recent enough that a reply is not held by quiet hours. */
export function withinReplyWindow(
  profile: Pick<Profile, 'conversationLastInboundAt'> | undefined,
  now: Date,
  replyWindowHours: number,
): boolean {
  const last = profile?.conversationLastInboundAt;
  if (!last || replyWindowHours <= 0) return false;
  return now.getTime() - Date.parse(last) < replyWindowHours * HOUR_MS;
}

/** The id of the `ConversationClosed` event of the conversation opened at `openedAt`: one per close. */
export function conversationClosedEventId(phone: string, openedAt: string): string {
  return `conversation-closed#${phone}#${openedAt}`;
}
