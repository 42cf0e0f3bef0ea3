import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConsentEvent, ConsentLogEntry } from '../../lambdas/domain/consent';
import { chained, GENESIS_HASH } from '../../lambdas/domain/consent-chain';
import {
  buildCertificate,
  canonicalCertificate,
  certificateDigest,
  checkCertificate,
  CERTIFICATE_SIGNING_ALGORITHM,
  type SignedCertificate,
} from '../../lambdas/domain/consent-certificate';
import { newProfile } from '../../lambdas/domain/profile';
import type { MessageRecord } from '../../lambdas/domain/stores/message';

const PHONE = '+12065550100';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const never = { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} } as const;
const joined: ConsentEvent = {
  phone: PHONE,
  eventKey: '0000000001',
  seq: 1,
  eventId: 'sms-in-1',
  at: '2026-05-01T10:00:00.000Z',
  recordedAt: '2026-05-01T10:00:01.000Z',
  action: 'opt_in_requested',
  classes: ['marketing'],
  previous: never,
  next: { ...never, marketing: 'pending' },
  applied: true,
  evidence: { method: 'keyword', keyword: 'JOIN', messageBody: 'Join', inboundMessageId: 'in-1' },
  effects: { replies: [], events: [] },
};
const confirmed: ConsentEvent = {
  ...joined,
  eventKey: '0000000002',
  seq: 2,
  eventId: 'sms-in-2',
  action: 'opt_in_confirmed',
  previous: joined.next,
  next: { ...never, marketing: 'subscribed', marketingConfirmedBy: 'double_opt_in' },
  evidence: { method: 'keyword', keyword: 'YES', messageBody: 'yes', inboundMessageId: 'in-2' },
};
const first = chained(joined, GENESIS_HASH);
const log: ConsentLogEntry[] = [chained(confirmed, first.hash), first];

const message = (overrides: Partial<MessageRecord>): MessageRecord => ({
  messageId: 'm-1',
  phone: PHONE,
  at: '2026-05-02T10:00:00.000Z',
  direction: 'outbound',
  status: 'delivered',
  body: 'Acme: new roast',
  messageClass: 'marketing',
  campaignId: 'cmp_1',
  expiresAt: 0,
  ...overrides,
});

function issue(): SignedCertificate {
  const certificate = buildCertificate({
    phone: PHONE,
    issuedAt: '2026-06-01T00:00:00.000Z',
    brand: 'Acme Coffee',
    profile: {
      ...newProfile(PHONE, '2026-05-01T10:00:01.000Z'),
      marketing: 'subscribed',
      marketingConfirmedBy: 'double_opt_in',
      consentVersion: 2,
    },
    consentLog: log,
    messages: [
      message({ messageId: 'm-2', at: '2026-05-03T10:00:00.000Z', messageClass: 'compliance' }),
      message({}),
      message({ messageId: 'm-skip', status: 'skipped', reason: 'quiet_hours' }),
      message({ messageId: 'm-in', direction: 'inbound', status: 'received', body: 'yes' }),
    ],
  });
  // What KMS answers to Sign(DIGEST): the PKCS#1 v1.5 signature of the canonical bytes' SHA-256.
  return {
    certificate,
    hash: certificateDigest(certificate).toString('hex'),
    signature: sign('sha256', canonicalCertificate(certificate), keys.privateKey).toString('base64'),
    keyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
    algorithm: CERTIFICATE_SIGNING_ALGORITHM,
  };
}

describe('consent certificates', () => {
  it('holds the whole log in order, the texts sent with their classes, the state and the chain head', () => {
    const { certificate } = issue();
    expect(certificate.consentLog.map((e) => e.seq)).toEqual([1, 2]);
    expect(certificate.messages.map((m) => [m.messageId, m.messageClass])).toEqual([
      ['m-1', 'marketing'],
      ['m-2', 'compliance'],
    ]);
    expect(certificate.currentState).toMatchObject({ marketing: 'subscribed', optedOut: false });
    expect(certificate.chain).toMatchObject({
      entries: 2,
      intact: true,
      head: (log[0] as { hash: string }).hash,
    });
  });

  it('states no current state for a number with no profile (erased)', () => {
    const certificate = buildCertificate({
      phone: PHONE,
      issuedAt: '2026-06-01T00:00:00.000Z',
      brand: 'Acme Coffee',
      profile: undefined,
      consentLog: log,
      messages: [],
    });
    expect(certificate.currentState).toBeNull();
  });

  it('checks as valid with the public key', () => {
    expect(checkCertificate(issue(), publicPem)).toEqual({
      valid: true,
      hashMatches: true,
      signatureValid: true,
      chainIntact: true,
      problems: [],
    });
  });

  it('takes the key as KMS GetPublicKey gives it (base64 DER) too', () => {
    const der = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(checkCertificate(issue(), der).valid).toBe(true);
  });

  it('fails when one byte of the evidence changed', () => {
    const signed = issue();
    const edited = JSON.parse(JSON.stringify(signed).replace('"messageBody":"yes"', '"messageBody":"yeS"'));
    const check = checkCertificate(edited, publicPem);
    expect(check).toMatchObject({
      valid: false,
      hashMatches: false,
      signatureValid: false,
      chainIntact: false,
    });
  });

  it('fails when the certificate was changed and its hash recomputed: the signature is the key’s alone', () => {
    const signed = issue();
    const certificate = { ...signed.certificate, brand: 'Other Brand' };
    const check = checkCertificate(
      { ...signed, certificate, hash: certificateDigest(certificate).toString('hex') },
      publicPem,
    );
    expect(check).toMatchObject({ valid: false, hashMatches: true, signatureValid: false });
  });

  it('fails with another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const check = checkCertificate(
      issue(),
      other.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    expect(check).toMatchObject({ valid: false, signatureValid: false });
  });

  it('reads a malformed document as a failed check, not a crash', () => {
    for (const document of [null, 'text', {}, { certificate: 1 }, { certificate: {}, signature: 42 }])
      expect(checkCertificate(document, publicPem).valid).toBe(false);
    expect(checkCertificate(issue(), 'not a key').valid).toBe(false);
  });
});
