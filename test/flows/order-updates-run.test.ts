/**
 * The built-in order-shipped flow as compiled, on the local runtime's Step Functions interpreter
 * (aws-local-stepfunctions), each task reaching the flow-step service over in-memory stores: the
 * branches its one transactional text can take.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventKeyOf, type ConsentLogEntry } from '../../lambdas/domain/consent';
import { FlowDefinitionShape } from '../../lambdas/domain/flow-definition';
import { ORDER_SHIPPED } from '../../lambdas/domain/flow-definitions-config';
import { decideOrderConsent, orderConsentEventId } from '../../lambdas/domain/order-consent';
import { newProfile, type Profile } from '../../lambdas/domain/profile';
import { compiledFlow } from '../support/compiled-flow';

const PHONE = '+12125550100'; // New York
const THREE_AM_NEW_YORK = new Date('2026-05-06T07:00:00.000Z');
const TRACKING = 'https://track.example/1Z999';

function world() {
  const definition = FlowDefinitionShape.parse(ORDER_SHIPPED);
  const log: ConsentLogEntry[] = [];
  const logReads = { count: 0 };
  const flow = compiledFlow(definition, {
    start: THREE_AM_NEW_YORK,
    deps: {
      consentLog: {
        list: async () => {
          logReads.count++;
          return log;
        },
      },
    },
  });
  const { clock, profiles } = flow;
  const customer = (extra: Partial<Profile> = {}) =>
    profiles.put({ ...newProfile(PHONE, '2026-05-01T00:00:00.000Z'), ...extra });
  /** The checkout's consent to an order's updates, as the events API appends it. */
  const consentTo = (orderId: string) => {
    const decision = decideOrderConsent(
      { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} },
      orderId,
    );
    if (decision.kind !== 'consent') throw new Error('refused');
    const seq = log.length + 1;
    log.push({
      phone: PHONE,
      eventKey: eventKeyOf(seq),
      seq,
      eventId: orderConsentEventId(orderId),
      at: '2026-05-01T12:00:00.000Z',
      recordedAt: '2026-05-01T12:00:00.000Z',
      action: decision.action,
      classes: decision.classes,
      previous: decision.next,
      next: decision.next,
      applied: true,
      evidence: { method: 'checkout', orderId },
      effects: decision.effects,
    });
  };
  /** Starts the execution the flow starter would start for the shipment of an order. */
  const ship = (orderId: string) => {
    const event = {
      type: 'OrderShipped',
      phone: PHONE,
      orderId,
      carrier: 'UPS',
      trackingUrl: TRACKING,
      shippedAt: clock.now().toISOString(),
    };
    const [execution] = flow.trigger('OrderShipped', event, event.shippedAt);
    if (!execution) throw new Error('no start');
    return execution;
  };
  return { ...flow, logReads, customer, consentTo, ship };
}

describe('the compiled order-shipped flow', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.emulator.stopAll());

  it('texts the tracking link at once, at 3 a.m., on the order’s own consent', async () => {
    const w = (current = world());
    await w.customer();
    w.consentTo('A-1');
    const execution = w.ship('A-1');
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.tasks.map((t) => t.state)).toEqual(['ShippedTextTask']);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ last: { status: 'sent' } });
    expect(w.gateway.to(PHONE)).toEqual([
      `Acme Coffee: Your order A-1 has shipped with UPS. Track it: ${TRACKING}`,
    ]);
    expect(w.gateway.sent[0]).toMatchObject({ messageType: 'TRANSACTIONAL' });
  });

  it('texts a customer with a standing transactional consent without reading the order’s', async () => {
    const w = (current = world());
    await w.customer({ transactional: 'subscribed' });
    const execution = w.ship('A-2');
    await execution.done;
    expect(w.gateway.to(PHONE)).toHaveLength(1);
    expect(w.logReads.count).toBe(0);
  });

  it('skips the text, recording why, without consent to that order', async () => {
    const w = (current = world());
    await w.customer({ marketing: 'subscribed' });
    w.consentTo('A-other');
    const execution = w.ship('A-3');
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      last: { status: 'skipped', reason: 'no_transactional_consent' },
    });
    expect(w.gateway.sent).toEqual([]);
  });

  it('ends at ConsentEndedSucceed, texting nothing, for a number that opted out', async () => {
    const w = (current = world());
    await w.customer({ optedOutAt: '2026-05-02T00:00:00.000Z', transactional: 'unsubscribed' });
    w.consentTo('A-4');
    const execution = w.ship('A-4');
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.currentState).toBe('ConsentEndedSucceed');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      last: { status: 'ended', reason: 'opted_out' },
    });
    expect(w.gateway.sent).toEqual([]);
  });
});
