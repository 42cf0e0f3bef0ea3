import { describe, expect, it } from 'vitest';
import type { ConsentChange } from '../../lambdas/domain/consent-engine';
import {
  decideImport,
  importEventId,
  importEvidence,
  mergeBatchRows,
  UNDATED_CONSENT_PROPERTY,
  type ImportContext,
  type NormalisedImportRow,
} from '../../lambdas/domain/import-rules';
import { newProfile, type Profile } from '../../lambdas/domain/profile';

const NOW = new Date('2026-06-01T15:00:00Z');
const PHONE = '+12065550100';
const ctx: ImportContext = {
  importId: 'imp-0123456789abcdef0123',
  system: 'klaviyo',
  fileName: 'profiles.csv',
  sha256: 'a'.repeat(64),
  acceptUndatedConsent: false,
  now: NOW,
};

const row = (overrides: Partial<NormalisedImportRow> = {}): NormalisedImportRow => ({
  line: 2,
  phone: PHONE,
  e164: PHONE,
  consent: 'opted_in',
  consentAt: '2025-04-02T10:00:00.000Z',
  properties: {},
  ...overrides,
});

const profile = (overrides: Partial<Profile> = {}): Profile => ({
  ...newProfile(PHONE, '2025-01-01T00:00:00.000Z'),
  consentVersion: 1,
  ...overrides,
});
const subscribedByKeyword = (at: string) =>
  profile({
    marketing: 'subscribed',
    marketingConfirmedBy: 'double_opt_in',
    consentUpdatedAt: at,
    lastConsentEventId: 'sms-in-1',
  });
const optedOutByStop = profile({
  marketing: 'unsubscribed',
  transactional: 'unsubscribed',
  optedOutAt: '2026-01-01T00:00:00.000Z',
  consentUpdatedAt: '2026-01-01T00:00:00.000Z',
  lastConsentEventId: 'sms-in-2',
});

function change(decision: ReturnType<typeof decideImport>): ConsentChange {
  if (decision.kind !== 'consent') throw new Error(`expected a change, got ${decision.reason}`);
  return decision;
}

describe('imported consent', () => {
  it('subscribes a new number, confirmed by import, with the source system', () => {
    const decided = change(decideImport(undefined, row({ properties: { first_name: 'Ada' } }), ctx));
    expect(decided.action).toBe('opt_in_confirmed');
    expect(decided.next).toMatchObject({
      marketing: 'subscribed',
      transactional: 'never_subscribed',
      marketingConfirmedBy: 'import',
      properties: { first_name: 'Ada', $source: 'import:klaviyo' },
    });
  });

  it('never texts: no replies, no opt-out list change, no bus events', () => {
    for (const consent of ['opted_in', 'opted_out', 'suppressed'] as const) {
      const decided = change(decideImport(undefined, row({ consent }), ctx));
      expect(decided.effects).toEqual({ replies: [], events: [] });
    }
  });

  it('skips consent without a time unless undated consent is accepted, and marks it then', () => {
    expect(decideImport(undefined, row({ consentAt: undefined }), ctx)).toEqual({
      kind: 'skipped',
      reason: 'undated_consent',
    });
    const decided = change(
      decideImport(undefined, row({ consentAt: undefined }), { ...ctx, acceptUndatedConsent: true }),
    );
    expect(decided.next.properties[UNDATED_CONSENT_PROPERTY]).toBe(true);
    expect(decided.note).toMatch(/undated/);
  });

  it('skips a row that says nothing about consent', () => {
    expect(decideImport(undefined, row({ consent: 'none' }), ctx)).toEqual({
      kind: 'skipped',
      reason: 'no_consent',
    });
  });

  it('never subscribes a number that opted out in Optline, however new the imported consent', () => {
    const decided = decideImport(optedOutByStop, row({ consentAt: '2026-05-01T00:00:00.000Z' }), ctx);
    expect(decided).toEqual({ kind: 'skipped', reason: 'opted_out_in_optline' });
  });

  it('never subscribes a number Optline has as unsubscribed', () => {
    const suppressed = profile({ marketing: 'unsubscribed', transactional: 'unsubscribed' });
    expect(decideImport(suppressed, row(), ctx)).toEqual({
      kind: 'skipped',
      reason: 'unsubscribed_in_optline',
    });
  });

  it('keeps a subscriber Optline has, adding only the imported properties', () => {
    const current = subscribedByKeyword('2025-01-01T00:00:00.000Z');
    expect(decideImport(current, row(), ctx)).toEqual({ kind: 'skipped', reason: 'already_subscribed' });
    const decided = change(decideImport(current, row({ properties: { first_name: 'Ada' } }), ctx));
    expect(decided.action).toBe('property_changed');
    expect(decided.next).toMatchObject({ marketing: 'subscribed', marketingConfirmedBy: 'double_opt_in' });
  });

  it('never overwrites Optline’s own properties', () => {
    const current = profile({ properties: { $source: 'keyword:JOIN' } });
    const decided = change(decideImport(current, row({ properties: { first_name: 'Ada' } }), ctx));
    expect(decided.next.properties.$source).toBe('keyword:JOIN');
  });

  it('records where the consent came from: system, file, hash, line, source time and method', () => {
    expect(importEvidence(row({ consentMethod: 'FORM' }), ctx)).toEqual({
      method: 'import',
      source: 'import:klaviyo',
      import: {
        system: 'klaviyo',
        importId: ctx.importId,
        fileName: 'profiles.csv',
        sha256: ctx.sha256,
        line: 2,
        sourceStatus: 'opted_in',
        sourceConsentAt: '2025-04-02T10:00:00.000Z',
        sourceConsentMethod: 'FORM',
      },
    });
    expect(importEvidence(row({ consentAt: undefined }), ctx).import?.undated).toBe(true);
  });

  it('names events by import and line, so the same line imported again is the same event', () => {
    expect(importEventId(ctx.importId, 7)).toBe(`${ctx.importId}#7`);
  });
});

describe('imported opt-outs', () => {
  it('opts out a new number at the source’s time', () => {
    const decided = change(decideImport(undefined, row({ consent: 'opted_out' }), ctx));
    expect(decided.action).toBe('opted_out');
    expect(decided.next).toMatchObject({
      marketing: 'unsubscribed',
      transactional: 'unsubscribed',
      optedOutAt: '2025-04-02T10:00:00.000Z',
    });
  });

  it('opts out an undated opt-out at the import’s time', () => {
    const decided = change(decideImport(undefined, row({ consent: 'opted_out', consentAt: undefined }), ctx));
    expect(decided.next.optedOutAt).toBe(NOW.toISOString());
  });

  it('opts out a subscriber whose opt-in is older than the opt-out', () => {
    const current = subscribedByKeyword('2025-01-01T00:00:00.000Z');
    expect(change(decideImport(current, row({ consent: 'opted_out' }), ctx)).next.optedOutAt).toBeDefined();
  });

  it('leaves a subscriber who opted in to Optline after the opt-out', () => {
    const current = subscribedByKeyword('2026-03-01T00:00:00.000Z');
    expect(decideImport(current, row({ consent: 'opted_out' }), ctx)).toEqual({
      kind: 'skipped',
      reason: 'newer_opt_in_in_optline',
    });
  });

  it('an undated opt-out applies even over Optline’s own opt-in: an opt-out wins', () => {
    const current = subscribedByKeyword('2026-03-01T00:00:00.000Z');
    expect(
      change(decideImport(current, row({ consent: 'opted_out', consentAt: undefined }), ctx)).action,
    ).toBe('opted_out');
  });

  it('an imported opt-in is never the newer opt-in that holds off an opt-out', () => {
    const current = profile({
      marketing: 'subscribed',
      marketingConfirmedBy: 'import',
      consentUpdatedAt: '2026-03-01T00:00:00.000Z',
      lastConsentEventId: 'imp-other#4',
    });
    expect(change(decideImport(current, row({ consent: 'opted_out' }), ctx)).action).toBe('opted_out');
  });

  it('a number opted in earlier in the same input ends opted out', () => {
    const current = profile({
      marketing: 'subscribed',
      marketingConfirmedBy: 'import',
      consentUpdatedAt: '2026-03-01T00:00:00.000Z',
      lastConsentEventId: importEventId(ctx.importId, 2),
    });
    expect(change(decideImport(current, row({ line: 90, consent: 'opted_out' }), ctx)).action).toBe(
      'opted_out',
    );
  });

  it('a number opted out earlier in the same input is a duplicate, not a subscriber', () => {
    const current = profile({
      marketing: 'unsubscribed',
      transactional: 'unsubscribed',
      optedOutAt: '2025-01-01T00:00:00.000Z',
      lastConsentEventId: importEventId(ctx.importId, 2),
    });
    expect(decideImport(current, row({ line: 90 }), ctx)).toEqual({ kind: 'skipped', reason: 'duplicate' });
  });

  it('an opt-out of a number already opted out changes nothing', () => {
    expect(decideImport(optedOutByStop, row({ consent: 'opted_out' }), ctx)).toEqual({
      kind: 'skipped',
      reason: 'already_opted_out',
    });
  });
});

describe('imported suppressions', () => {
  it('unsubscribes every class without an opt-out time: the person did not opt out', () => {
    const decided = change(
      decideImport(subscribedByKeyword('2024-01-01T00:00:00.000Z'), row({ consent: 'suppressed' }), ctx),
    );
    expect(decided.action).toBe('suppressed');
    expect(decided.next).toMatchObject({ marketing: 'unsubscribed', transactional: 'unsubscribed' });
    expect(decided.next.optedOutAt).toBeUndefined();
  });
});

describe('rows of one batch with the same number', () => {
  it('keeps the opt-out and reports the others as duplicates', () => {
    const rows = [
      row({ line: 2 }),
      row({ line: 3, consent: 'opted_out' }),
      row({ line: 4 }),
      row({ line: 5, e164: '+12065550199' }),
    ];
    const { kept, duplicates } = mergeBatchRows(rows);
    expect(kept.map((r) => r.line)).toEqual([3, 5]);
    expect(duplicates.map((r) => r.line)).toEqual([2, 4]);
  });
});
