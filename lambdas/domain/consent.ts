/**
 * Consent events: the append-only evidence of every change to what a number agreed to receive.
 * The consent log is the source of truth; the profile's consent fields are a projection of it.
 * Events of a number form a sequence (1, 2, 3…): appending number n+1 is conditional on its key being
 * free, so the append itself is the optimistic lock and two inputs can never both build on state n.
 * An event records the state before and after and the effects decided with it (replies, opt-out
 * list), so a replay after a crash finishes exactly what was decided, without deciding again.
 */
import type {
  ConfirmationMethod,
  MarketingState,
  OptOutListState,
  Profile,
  PropertyValue,
  TransactionalState,
} from './profile';
import type { MessageClass } from './messages';

export type ConsentClass = 'marketing' | 'transactional';

export type ConsentMethod = 'keyword' | 'form' | 'checkout' | 'api' | 'otp';

export type ConsentAction =
  /** JOIN or a form with double opt-in: marketing becomes pending, the confirmation request is sent. */
  | 'opt_in_requested'
  /** YES to a pending request, a correct OTP, or a single opt-in: subscribed. */
  | 'opt_in_confirmed'
  /** STOP, a per-se keyword or a natural-language revocation: every class unsubscribed. */
  | 'opted_out'
  /** START/UNSTOP after an opt-out. */
  | 'resubscribed'
  /** A resubscription End User Messaging's opt-out list does not allow yet (one removal per 30 days). */
  | 'resubscribe_deferred'
  /** A keyword such as PAUSE or RESUME set or cleared a profile property. */
  | 'property_changed'
  /** Transactional consent given (API, checkout). */
  | 'transactional_consent_given';

/** The consent part of a profile: what the log projects. */
export interface ConsentState {
  readonly marketing: MarketingState;
  readonly transactional: TransactionalState;
  readonly optedOutAt?: string;
  readonly marketingConfirmedBy?: ConfirmationMethod;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly optOutList?: OptOutListState;
  /** Classes a pending double opt-in will subscribe on YES (marketing, and transactional when asked). */
  readonly pendingClasses?: readonly ConsentClass[];
  /** The subscriptions an opt-out ended, restored by START. */
  readonly beforeOptOut?: {
    readonly marketing: MarketingState;
    readonly transactional: TransactionalState;
    readonly marketingConfirmedBy?: ConfirmationMethod;
  };
}

export interface ConsentEvidence {
  /** How the person expressed it. */
  readonly method: ConsentMethod;
  readonly keyword?: string;
  readonly naturalLanguage?: boolean;
  readonly inboundMessageId?: string;
  /** The exact text the person sent. */
  readonly messageBody?: string;
  readonly originationNumber?: string;
  readonly destinationNumber?: string;
  readonly disclosure?: { readonly text: string; readonly version: string };
  readonly ip?: string;
  readonly userAgent?: string;
  readonly pageUrl?: string;
  readonly source?: string;
  readonly checkedByUser?: boolean;
  readonly uncheckedByDefault?: boolean;
}

/** A text decided together with a consent change (confirmation, HELP answer…). */
export interface PlannedReply {
  /** Idempotency key of the send. */
  readonly key: string;
  readonly body: string;
  readonly messageClass: MessageClass;
}

export interface ConsentEffects {
  readonly replies: readonly PlannedReply[];
  /** End User Messaging opt-out list change, done before the replies. */
  readonly optOutList?: 'put' | 'delete';
  /** Domain events to publish once the change is projected. */
  readonly events: readonly {
    readonly type:
      | 'SubscriptionRequested'
      | 'SubscriptionConfirmed'
      | 'OptedOut'
      | 'Resubscribed'
      | 'ProfilePropertyChanged';
    readonly detail: Record<string, unknown>;
  }[];
}

export interface ConsentEvent {
  readonly phone: string;
  /** Sort key: the zero-padded sequence number, so a query returns events in the order they were recorded. */
  readonly eventKey: string;
  /** Position in the number's log (1, 2, 3…). */
  readonly seq: number;
  /** Deterministic from the input (e.g. the inbound message id): a duplicate delivery appends nothing. */
  readonly eventId: string;
  /** When the person acted (inbound timestamp, form submission time). */
  readonly at: string;
  /** When Optline recorded it. */
  readonly recordedAt: string;
  readonly action: ConsentAction;
  readonly classes: readonly ConsentClass[];
  readonly previous: ConsentState;
  readonly next: ConsentState;
  /** False when the event changed nothing (older than the current state, or already in it); `note` says why. */
  readonly applied: boolean;
  readonly note?: string;
  readonly propertyChange?: { readonly name: string; readonly value: PropertyValue | null };
  readonly evidence: ConsentEvidence;
  readonly effects: ConsentEffects;
}

export function eventKeyOf(seq: number): string {
  return String(seq).padStart(10, '0');
}

export function consentStateOf(profile: Profile | undefined): ConsentState {
  if (!profile) return { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} };
  return {
    marketing: profile.marketing,
    transactional: profile.transactional,
    properties: profile.properties,
    ...(profile.optedOutAt ? { optedOutAt: profile.optedOutAt } : {}),
    ...(profile.marketingConfirmedBy ? { marketingConfirmedBy: profile.marketingConfirmedBy } : {}),
    ...(profile.optOutList ? { optOutList: profile.optOutList } : {}),
    ...(profile.beforeOptOut ? { beforeOptOut: profile.beforeOptOut } : {}),
    ...(profile.pendingClasses ? { pendingClasses: profile.pendingClasses } : {}),
  };
}
