/**
 * Consent to one order's updates: the checkout's "text me about this order" tick (`OrderPlaced` with
 * `transactionalConsent: true`). It is express consent to transactional texts about that order only
 * (shipped, delivered), recorded in the consent log as `order_updates_consent_given` with the
 * order's id and the checkout's evidence; the profile's subscriptions do not change, so it grants
 * no marketing and no other order's texts. Specified in docs/flows.md#order-updates and decision
 * 0041.
 *
 * - It is never recorded for a number that opted out (STOP, a revocation, End User Messaging's
 *   opt-out list, or an erasure that kept an opt-out): only the person texting START or JOIN, or
 *   confirming a code, lifts an opt-out.
 * - It ends with anything that ends transactional texts after it: an opt-out, an erasure, an
 *   import's suppression, an unsubscribe from transactional texts. A START after a STOP does not
 *   bring it back.
 */
import {
  effectiveChanges,
  readConsentLog,
  type ConsentAction,
  type ConsentEvent,
  type ConsentLogEntry,
  type ConsentState,
} from './consent';
import type { ConsentChange } from './consent-engine';

export const ORDER_CONSENT_ACTION = 'order_updates_consent_given' satisfies ConsentAction;

/** The consent log's id for an order's consent: one per number and order, so a redelivery adds nothing. */
export function orderConsentEventId(orderId: string): string {
  return `checkout-order-${orderId}`;
}

export type OrderConsentDecision =
  ConsentChange | { readonly kind: 'refused'; readonly reason: 'opted_out' | 'opt_out_list' };

/** Whether the tick may be recorded for a number in this state, and as what. */
export function decideOrderConsent(state: ConsentState, orderId: string): OrderConsentDecision {
  if (state.optedOutAt !== undefined) return { kind: 'refused', reason: 'opted_out' };
  if (state.optOutList?.listed) return { kind: 'refused', reason: 'opt_out_list' };
  return {
    kind: 'consent',
    action: ORDER_CONSENT_ACTION,
    classes: ['transactional'],
    // Nothing else changes: the consent is the entry itself, read back by `hasOrderConsent`.
    next: state,
    applied: true,
    note: `updates of order ${orderId} only`,
    effects: { replies: [], events: [] },
  };
}

/** Changes after which no earlier order consent holds. */
const ENDS_TRANSACTIONAL: readonly ConsentAction[] = ['opted_out', 'suppressed', 'profile_erased'];

function endsTransactional(change: ConsentEvent): boolean {
  return (
    ENDS_TRANSACTIONAL.includes(change.action) ||
    (change.classes.includes('transactional') && change.next.transactional === 'unsubscribed')
  );
}

/**
 * Whether the number's log holds consent to this order's updates: an order consent for it that no
 * later change ended. The log is the source of truth: nothing is trusted from when the order came.
 */
export function hasOrderConsent(entries: readonly ConsentLogEntry[], orderId: string): boolean {
  let given = false;
  for (const change of effectiveChanges(readConsentLog(entries))) {
    if (change.action === ORDER_CONSENT_ACTION) {
      if (change.applied && change.evidence.orderId === orderId) given = true;
    } else if (endsTransactional(change)) given = false;
  }
  return given;
}
