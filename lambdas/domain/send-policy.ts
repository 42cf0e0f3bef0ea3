/**
 * The decision at the heart of the one outbound path: may this message go to this number now?
 * Pure: the caller loads the profile and the clock; this function only decides. A marketing text runs
 * the checks of MARKETING_CHECKS in their one order (docs/send-policy.md), and the first that says no
 * gives the reason recorded. Every "no" has a reason that is recorded.
 *
 * A conversational reply is held by quiet hours only outside the reply window (the person's last
 * text more than `replyWindowHours` ago); within it, state calling-hours law still holds it
 * (docs/conversations.md).
 */
import { isConversationOpen, withinReplyWindow, type ConversationSettings } from './conversations';
import { type MessageClass } from './messages';
import {
  canReceiveTransactional,
  isMarketable,
  isOptedOut,
  isPaused,
  maxMarketingPerWeek,
  type Profile,
} from './profile';
import {
  quietHoursDecision,
  recipientTimeZone,
  sendWindowFor,
  stateLawWindow,
  type SendWindow,
} from './quiet-hours';
import {
  countedWindow,
  messageCapFor,
  stateCapDecision,
  SUBSCRIBER_CAP_HOURS,
  type CapSend,
} from './state-message-caps';

export type SkipReason =
  | 'opted_out'
  | 'no_marketing_consent'
  | 'no_transactional_consent'
  | 'not_a_reply'
  | 'paused'
  | 'topic_off'
  | 'conversation_open'
  | 'quiet_hours_deadline'
  | 'state_frequency_cap'
  | 'subscriber_frequency_cap'
  | 'smart_sending'
  | 'opt_out_list'
  | 'undeliverable';

/** Why a text waits (send again with the same key at `deferUntil`). */
export type DeferReason = 'quiet_hours' | 'state_frequency_cap';

/**
 * The steps of a marketing text's decision, in the order they run: the first that says no decides the
 * reason recorded. A step another part adds takes its place here and in MARKETING_CHECKS.
 */
export const SEND_STEPS = [
  'consent',
  'pause',
  'topic',
  'open_conversation',
  'send_window',
  'state_cap',
  'subscriber_cap',
  'smart_sending',
] as const;
export type SendStep = (typeof SEND_STEPS)[number];

export interface SendIntent {
  readonly messageClass: MessageClass;
  /** The inbound message a conversational reply answers. */
  readonly inReplyTo?: string;
  /**
   * A person's reply from a conversation (the replies route), which the reply window governs. A
   * keyword's automatic answer goes out at once, as the answer to the text just received.
   */
  readonly conversationReply?: boolean;
  /** Profile property that, when truthy, pauses this message (e.g. `Paused`, `Paused-BFCM2025`). */
  readonly pausedProperties?: readonly string[];
  /**
   * Marketing only: the preference topic the text is about (a `preferences.topics` property, e.g.
   * `preferences.coffee`); a recipient who turned it off (`false`) is skipped as `topic_off`.
   */
  readonly topic?: string;
  /** A transactional text the recipient asked for just now (a one-time code): no standing consent needed. */
  readonly requestedByRecipient?: boolean;
  /**
   * A transactional text about an order whose updates the recipient asked for at checkout
   * (order-consent.ts): that consent stands in for a standing transactional one.
   */
  readonly orderConsent?: boolean;
  /**
   * Respect quiet hours: marketing unless false; transactional only when true (an order update
   * goes at once: state calling-hours laws govern solicitations, docs/send-policy.md).
   */
  readonly quietHours?: boolean;
  /** Marketing only: respect smart sending (default true). */
  readonly smartSending?: boolean;
  /** Latest useful send time: a deferral past it (quiet hours, a state cap) skips the message instead. */
  readonly deadline?: Date;
  /** The text's message id: a state cap counts each text once, however often it is decided. */
  readonly messageId?: string;
}

export interface PolicyContext {
  readonly now: Date;
  readonly phone: string;
  readonly defaultTimeZone: string;
  readonly quietHours: SendWindow;
  /** 0 turns smart sending off. */
  readonly smartSendingHours: number;
  /** Conversation settings; without them no conversation holds a message. */
  readonly conversations?: ConversationSettings;
}

/** The state-cap window to write (guarded by `expectedVersion`) before the text is claimed. */
export interface StateCapReservation {
  readonly entries: readonly CapSend[];
  readonly expectedVersion: number;
}

export type SendDecision =
  | { readonly send: true; readonly stateCap?: StateCapReservation }
  | { readonly send: false; readonly reason: SkipReason }
  | { readonly send: false; readonly deferUntil: Date; readonly reason: DeferReason };

type Refusal = Extract<SendDecision, { send: false }>;

/** One step of a marketing text's decision: a refusal, or undefined to go on. */
export interface SendCheck {
  readonly step: SendStep;
  /** The reasons it can give (documented in docs/send-policy.md). */
  readonly reasons: readonly (SkipReason | DeferReason)[];
  /** Without a context (no clock, no zone), only the checks that need none run. */
  readonly check: (profile: Profile, intent: SendIntent, context?: PolicyContext) => Refusal | undefined;
}

/** A marketing text's checks, in SEND_STEPS order (a test holds them to it). */
export const MARKETING_CHECKS: readonly SendCheck[] = [
  {
    step: 'pause',
    reasons: ['paused'],
    // PAUSE's `Paused` and a timed pause from the preference page hold every marketing text, from a
    // campaign or a flow alike; a campaign adds its own pause property.
    check: (profile, intent, context) =>
      isPaused(profile, context?.now, intent.pausedProperties)
        ? { send: false, reason: 'paused' }
        : undefined,
  },
  {
    step: 'topic',
    reasons: ['topic_off'],
    // A topic turned off on the preference page; one never chosen counts as on (docs/preferences.md#topics).
    check: (profile, intent) =>
      intent.topic !== undefined && profile.properties[intent.topic] === false
        ? { send: false, reason: 'topic_off' }
        : undefined,
  },
  {
    step: 'open_conversation',
    reasons: ['conversation_open'],
    check: (profile, _intent, context) =>
      context?.conversations?.pauseAutomations &&
      isConversationOpen(profile, context.now, context.conversations.autoCloseHours)
        ? { send: false, reason: 'conversation_open' }
        : undefined,
  },
  {
    step: 'send_window',
    reasons: ['quiet_hours', 'quiet_hours_deadline'],
    check: (profile, intent, context) => {
      if (!context || intent.quietHours === false) return undefined;
      const quiet = quietHoursDecision({
        now: context.now,
        timeZone: recipientTimeZone(profile.timeZone, context.phone, context.defaultTimeZone),
        window: sendWindowFor(context.phone, context.quietHours),
        deadline: intent.deadline,
      });
      if (quiet.action === 'skip') return { send: false, reason: 'quiet_hours_deadline' };
      if (quiet.action === 'defer') return { send: false, deferUntil: quiet.until, reason: 'quiet_hours' };
      return undefined;
    },
  },
  {
    step: 'state_cap',
    reasons: ['state_frequency_cap'],
    check: (profile, intent, context) => {
      const cap = context && stateCap(profile, intent, context);
      if (cap?.action === 'skip') return { send: false, reason: 'state_frequency_cap' };
      if (cap?.action === 'defer')
        return { send: false, deferUntil: cap.until, reason: 'state_frequency_cap' };
      return undefined;
    },
  },
  {
    step: 'subscriber_cap',
    reasons: ['subscriber_frequency_cap'],
    // The subscriber's "fewer texts" from the preference page: a full week is skipped, never held.
    check: (profile, intent, context) =>
      context && subscriberCapFull(profile, intent, context)
        ? { send: false, reason: 'subscriber_frequency_cap' }
        : undefined,
  },
  {
    step: 'smart_sending',
    reasons: ['smart_sending'],
    check: (profile, intent, context) =>
      context && intent.smartSending !== false && withinSmartSendingWindow(profile, context)
        ? { send: false, reason: 'smart_sending' }
        : undefined,
  },
];

export function decideSend(
  profile: Profile | undefined,
  intent: SendIntent,
  context?: PolicyContext,
): SendDecision {
  switch (intent.messageClass) {
    case 'compliance':
      // Opt-out confirmations and HELP answers go out whatever the state: carriers require them.
      return { send: true };
    case 'conversational':
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      if (profile?.deliveryError?.permanent) return { send: false, reason: 'undeliverable' };
      if (!intent.inReplyTo) return { send: false, reason: 'not_a_reply' };
      if (!context?.conversations || !intent.conversationReply) return { send: true };
      return conversationalWindow(profile, context, context.conversations);
    case 'transactional':
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      // An invalid or deactivated number (End User Messaging said so) gets nothing more.
      if (profile?.deliveryError?.permanent) return { send: false, reason: 'undeliverable' };
      if (!intent.requestedByRecipient && !intent.orderConsent && !canReceiveTransactional(profile))
        return { send: false, reason: 'no_transactional_consent' };
      return intent.quietHours === true && context
        ? transactionalWindow(profile, intent, context)
        : { send: true };
    case 'marketing': {
      // Step `consent`: first, and without a context, so an opt-out always wins.
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      if (!profile || !isMarketable(profile)) return { send: false, reason: 'no_marketing_consent' };
      if (profile.deliveryError?.permanent) return { send: false, reason: 'undeliverable' };
      for (const { check } of MARKETING_CHECKS) {
        const refusal = check(profile, intent, context);
        if (refusal) return refusal;
      }
      const entries = context && capWindow(profile, intent, context);
      return entries
        ? { send: true, stateCap: { entries, expectedVersion: profile.stateCapVersion ?? 0 } }
        : { send: true };
    }
  }
}

/**
 * A reply within the reply window obeys only the state's calling-hours law (where one applies);
 * outside it, quiet hours as for marketing. Held replies are deferred, never skipped: a person waits
 * for an answer.
 */
function conversationalWindow(
  profile: Profile | undefined,
  context: PolicyContext,
  settings: ConversationSettings,
): SendDecision {
  const window = withinReplyWindow(profile, context.now, settings.replyWindowHours)
    ? stateLawWindow(context.phone)
    : sendWindowFor(context.phone, context.quietHours);
  if (!window) return { send: true };
  const quiet = quietHoursDecision({
    now: context.now,
    timeZone: recipientTimeZone(profile?.timeZone, context.phone, context.defaultTimeZone),
    window,
  });
  if (quiet.action === 'defer') return { send: false, deferUntil: quiet.until, reason: 'quiet_hours' };
  if (quiet.action === 'skip') return { send: false, reason: 'quiet_hours_deadline' };
  return { send: true };
}

/**
 * A transactional text its sender asked to hold for quiet hours (`quietHours: true`): held like a
 * marketing text, and skipped when the hold would pass its deadline.
 */
function transactionalWindow(
  profile: Profile | undefined,
  intent: SendIntent,
  context: PolicyContext,
): SendDecision {
  const quiet = quietHoursDecision({
    now: context.now,
    timeZone: recipientTimeZone(profile?.timeZone, context.phone, context.defaultTimeZone),
    window: sendWindowFor(context.phone, context.quietHours),
    deadline: intent.deadline,
  });
  if (quiet.action === 'skip') return { send: false, reason: 'quiet_hours_deadline' };
  if (quiet.action === 'defer') return { send: false, deferUntil: quiet.until, reason: 'quiet_hours' };
  return { send: true };
}

/** True when the number received any text within the smart-sending window. */
export function withinSmartSendingWindow(
  profile: Profile,
  context: Pick<PolicyContext, 'now' | 'smartSendingHours'>,
): boolean {
  if (context.smartSendingHours <= 0 || !profile.lastSmsAt) return false;
  return context.now.getTime() - Date.parse(profile.lastSmsAt) < context.smartSendingHours * 3600 * 1000;
}

/** The state cap's decision for a marketing text, or undefined where the number's state has none. */
function stateCap(profile: Profile, intent: SendIntent, context: PolicyContext) {
  const cap = messageCapFor(context.phone);
  if (!cap) return undefined;
  return stateCapDecision({
    cap,
    sent: profile.stateCapSends,
    messageId: intent.messageId ?? '',
    now: context.now,
    deadline: intent.deadline,
  });
}

/** True when the subscriber's own weekly cap is reached (a text already counted is not held back). */
function subscriberCapFull(profile: Profile, intent: SendIntent, context: PolicyContext): boolean {
  const count = maxMarketingPerWeek(profile);
  if (count === undefined) return false;
  return (
    stateCapDecision({
      cap: { count, hours: SUBSCRIBER_CAP_HOURS },
      sent: profile.stateCapSends,
      messageId: intent.messageId ?? '',
      now: context.now,
    }).action === 'skip'
  );
}

/**
 * The counted window to reserve for a text that goes: every text within the longest cap that applies
 * to the number (its state's, the subscriber's own) plus this one; undefined where no cap applies or
 * the text is already counted.
 */
function capWindow(profile: Profile, intent: SendIntent, context: PolicyContext) {
  const hours = Math.max(
    messageCapFor(context.phone)?.hours ?? 0,
    maxMarketingPerWeek(profile) === undefined ? 0 : SUBSCRIBER_CAP_HOURS,
  );
  if (hours === 0) return undefined;
  return countedWindow({
    sent: profile.stateCapSends,
    messageId: intent.messageId ?? '',
    now: context.now,
    windowHours: hours,
  });
}
