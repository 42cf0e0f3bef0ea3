/**
 * Consent events: the append-only evidence of every change to what a number agreed to receive.
 * The consent log is the source of truth; the profile's consent fields are a projection of it.
 */
import type { ConfirmationMethod, MarketingState, PropertyValue, TransactionalState } from './profile';

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
  /** A resubscription that End User Messaging's opt-out list does not yet allow (30-day limit). */
  | 'resubscribe_deferred'
  /** A keyword such as PAUSE or RESUME set or cleared a profile property. */
  | 'property_changed'
  /** Transactional consent given (API, checkout). */
  | 'transactional_consent_given';

export interface ConsentSnapshot {
  readonly marketing: MarketingState;
  readonly transactional: TransactionalState;
  readonly optedOut: boolean;
}

export interface ConsentEvidence {
  /** How the person expressed it. */
  readonly method: ConsentMethod;
  readonly keyword?: string;
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
  /** Free-form details the engine adds (why a resubscription was deferred…). */
  readonly note?: string;
}

export interface ConsentEvent {
  readonly phone: string;
  /** Sort key: `<at>#<eventId>`, so a query returns events in the order they happened. */
  readonly eventKey: string;
  /** Deterministic from the input (e.g. the inbound message id): a duplicate delivery appends nothing. */
  readonly eventId: string;
  /** When the person acted (inbound timestamp, form submission time). */
  readonly at: string;
  /** When Optline recorded it. */
  readonly recordedAt: string;
  readonly action: ConsentAction;
  readonly classes: readonly ConsentClass[];
  readonly previous: ConsentSnapshot;
  readonly next: ConsentSnapshot;
  /** False when the event arrived after a newer change and therefore did not change the state. */
  readonly applied: boolean;
  readonly confirmedBy?: ConfirmationMethod;
  readonly propertyChange?: { readonly name: string; readonly value: PropertyValue | null };
  readonly evidence: ConsentEvidence;
  /** The profile's consent version once this event is applied. */
  readonly version: number;
}

export function eventKeyOf(at: string, eventId: string): string {
  return `${at}#${eventId}`;
}
