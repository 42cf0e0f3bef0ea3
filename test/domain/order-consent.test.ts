import { describe, expect, it } from 'vitest';
import {
  eventKeyOf,
  type ConsentAction,
  type ConsentClass,
  type ConsentLogEntry,
  type ConsentState,
} from '../../lambdas/domain/consent';
import { decideOrderConsent, hasOrderConsent, orderConsentEventId } from '../../lambdas/domain/order-consent';

const PHONE = '+12065550100';
const never: ConsentState = {
  marketing: 'never_subscribed',
  transactional: 'never_subscribed',
  properties: {},
};
const optedOut: ConsentState = {
  marketing: 'unsubscribed',
  transactional: 'unsubscribed',
  properties: {},
  optedOutAt: '2026-11-01T00:00:00.000Z',
};

/** A log written in order: each change's action, classes, state after and evidence. */
function log(
  ...changes: {
    action: ConsentAction;
    classes?: ConsentClass[];
    next?: ConsentState;
    orderId?: string;
    applied?: boolean;
  }[]
): ConsentLogEntry[] {
  let state = never;
  return changes.map((change, index) => {
    const seq = index + 1;
    const entry = {
      phone: PHONE,
      eventKey: eventKeyOf(seq),
      seq,
      eventId: change.orderId ? orderConsentEventId(change.orderId) : `change-${seq}`,
      at: `2026-11-0${seq}T12:00:00.000Z`,
      recordedAt: `2026-11-0${seq}T12:00:00.000Z`,
      action: change.action,
      classes: change.classes ?? ['marketing', 'transactional'],
      previous: state,
      next: change.next ?? state,
      applied: change.applied ?? true,
      evidence: { method: 'checkout' as const, ...(change.orderId ? { orderId: change.orderId } : {}) },
      effects: { replies: [], events: [] },
    };
    state = entry.next;
    return entry;
  });
}
const orderConsent = (orderId: string) => ({
  action: 'order_updates_consent_given' as const,
  classes: ['transactional' as const],
  orderId,
});

describe('consent to an order’s updates', () => {
  it('is recorded for a number with no consent, changing none of its subscriptions', () => {
    const decision = decideOrderConsent(never, 'A-1');
    expect(decision).toMatchObject({
      kind: 'consent',
      action: 'order_updates_consent_given',
      classes: ['transactional'],
      next: never,
      applied: true,
      effects: { replies: [], events: [] },
    });
  });

  it('is never recorded for a number that opted out, or that End User Messaging’s opt-out list holds', () => {
    expect(decideOrderConsent(optedOut, 'A-1')).toEqual({ kind: 'refused', reason: 'opted_out' });
    expect(
      decideOrderConsent({ ...never, optOutList: { listed: true, listedAt: '2026-11-01T00:00:00Z' } }, 'A-1'),
    ).toEqual({ kind: 'refused', reason: 'opt_out_list' });
  });

  it('has one id per order, so a redelivered order finds its entry', () => {
    expect(orderConsentEventId('A-1')).toBe(orderConsentEventId('A-1'));
    expect(orderConsentEventId('A-1')).not.toBe(orderConsentEventId('A-2'));
  });

  it('holds for its own order only', () => {
    const entries = log(orderConsent('A-1'));
    expect(hasOrderConsent(entries, 'A-1')).toBe(true);
    expect(hasOrderConsent(entries, 'A-2')).toBe(false);
    expect(hasOrderConsent([], 'A-1')).toBe(false);
  });

  it.each<[string, Parameters<typeof log>[0]]>([
    ['a STOP', { action: 'opted_out', next: optedOut }],
    ['an erasure', { action: 'profile_erased', next: { ...never, transactional: 'unsubscribed' } }],
    ['an import’s suppression', { action: 'suppressed', next: { ...never, transactional: 'unsubscribed' } }],
    [
      'an unsubscribe from transactional texts',
      {
        action: 'unsubscribed',
        classes: ['transactional'],
        next: { ...never, transactional: 'unsubscribed' },
      },
    ],
  ])('ends with %s after it', (_case, ending) => {
    expect(hasOrderConsent(log(orderConsent('A-1'), ending), 'A-1')).toBe(false);
  });

  it('does not come back with a START after a STOP, but a new checkout’s consent holds', () => {
    const stopStart = log(
      orderConsent('A-1'),
      { action: 'opted_out', next: optedOut },
      { action: 'resubscribed', next: { ...never, marketing: 'subscribed' } },
    );
    expect(hasOrderConsent(stopStart, 'A-1')).toBe(false);
    const again = log(
      orderConsent('A-1'),
      { action: 'opted_out', next: optedOut },
      { action: 'resubscribed', next: { ...never, marketing: 'subscribed' } },
      orderConsent('A-1'),
    );
    expect(hasOrderConsent(again, 'A-1')).toBe(true);
  });

  it('survives a marketing unsubscribe, which leaves transactional texts alone', () => {
    const entries = log(orderConsent('A-1'), {
      action: 'unsubscribed',
      classes: ['marketing'],
      next: { ...never, marketing: 'unsubscribed' },
    });
    expect(hasOrderConsent(entries, 'A-1')).toBe(true);
  });

  it('does not hold when the log records it as not applied', () => {
    const [change] = log(orderConsent('A-1'));
    const voided: ConsentLogEntry = {
      phone: PHONE,
      eventKey: eventKeyOf(2),
      seq: 2,
      eventId: `${change!.eventId}#not_applied#x`,
      at: change!.at,
      recordedAt: change!.at,
      outcome: 'not_applied',
      of: { seq: 1, eventId: change!.eventId },
      failed: [{ step: 'projection', reason: 'ValidationException' }],
    };
    expect(hasOrderConsent([change!, voided], 'A-1')).toBe(false);
  });
});
