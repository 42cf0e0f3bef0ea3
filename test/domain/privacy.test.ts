import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConsentState } from '../../lambdas/domain/consent';
import { decideInbound, type ConsentChange, type InboundContext } from '../../lambdas/domain/consent-engine';
import { decideImport, type ImportContext } from '../../lambdas/domain/import-rules';
import type { KeywordIntent } from '../../lambdas/domain/keywords';
import { erasedState, erasureChange, phoneHash } from '../../lambdas/domain/privacy';
import { newProfile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';

const PHONE = '+12065550100';
const NOW = new Date('2026-06-01T15:00:00Z');
const program = RuntimeConfigSchema.parse({
  brand: 'Acme Coffee',
  supportContact: 'help@acme.example',
  messageFrequency: 'Up to 6 msgs/mo',
  termsUrl: 'https://acme.example/terms',
  privacyUrl: 'https://acme.example/privacy',
});
const subscribed: ConsentState = {
  marketing: 'subscribed',
  transactional: 'subscribed',
  marketingConfirmedBy: 'double_opt_in',
  properties: { $source: 'keyword:JOIN', tier: 'gold' },
};
const optedOut: ConsentState = {
  marketing: 'unsubscribed',
  transactional: 'unsubscribed',
  optedOutAt: '2026-05-01T00:00:00.000Z',
  optOutList: { listed: true, listedAt: '2026-05-01T00:00:00.000Z' },
  properties: { $source: 'keyword:JOIN' },
  beforeOptOut: {
    marketing: 'subscribed',
    transactional: 'subscribed',
    marketingConfirmedBy: 'double_opt_in',
  },
};
const ctx: InboundContext = {
  phone: PHONE,
  at: NOW.toISOString(),
  inboundMessageId: 'in-9',
  body: 'x',
  now: NOW,
};
const start: KeywordIntent = { kind: 'resubscribe', keyword: 'START' };
const join: KeywordIntent = { kind: 'opt_in', keyword: 'JOIN' };

function change(decision: { kind: string }): ConsentChange {
  if (decision.kind !== 'consent') throw new Error(`expected a consent change, got ${decision.kind}`);
  return decision as ConsentChange;
}

describe('erasure', () => {
  it('keys the suppression record with HMAC-SHA256 of the number', () => {
    expect(phoneHash('k', PHONE)).toBe(createHmac('sha256', 'k').update(PHONE).digest('hex'));
    expect(phoneHash('other key', PHONE)).not.toBe(phoneHash('k', PHONE));
  });

  it('ends every subscription, drops the properties and keeps the opt-out', () => {
    expect(erasedState(subscribed)).toEqual({
      marketing: 'unsubscribed',
      transactional: 'unsubscribed',
      properties: {},
    });
    expect(erasedState(optedOut)).toEqual({
      marketing: 'unsubscribed',
      transactional: 'unsubscribed',
      properties: {},
      optedOutAt: optedOut.optedOutAt,
      optOutList: optedOut.optOutList,
    });
  });

  it('leaves a number never asked as unsubscribed too, not as one never asked', () => {
    const never: ConsentState = {
      marketing: 'never_subscribed',
      transactional: 'never_subscribed',
      properties: {},
    };
    expect(erasedState(never)).toMatchObject({ marketing: 'unsubscribed', transactional: 'unsubscribed' });
  });

  it('is a consent change with no reply, no event and no opt-out list change', () => {
    const erasure = erasureChange(optedOut);
    expect(erasure).toMatchObject({
      action: 'profile_erased',
      applied: true,
      classes: ['marketing', 'transactional'],
    });
    expect(erasure.effects).toEqual({ replies: [], events: [] });
  });

  describe('what comes after it starts from the erased state', () => {
    it('JOIN starts a new double opt-in', () => {
      const decision = change(decideInbound(erasedState(subscribed), join, ctx, program));
      expect(decision.action).toBe('opt_in_requested');
      expect(decision.next.marketing).toBe('pending');
    });

    it('START after an opt-out restores nothing: it starts a new double opt-in with the opt-out lifted', () => {
      const decision = change(decideInbound(erasedState(optedOut), start, ctx, program));
      expect(decision.action).toBe('opt_in_requested');
      expect(decision.next).toMatchObject({ marketing: 'pending', transactional: 'unsubscribed' });
      expect(decision.next.optedOutAt).toBeUndefined();
      expect(decision.effects.optOutList).toBe('delete');
      expect(decision.effects.replies[0]?.body).toMatch(/Reply Y/i);
      expect(decision.effects.replies[0]?.body).not.toMatch(/resubscribed/i);
    });

    it('START from an erased number that never opted out is a free text', () => {
      expect(decideInbound(erasedState(subscribed), start, ctx, program).kind).toBe('conversational');
    });

    it('an imported opt-in is refused', () => {
      const importCtx: ImportContext = {
        importId: 'imp-0123456789abcdef0123',
        system: 'klaviyo',
        fileName: 'profiles.csv',
        sha256: 'a'.repeat(64),
        acceptUndatedConsent: true,
        now: NOW,
      };
      const erased = {
        ...newProfile(PHONE, NOW.toISOString()),
        ...erasedState(subscribed),
        consentVersion: 3,
      };
      const row = {
        line: 2,
        phone: PHONE,
        e164: PHONE,
        consent: 'opted_in' as const,
        consentAt: NOW.toISOString(),
        properties: {},
      };
      expect(decideImport(erased, row, importCtx)).toEqual({
        kind: 'skipped',
        reason: 'unsubscribed_in_optline',
      });
    });
  });
});
