/**
 * Conversations: free texts and the replies people (or help desks) send to them. Every state change
 * publishes its event before it is written, with an id derived from the change: a retry after a crash
 * publishes the same event again (consumers drop duplicates by `eventId`) and never loses one.
 * See docs/conversations.md.
 */
import type { Clock } from '../domain/clock';
import {
  autoCloseCutoff,
  conversationClosedEventId,
  conversationView,
  type ClosedBy,
  type ConversationSettings,
  type ConversationView,
} from '../domain/conversations';
import type { ConversationReply } from '../domain/conversation-request';
import {
  ConsentRequiredError,
  DomainError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../domain/errors';
import type { DomainEvent } from '../domain/events';
import { isOptedOut, type Profile } from '../domain/profile';
import { agentReplyBucket } from '../domain/rate-limits';
import type { ConversationPosition, ConversationStore } from '../domain/stores/conversation';
import type { EphemeralStore } from '../domain/stores/ephemeral';
import type { EventPublisher } from '../domain/ports/event-publisher';
import type { MessageRecord, MessageStore } from '../domain/stores/message';
import type { ProfileStore } from '../domain/stores/profile';
import { send, type SendDeps } from './send';

export interface ConversationDeps {
  readonly clock: Clock;
  readonly settings: ConversationSettings;
  readonly profiles: ProfileStore;
  readonly conversations: ConversationStore;
  readonly messages: MessageStore;
  readonly events: EventPublisher;
}

/** The path of a conversation in the API (digits only: no `+` to encode), for links back. */
export function conversationPath(phone: string): string {
  return `/v1/conversations/${phone.replace(/^\+/, '')}`;
}

/** A message of the conversation, as published (`ConversationMessage`) and recorded on the conversation. */
export interface ConversationMessageInput {
  readonly phone: string;
  readonly messageId: string;
  readonly at: string;
  readonly direction: 'inbound' | 'outbound';
  readonly body: string;
  readonly inboundMessageId?: string;
  readonly agent?: string;
  readonly mediaUrls?: readonly string[];
}

/**
 * Records a message on the number's conversation (opening one when none is open) and publishes it.
 * Undefined when the number has no profile (nothing to hold a conversation).
 */
export async function recordConversationMessage(
  deps: Omit<ConversationDeps, 'profiles' | 'messages'>,
  message: ConversationMessageInput,
): Promise<ConversationView | undefined> {
  const now = deps.clock.now();
  const recorded = await deps.conversations.recordMessage(
    message.phone,
    {
      at: message.at,
      direction: message.direction,
      ...(message.inboundMessageId ? { inboundMessageId: message.inboundMessageId } : {}),
    },
    now,
    deps.settings.autoCloseHours,
  );
  if (!recorded) return undefined;
  const { update, profile } = recorded;
  // A message that opens a new conversation ends the one the store still held open (past its
  // auto-close): that one's close is published before the new one's message.
  const events: DomainEvent[] = [];
  if (update.opens && profile.conversationOpen === 'open' && profile.conversationOpenedAt) {
    events.push(closedEvent(profile, profile.conversationOpenedAt, 'inactivity', deps.settings, now));
  }
  events.push({
    type: 'ConversationMessage',
    at: message.at,
    detail: {
      eventId: `conversation-message#${message.messageId}`,
      phone: message.phone,
      messageId: message.messageId,
      direction: message.direction,
      body: message.body,
      at: message.at,
      agent: message.agent ?? null,
      mediaUrls: [...(message.mediaUrls ?? [])],
      conversation: {
        openedAt: update.openedAt,
        opened: update.opens,
        path: conversationPath(message.phone),
      },
    },
  });
  await deps.events.publish(events);
  return conversationView(
    {
      ...profile,
      conversationOpen: 'open',
      conversationOpenedAt: update.openedAt,
      conversationLastMessageAt: update.lastMessageAt,
      ...(update.lastInbound
        ? {
            conversationLastInboundAt: update.lastInbound.at,
            conversationLastInboundId: update.lastInbound.messageId,
          }
        : {}),
    },
    now,
    deps.settings.autoCloseHours,
  );
}

function closedEvent(
  profile: Profile,
  openedAt: string,
  by: ClosedBy,
  settings: ConversationSettings,
  now: Date,
  agent?: string,
): DomainEvent {
  const closedAt =
    by === 'inactivity'
      ? (conversationView(profile, now, settings.autoCloseHours)?.closedAt ?? now.toISOString())
      : now.toISOString();
  return {
    type: 'ConversationClosed',
    at: closedAt,
    detail: {
      eventId: conversationClosedEventId(profile.phone, openedAt),
      phone: profile.phone,
      openedAt,
      closedAt,
      closedBy: by,
      agent: agent ?? null,
      conversation: { path: conversationPath(profile.phone) },
    },
  };
}

/**
 * Closes the number's conversation if it is written open: publishes `ConversationClosed`, then
 * writes the close. A conversation already past its auto-close is closed as `inactivity`, at the
 * time it closed by itself, whoever asks. False when nothing was open.
 */
export async function closeConversation(
  deps: Pick<ConversationDeps, 'clock' | 'settings' | 'conversations' | 'events'>,
  profile: Profile | undefined,
  by: ClosedBy,
  agent?: string,
): Promise<boolean> {
  if (profile?.conversationOpen !== 'open' || !profile.conversationOpenedAt) return false;
  const now = deps.clock.now();
  const view = conversationView(profile, now, deps.settings.autoCloseHours);
  const reason: ClosedBy = view?.state === 'closed' ? 'inactivity' : by;
  const event = closedEvent(profile, profile.conversationOpenedAt, reason, deps.settings, now, agent);
  await deps.events.publish([event]);
  return deps.conversations.close(
    profile.phone,
    profile.conversationOpenedAt,
    String(event.detail.closedAt),
    reason,
  );
}

/** Messages a conversation view shows at most (the newest). */
export const THREAD_LIMIT = 100;

/** The number's conversation and its messages since it opened, oldest first. */
export async function readConversation(
  deps: Pick<ConversationDeps, 'clock' | 'settings' | 'profiles' | 'messages'>,
  phone: string,
): Promise<{ conversation: ConversationView; messages: ThreadMessage[] }> {
  const profile = await deps.profiles.get(phone);
  const view = profile && conversationView(profile, deps.clock.now(), deps.settings.autoCloseHours);
  if (!view) throw new NotFoundError(`no conversation with ${phone}`, 'phone');
  const page = await deps.messages.pageByPhone(phone, { limit: THREAD_LIMIT });
  const messages = page.messages
    .filter((record) => record.at >= view.openedAt && isThreadMessage(record))
    .reverse()
    .map(threadMessage);
  return { conversation: view, messages };
}

export interface ThreadMessage {
  readonly messageId: string;
  readonly at: string;
  readonly direction: 'inbound' | 'outbound';
  readonly body: string;
  readonly status: string;
  readonly reason: string | null;
  readonly agent: string | null;
}

/** Free texts received, and the replies of the conversation (not campaigns, flows or keyword answers). */
function isThreadMessage(record: MessageRecord): boolean {
  return record.direction === 'inbound' || record.messageClass === 'conversational';
}

function threadMessage(record: MessageRecord): ThreadMessage {
  return {
    messageId: record.messageId,
    at: record.at,
    direction: record.direction,
    body: record.body,
    status: record.status,
    reason: record.reason ?? null,
    agent: record.agent ?? null,
  };
}

/** Conversations closed per sweep at most; the next sweep takes the rest. */
export const SWEEP_LIMIT = 200;

/**
 * Closes the conversations past their auto-close (each with its `ConversationClosed`): what the
 * scheduled sweep runs. Reads already treat them as closed; this makes the close an event.
 */
export async function sweepConversations(
  deps: Pick<ConversationDeps, 'clock' | 'settings' | 'conversations' | 'events'>,
): Promise<{ closed: number }> {
  const now = deps.clock.now();
  const due = await deps.conversations.listDue(
    autoCloseCutoff(now, deps.settings.autoCloseHours),
    SWEEP_LIMIT,
  );
  let closed = 0;
  for (const profile of due) {
    if (await closeConversation(deps, profile, 'inactivity')) closed += 1;
  }
  return { closed };
}

/** A reply the sending number could not take now: quiet hours hold it until `until`. */
export class ReplyHeldError extends DomainError {
  override readonly name = 'ReplyHeldError';
  readonly status = 409;
  readonly code = 'quiet_hours';
  constructor(readonly until: string) {
    super(
      `quiet hours (or the state's calling hours) hold replies to this number until ${until}; send again then with the same idempotencyKey`,
    );
  }
}

export interface ReplyDeps extends ConversationDeps, SendDeps {
  readonly ephemeral: Pick<EphemeralStore, 'consume'>;
  readonly repliesPerAgentPerMinute: number;
}

/**
 * A reply to the number's conversation through `send()` (class `conversational`): allowed while the
 * person is not opted out, answering their last text; a closed conversation reopens. A STOP makes
 * it a 409 `consent_required`.
 */
export async function replyToConversation(deps: ReplyDeps, phone: string, reply: ConversationReply) {
  const now = deps.clock.now();
  const profile = await deps.profiles.get(phone);
  if (isOptedOut(profile))
    throw new ConsentRequiredError(`${phone} opted out of all texts: replies are not sent`, 'phone');
  if (!profile?.conversationLastInboundId)
    throw new NotFoundError(`no conversation with ${phone}: a reply answers a text the person sent`, 'phone');
  const agent = reply.agent ?? 'api';
  const limited = await deps.ephemeral.consume([agentReplyBucket(agent, now, deps.repliesPerAgentPerMinute)]);
  if (limited)
    throw new RateLimitedError(
      `too many replies from ${agent} (limit of ${limited.limit} per minute); try again later`,
      'agent',
      Math.max(1, Math.ceil((limited.windowEndsAt.getTime() - now.getTime()) / 1000)),
    );
  const result = await send(deps, {
    to: phone,
    body: reply.body,
    messageClass: 'conversational',
    idempotencyKey: `reply#${reply.idempotencyKey}`,
    inReplyTo: profile.conversationLastInboundId,
    ...(reply.agent ? { agent: reply.agent } : {}),
    conversationReply: true,
    ...(reply.mediaUrls ? { mediaUrls: reply.mediaUrls } : {}),
    profile,
  });
  switch (result.status) {
    case 'deferred':
      throw new ReplyHeldError(result.until);
    case 'skipped':
      if (result.reason === 'opted_out' || result.reason === 'opt_out_list')
        throw new ConsentRequiredError(`${phone} opted out of all texts: replies are not sent`, 'phone');
      throw new ReplyRefusedError(result.reason);
    case 'sent':
    case 'duplicate': {
      // A retry (duplicate) records and publishes again: both are idempotent, and finish what a
      // crash after the send left undone.
      const sent = (await deps.messages.get(result.messageId)) ?? undefined;
      const at = sent?.at ?? now.toISOString();
      const conversation = await recordConversationMessage(deps, {
        phone,
        messageId: result.messageId,
        at,
        direction: 'outbound',
        body: sent?.body ?? reply.body,
        ...(reply.agent ? { agent: reply.agent } : {}),
        ...(reply.mediaUrls ? { mediaUrls: reply.mediaUrls } : {}),
      });
      return {
        messageId: result.messageId,
        status: result.status,
        body: sent?.body ?? reply.body,
        conversation: conversation ?? null,
      };
    }
  }
}

/** A reply `send()` refused for a reason other than an opt-out (an undeliverable number). */
export class ReplyRefusedError extends DomainError {
  override readonly name = 'ReplyRefusedError';
  readonly status = 409;
  readonly code: string;
  constructor(reason: string) {
    super(`the reply was not sent: ${reason}`, 'phone');
    this.code = reason;
  }
}

/** `GET /v1/conversations`: the open conversations, most recent message first, a page at a time. */
export async function listOpenConversations(
  deps: Pick<ConversationDeps, 'clock' | 'settings' | 'conversations'>,
  query: Readonly<Record<string, string>>,
) {
  if (query.state !== undefined && query.state !== 'open')
    throw new ValidationError('state: only `open` conversations are listed', 'state');
  const limit = query.limit === undefined ? 50 : /^\d{1,3}$/.test(query.limit) ? Number(query.limit) : 0;
  if (!(limit >= 1 && limit <= 100))
    throw new ValidationError('limit: must be a whole number from 1 to 100', 'limit');
  const start = query.cursor === undefined ? undefined : parseListCursor(query.cursor);
  const now = deps.clock.now();
  const page = await deps.conversations.listOpen(autoCloseCutoff(now, deps.settings.autoCloseHours), {
    limit,
    ...(start ? { start } : {}),
  });
  return {
    conversations: page.profiles.flatMap(
      (profile) => conversationView(profile, now, deps.settings.autoCloseHours) ?? [],
    ),
    nextCursor: page.next
      ? Buffer.from(JSON.stringify({ p: page.next.phone, a: page.next.lastMessageAt })).toString('base64url')
      : null,
  };
}

function parseListCursor(cursor: string): ConversationPosition {
  const refuse = () => new ValidationError('cursor: is not a cursor this route gave', 'cursor');
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw refuse();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const { p, a } = (decoded ?? {}) as Record<string, unknown>;
  if (typeof p !== 'string' || !/^\+[1-9]\d{6,14}$/.test(p)) throw refuse();
  if (typeof a !== 'string' || Number.isNaN(Date.parse(a))) throw refuse();
  return { phone: p, lastMessageAt: a };
}
