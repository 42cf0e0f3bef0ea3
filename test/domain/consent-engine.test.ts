import { describe, expect, it } from 'vitest';
import type { ConsentState } from '../../lambdas/domain/consent';
import { decideInbound, type ConsentChange, type InboundContext } from '../../lambdas/domain/consent-engine';
import type { KeywordIntent } from '../../lambdas/domain/keywords';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';

const program = RuntimeConfigSchema.parse({
  brand: 'Acme Coffee',
  supportContact: 'help@acme.example',
  messageFrequency: 'Up to 6 msgs/mo',
  termsUrl: 'https://acme.example/terms',
  privacyUrl: 'https://acme.example/privacy',
});
const NOW = new Date('2026-06-01T15:00:00Z');
const never: ConsentState = {
  marketing: 'never_subscribed',
  transactional: 'never_subscribed',
  properties: {},
};
const subscribed: ConsentState = {
  marketing: 'subscribed',
  transactional: 'subscribed',
  marketingConfirmedBy: 'double_opt_in',
  properties: { $source: 'keyword:JOIN' },
};
const pending: ConsentState = { ...never, marketing: 'pending', properties: { $source: 'footer-form' } };

const ctx = (overrides: Partial<InboundContext> = {}): InboundContext => ({
  phone: '+12065550100',
  at: NOW.toISOString(),
  inboundMessageId: 'in-1',
  body: 'x',
  now: NOW,
  ...overrides,
});
const stop: KeywordIntent = { kind: 'opt_out', keyword: 'STOP', natural: false };
const start: KeywordIntent = { kind: 'resubscribe', keyword: 'START' };
const join: KeywordIntent = { kind: 'opt_in', keyword: 'JOIN' };
const yes: KeywordIntent = { kind: 'confirm', keyword: 'YES' };
const pause: KeywordIntent = { kind: 'property', keyword: 'PAUSE', definition: program.keywords.custom[0]! };

function change(decision: ReturnType<typeof decideInbound>): ConsentChange {
  if (decision.kind !== 'consent') throw new Error(`expected a consent change, got ${decision.kind}`);
  return decision;
}

describe('consent engine', () => {
  describe('opt-out', () => {
    it('unsubscribes every class, confirms once and lists the number', () => {
      const decision = change(decideInbound(subscribed, stop, ctx(), program));
      expect(decision.next).toMatchObject({
        marketing: 'unsubscribed',
        transactional: 'unsubscribed',
        optedOutAt: NOW.toISOString(),
      });
      expect(decision.effects.optOutList).toBe('put');
      expect(decision.effects.replies).toHaveLength(1);
      expect(decision.effects.events.map((e) => e.type)).toEqual(['OptedOut']);
    });

    it('sends a confirmation with brand, no more messages and how to resubscribe, and no marketing', () => {
      const [reply] = change(decideInbound(subscribed, stop, ctx(), program)).effects.replies;
      expect(reply?.messageClass).toBe('compliance');
      expect(reply?.body).toContain('Acme Coffee');
      expect(reply?.body).toMatch(/no more messages/);
      expect(reply?.body).toMatch(/START/);
      expect(reply?.body.replace('Acme Coffee', '')).not.toMatch(/https?:|%|\boff\b|sale|deal/i);
      expect(reply?.body).toContain('help@acme.example');
    });

    it('gives an already opted-out number no second confirmation', () => {
      const optedOut = change(decideInbound(subscribed, stop, ctx(), program)).next;
      const again = change(decideInbound(optedOut, stop, ctx({ inboundMessageId: 'in-2' }), program));
      expect(again.applied).toBe(false);
      expect(again.effects.replies).toEqual([]);
      expect(again.effects.optOutList).toBeUndefined();
    });

    it('tells the subscriber when START will work again if the list was cleared in the last 30 days', () => {
      const state: ConsentState = {
        ...subscribed,
        optOutList: { listed: false, lastRemovedAt: '2026-05-20T00:00:00.000Z' },
      };
      const [reply] = change(decideInbound(state, stop, ctx(), program)).effects.replies;
      expect(reply?.body).toContain('START after Jun 19, 2026');
    });

    it('opts out a number that never subscribed too', () => {
      expect(change(decideInbound(never, stop, ctx(), program)).next.optedOutAt).toBeDefined();
    });
  });

  describe('HELP', () => {
    it('answers with brand, support, frequency, rates and how to opt out, even when opted out', () => {
      const optedOut = change(decideInbound(subscribed, stop, ctx(), program)).next;
      const decision = decideInbound(optedOut, { kind: 'help', keyword: 'HELP' }, ctx(), program);
      expect(decision.kind).toBe('reply');
      const body = decision.kind === 'reply' ? (decision.replies[0]?.body ?? '') : '';
      for (const part of [
        'Acme Coffee',
        'help@acme.example',
        'Up to 6 msgs/mo',
        'Msg & data rates may apply',
        'STOP',
      ]) {
        expect(body).toContain(part);
      }
    });
  });

  describe('opt-in', () => {
    it('makes JOIN pending and sends the double opt-in request with the disclosures', () => {
      const decision = change(decideInbound(never, join, ctx(), program));
      expect(decision.next.marketing).toBe('pending');
      expect(decision.next.properties.$source).toBe('keyword:JOIN');
      const body = decision.effects.replies[0]?.body ?? '';
      for (const part of [
        'Acme Coffee',
        'Reply Y',
        'Up to 6 msgs/mo',
        'Msg & data rates may apply',
        'HELP',
        'STOP',
      ])
        expect(body).toContain(part);
    });

    it('subscribes at once when double opt-in is off', () => {
      const decision = change(decideInbound(never, join, ctx(), { ...program, doubleOptIn: false }));
      expect(decision.next).toMatchObject({ marketing: 'subscribed', marketingConfirmedBy: 'single_opt_in' });
      expect(decision.effects.events.map((e) => e.type)).toEqual(['SubscriptionConfirmed']);
    });

    it('confirms a pending subscription on YES and publishes SubscriptionConfirmed with the source', () => {
      const decision = change(decideInbound(pending, yes, ctx(), program));
      expect(decision.next).toMatchObject({ marketing: 'subscribed', marketingConfirmedBy: 'double_opt_in' });
      expect(decision.effects.events).toEqual([
        {
          type: 'SubscriptionConfirmed',
          detail: expect.objectContaining({ source: 'footer-form', confirmedBy: 'double_opt_in' }),
        },
      ]);
    });

    it('treats YES with nothing pending as conversational, not consent', () => {
      expect(decideInbound(never, yes, ctx(), program).kind).toBe('conversational');
      expect(decideInbound(subscribed, yes, ctx(), program).kind).toBe('conversational');
    });

    it('texts nothing to a number that is already subscribed', () => {
      const decision = change(decideInbound(subscribed, join, ctx(), program));
      expect(decision.applied).toBe(false);
      expect(decision.effects.replies).toEqual([]);
    });
  });

  describe('START', () => {
    it('restores the subscriptions the opt-out ended and removes the number from the list', () => {
      const optedOut = change(decideInbound(subscribed, stop, ctx(), program)).next;
      const decision = change(decideInbound(optedOut, start, ctx({ inboundMessageId: 'in-2' }), program));
      expect(decision.next).toMatchObject({ marketing: 'subscribed', transactional: 'subscribed' });
      expect(decision.next.optedOutAt).toBeUndefined();
      expect(decision.effects.optOutList).toBe('delete');
      expect(decision.effects.replies[0]?.body).toMatch(/resubscribed.*Msg & data rates may apply.*STOP/);
    });

    it('is deferred, recorded and unanswered while the opt-out list cannot be cleared (30 days)', () => {
      const relisted: ConsentState = {
        ...subscribed,
        optedOutAt: NOW.toISOString(),
        marketing: 'unsubscribed',
        transactional: 'unsubscribed',
        optOutList: { listed: true, listedAt: NOW.toISOString(), lastRemovedAt: '2026-05-25T00:00:00.000Z' },
      };
      const decision = change(decideInbound(relisted, start, ctx(), program));
      expect(decision.action).toBe('resubscribe_deferred');
      expect(decision.applied).toBe(false);
      expect(decision.effects.replies).toEqual([]);
      expect(decision.note).toContain('2026-06-24');
    });

    it('is conversational from a number that is not opted out', () => {
      expect(decideInbound(subscribed, start, ctx(), program).kind).toBe('conversational');
    });

    it('starts a new double opt-in when nothing records what the opt-out ended (an erasure)', () => {
      const { beforeOptOut: _dropped, ...optedOut } = change(
        decideInbound(subscribed, stop, ctx(), program),
      ).next;
      const decision = change(decideInbound(optedOut, start, ctx({ inboundMessageId: 'in-2' }), program));
      expect(decision.action).toBe('opt_in_requested');
      expect(decision.next.marketing).toBe('pending');
      expect(decision.next.optedOutAt).toBeUndefined();
      expect(decision.effects.optOutList).toBe('delete');
      expect(decision.effects.replies[0]?.body).not.toMatch(/resubscribed/i);
    });

    it('lets JOIN after STOP start a new double opt-in with the opt-out lifted', () => {
      const optedOut = change(decideInbound(never, stop, ctx(), program)).next;
      const decision = change(decideInbound(optedOut, join, ctx({ inboundMessageId: 'in-3' }), program));
      expect(decision.next.marketing).toBe('pending');
      expect(decision.next.optedOutAt).toBeUndefined();
      expect(decision.effects.optOutList).toBe('delete');
    });
  });

  describe('ordering', () => {
    it('records but does not apply a JOIN older than the last change (a late JOIN cannot undo a newer STOP)', () => {
      const optedOut = change(decideInbound(subscribed, stop, ctx(), program)).next;
      const late = change(
        decideInbound(
          optedOut,
          join,
          ctx({ at: '2026-06-01T14:59:00.000Z', consentUpdatedAt: NOW.toISOString() }),
          program,
        ),
      );
      expect(late.applied).toBe(false);
      expect(late.next).toEqual(optedOut);
      expect(late.effects.replies).toEqual([]);
    });
  });

  describe('property keywords', () => {
    it('sets Paused on PAUSE and clears it on RESUME, replying each time', () => {
      const paused = change(decideInbound(subscribed, pause, ctx(), program));
      expect(paused.next.properties.Paused).toBe(true);
      expect(paused.effects.replies[0]?.messageClass).toBe('conversational');
      const resume: KeywordIntent = {
        kind: 'property',
        keyword: 'RESUME',
        definition: program.keywords.custom[1]!,
      };
      const resumed = change(decideInbound(paused.next, resume, ctx(), program));
      expect(resumed.next.properties).not.toHaveProperty('Paused');
    });

    it('only honours a reply-only keyword in reply to its campaign', () => {
      const definition = { ...program.keywords.custom[0]!, onlyInReplyTo: 'bfcm-2026' };
      const intent: KeywordIntent = { kind: 'property', keyword: 'PAUSE', definition };
      expect(decideInbound(subscribed, intent, ctx({ lastOutboundCampaignId: 'other' }), program).kind).toBe(
        'conversational',
      );
      expect(
        decideInbound(subscribed, intent, ctx({ lastOutboundCampaignId: 'bfcm-2026' }), program).kind,
      ).toBe('consent');
    });
  });

  it('treats anything else as conversational', () => {
    expect(decideInbound(subscribed, { kind: 'none' }, ctx(), program).kind).toBe('conversational');
  });
});
