import { describe, expect, it } from 'vitest';
import { eventKeyOf, type ConsentEvent, type ConsentOutcome } from '../../../lambdas/domain/consent';
import { chained, GENESIS_HASH, verifyChain } from '../../../lambdas/domain/consent-chain';
import { parseConsentLogEntry } from '../../../lambdas/domain/stores/consent-log-record';
import { CorruptRecordError } from '../../../lambdas/domain/stores/records';

const PHONE = '+12065550100';
const AT = '2026-06-01T15:00:00.000Z';
const optIn: ConsentEvent = chained(
  {
    phone: PHONE,
    eventKey: eventKeyOf(1),
    seq: 1,
    eventId: 'form-1',
    at: AT,
    recordedAt: AT,
    action: 'opt_in_requested',
    classes: ['marketing'],
    previous: { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} },
    next: {
      marketing: 'pending',
      transactional: 'never_subscribed',
      properties: { $source: 'form:signup' },
      pendingClasses: ['marketing'],
    },
    applied: true,
    evidence: {
      method: 'form',
      disclosure: { text: 'Acme Coffee: up to 6 msgs/mo…', version: 'sha256:ab12' },
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      pageUrl: 'https://acme.example/f/signup',
      checkedByUser: true,
      uncheckedByDefault: true,
    },
    effects: {
      replies: [{ key: 'form-1#request', body: 'Reply Y to confirm', messageClass: 'compliance' }],
      events: [{ type: 'SubscriptionRequested', detail: { phone: PHONE } }],
    },
  },
  GENESIS_HASH,
);
const outcome: ConsentOutcome = chained(
  {
    phone: PHONE,
    eventKey: eventKeyOf(2),
    seq: 2,
    eventId: 'form-1#effects_incomplete',
    at: AT,
    recordedAt: AT,
    outcome: 'effects_incomplete',
    of: { seq: 1, eventId: 'form-1' },
    failed: [{ step: 'reply', key: 'form-1#request', reason: 'opt_out_list' }],
  },
  optIn.hash!,
);

describe('consent log entries read from the table', () => {
  it('reads changes and outcomes exactly as written, so their hash chain still verifies', () => {
    const read = [optIn, outcome].map((entry) => parseConsentLogEntry(JSON.parse(JSON.stringify(entry))));
    expect(read).toEqual([optIn, outcome]);
    expect(verifyChain(read).intact).toBe(true);
  });

  it('keeps evidence fields the schema does not name, at any depth', () => {
    const richer = { ...optIn, evidence: { ...optIn.evidence, certificateId: 'c-1' } };
    expect(parseConsentLogEntry(richer)).toEqual(richer);
  });

  it.each([
    ['action', { ...optIn, action: 'opted_in' }],
    ['evidence.method', { ...optIn, evidence: { ...optIn.evidence, method: 'fax' } }],
    ['next.marketing', { ...optIn, next: { ...optIn.next, marketing: 'maybe' } }],
    ['failed.0.step', { ...outcome, failed: [{ step: 'retry', reason: 'x' }] }],
    ['seq', { ...outcome, seq: '2' }],
  ])('refuses an entry whose %s is wrong, naming the entry and the field', (field, item) => {
    expect(() => parseConsentLogEntry(item)).toThrow(CorruptRecordError);
    expect(() => parseConsentLogEntry(item)).toThrow(`${PHONE}/`);
    expect(() => parseConsentLogEntry(item)).toThrow(`${field}:`);
  });
});
