/**
 * The decision at the heart of the one outbound path: may this message go to this number now?
 * Pure: the caller loads the profile and the clock; this function only decides, and every "no" comes
 * with a reason that is recorded.
 */
import { type MessageClass } from './messages';
import { canReceiveTransactional, isMarketable, isOptedOut, type Profile } from './profile';

export type SkipReason =
  | 'opted_out'
  | 'no_marketing_consent'
  | 'no_transactional_consent'
  | 'not_a_reply'
  | 'paused'
  | 'opt_out_list';

export interface SendIntent {
  readonly messageClass: MessageClass;
  /** The inbound message a conversational reply answers. */
  readonly inReplyTo?: string;
  /** Profile property that, when truthy, pauses this message (e.g. `Paused`, `Paused-BFCM2025`). */
  readonly pausedProperties?: readonly string[];
  /** A transactional text the recipient asked for just now (a one-time code): no standing consent needed. */
  readonly requestedByRecipient?: boolean;
}

export type SendDecision = { readonly send: true } | { readonly send: false; readonly reason: SkipReason };

export function decideSend(profile: Profile | undefined, intent: SendIntent): SendDecision {
  switch (intent.messageClass) {
    case 'compliance':
      // Opt-out confirmations and HELP answers go out whatever the state: carriers require them.
      return { send: true };
    case 'conversational':
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      if (!intent.inReplyTo) return { send: false, reason: 'not_a_reply' };
      return { send: true };
    case 'transactional':
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      if (!intent.requestedByRecipient && !canReceiveTransactional(profile))
        return { send: false, reason: 'no_transactional_consent' };
      return { send: true };
    case 'marketing': {
      if (isOptedOut(profile)) return { send: false, reason: 'opted_out' };
      if (!profile || !isMarketable(profile)) return { send: false, reason: 'no_marketing_consent' };
      const paused = (intent.pausedProperties ?? []).some((name) => isTruthy(profile.properties[name]));
      if (paused) return { send: false, reason: 'paused' };
      return { send: true };
    }
  }
}

function isTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}
