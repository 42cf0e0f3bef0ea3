/**
 * The decision at the heart of the one outbound path: may this message go to this number now?
 * Pure: the caller loads the profile and the clock; this function only decides, in this order:
 * opted out; the consent the message class needs; paused; quiet hours in the recipient's time zone
 * (defer, or skip when the deferral would miss the deadline); smart sending. Every "no" has a reason
 * that is recorded.
 */
import { type MessageClass } from './messages';
import { canReceiveTransactional, isMarketable, isOptedOut, type Profile } from './profile';
import { quietHoursDecision, recipientTimeZone, sendWindowFor, type SendWindow } from './quiet-hours';

export type SkipReason =
  | 'opted_out'
  | 'no_marketing_consent'
  | 'no_transactional_consent'
  | 'not_a_reply'
  | 'paused'
  | 'quiet_hours_deadline'
  | 'smart_sending'
  | 'opt_out_list'
  | 'undeliverable';

export interface SendIntent {
  readonly messageClass: MessageClass;
  /** The inbound message a conversational reply answers. */
  readonly inReplyTo?: string;
  /** Profile property that, when truthy, pauses this message (e.g. `Paused`, `Paused-BFCM2025`). */
  readonly pausedProperties?: readonly string[];
  /** A transactional text the recipient asked for just now (a one-time code): no standing consent needed. */
  readonly requestedByRecipient?: boolean;
  /** Marketing only: respect quiet hours (default true). */
  readonly quietHours?: boolean;
  /** Marketing only: respect smart sending (default true). */
  readonly smartSending?: boolean;
  /** Latest useful send time: a quiet-hours deferral past it skips the message instead. */
  readonly deadline?: Date;
}

export interface PolicyContext {
  readonly now: Date;
  readonly phone: string;
  readonly defaultTimeZone: string;
  readonly quietHours: SendWindow;
  /** 0 turns smart sending off. */
  readonly smartSendingHours: number;
}

export type SendDecision =
  | { readonly send: true }
  | { readonly send: false; readonly reason: SkipReason }
  | { readonly send: false; readonly deferUntil: Date; readonly reason: 'quiet_hours' };

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
      return { send: true };
    case 'transactional':
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      // An invalid or deactivated number (End User Messaging said so) gets nothing more.
      if (profile?.deliveryError?.permanent) return { send: false, reason: 'undeliverable' };
      if (!intent.requestedByRecipient && !canReceiveTransactional(profile))
        return { send: false, reason: 'no_transactional_consent' };
      return { send: true };
    case 'marketing': {
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      if (!profile || !isMarketable(profile)) return { send: false, reason: 'no_marketing_consent' };
      if (profile.deliveryError?.permanent) return { send: false, reason: 'undeliverable' };
      const paused = (intent.pausedProperties ?? []).some((name) => isTruthy(profile.properties[name]));
      if (paused) return { send: false, reason: 'paused' };
      if (!context) return { send: true };
      if (intent.quietHours !== false) {
        const quiet = quietHoursDecision({
          now: context.now,
          timeZone: recipientTimeZone(profile.timeZone, context.phone, context.defaultTimeZone),
          window: sendWindowFor(context.phone, context.quietHours),
          deadline: intent.deadline,
        });
        if (quiet.action === 'skip') return { send: false, reason: 'quiet_hours_deadline' };
        if (quiet.action === 'defer') return { send: false, deferUntil: quiet.until, reason: 'quiet_hours' };
      }
      if (intent.smartSending !== false && withinSmartSendingWindow(profile, context))
        return { send: false, reason: 'smart_sending' };
      return { send: true };
    }
  }
}

/** True when the number received any text within the smart-sending window. */
export function withinSmartSendingWindow(
  profile: Profile,
  context: Pick<PolicyContext, 'now' | 'smartSendingHours'>,
): boolean {
  if (context.smartSendingHours <= 0 || !profile.lastSmsAt) return false;
  return context.now.getTime() - Date.parse(profile.lastSmsAt) < context.smartSendingHours * 3600 * 1000;
}

function isTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}
