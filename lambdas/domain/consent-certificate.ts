/**
 * Consent certificates (docs/consent-evidence.md#certificates): a number's whole consent history,
 * the texts sent to it with their classes, its current state and the head of its hash chain, in one
 * document whose SHA-256 (over its RFC 8785 canonical JSON) is signed by a KMS asymmetric key. Anyone
 * with the public key can check a certificate without trusting Optline's servers: the signature
 * covers the canonical bytes, and the consent log inside it carries its own hash chain.
 *
 * The signature is RSASSA-PKCS1-v1_5 with SHA-256 (KMS `RSASSA_PKCS1_V1_5_SHA_256`, key spec
 * `RSA_2048`): the scheme `openssl dgst -sha256 -verify` and every crypto library check.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { verifyChain, type ChainBreak } from './consent-chain';
import type { ConsentLogEntry } from './consent';
import type { Profile } from './profile';
import type { MessageRecord } from './stores/message';

export const CERTIFICATE_SIGNING_ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';
export const CERTIFICATE_KEY_SPEC = 'RSA_2048';

/** A text Optline sent to the number (skipped and inbound messages are not texts sent). */
export interface CertificateMessage {
  readonly messageId: string;
  readonly at: string;
  readonly messageClass: string | null;
  readonly status: string;
  readonly body: string;
  readonly campaignId?: string;
  readonly flowId?: string;
}

export interface ConsentCertificate {
  readonly type: 'optline-consent-certificate';
  readonly version: 1;
  readonly phone: string;
  readonly issuedAt: string;
  /** The program the consent was given to. */
  readonly brand: string;
  readonly programName: string | null;
  /** The number's state now; null when no profile is held (never subscribed, or erased). */
  readonly currentState: {
    readonly marketing: string;
    readonly transactional: string;
    readonly optedOut: boolean;
    readonly optedOutAt: string | null;
    readonly marketingConfirmedBy: string | null;
    readonly onOptOutList: boolean;
    readonly consentUpdatedAt: string | null;
  } | null;
  /** Every consent log entry as stored, oldest first, with its `prevHash` and `hash`. */
  readonly consentLog: readonly ConsentLogEntry[];
  /** The texts sent to the number that are still kept (messages expire after their retention). */
  readonly messages: readonly CertificateMessage[];
  /** The chain recomputed when the certificate was issued. */
  readonly chain: {
    readonly entries: number;
    readonly head: string | null;
    readonly intact: boolean;
    readonly breaks: readonly ChainBreak[];
  };
}

/** The document `GET /v1/profiles/{phone}/consent-certificate` answers as JSON. */
export interface SignedCertificate {
  readonly certificate: ConsentCertificate;
  /** SHA-256 of the certificate's canonical JSON, hex. */
  readonly hash: string;
  /** The signature of that digest, base64. */
  readonly signature: string;
  /** The KMS key that signed it (its ARN). */
  readonly keyId: string;
  readonly algorithm: string;
}

export interface CertificateInput {
  readonly phone: string;
  readonly issuedAt: string;
  readonly brand: string;
  readonly programName?: string;
  readonly profile: Profile | undefined;
  readonly consentLog: readonly ConsentLogEntry[];
  readonly messages: readonly MessageRecord[];
}

const SENT_STATUSES: ReadonlySet<string> = new Set(['sending', 'sent', 'delivered', 'failed']);

export function buildCertificate(input: CertificateInput): ConsentCertificate {
  const consentLog = [...input.consentLog].sort((a, b) => a.seq - b.seq);
  const { profile } = input;
  return {
    type: 'optline-consent-certificate',
    version: 1,
    phone: input.phone,
    issuedAt: input.issuedAt,
    brand: input.brand,
    programName: input.programName ?? null,
    currentState: profile
      ? {
          marketing: profile.marketing,
          transactional: profile.transactional,
          optedOut: profile.optedOutAt !== undefined,
          optedOutAt: profile.optedOutAt ?? null,
          marketingConfirmedBy: profile.marketingConfirmedBy ?? null,
          onOptOutList: profile.optOutList?.listed ?? false,
          consentUpdatedAt: profile.consentUpdatedAt ?? null,
        }
      : null,
    consentLog,
    messages: input.messages
      .filter((m) => m.direction === 'outbound' && SENT_STATUSES.has(m.status))
      .sort((a, b) => a.at.localeCompare(b.at) || a.messageId.localeCompare(b.messageId))
      .map((m) => ({
        messageId: m.messageId,
        at: m.at,
        messageClass: m.messageClass ?? null,
        status: m.status,
        body: m.body,
        ...(m.campaignId ? { campaignId: m.campaignId } : {}),
        ...(m.flowId ? { flowId: m.flowId } : {}),
      })),
    chain: verifyChain(consentLog),
  };
}

/** The bytes that are hashed and signed: the certificate's RFC 8785 canonical JSON. */
export function canonicalCertificate(certificate: unknown): Buffer {
  const text = canonicalize(certificate);
  if (text === undefined) throw new TypeError('the certificate has no JSON form');
  return Buffer.from(text, 'utf8');
}

/** The SHA-256 digest that KMS signs (`MessageType: DIGEST`). */
export function certificateDigest(certificate: unknown): Buffer {
  return createHash('sha256').update(canonicalCertificate(certificate)).digest();
}

/** What a check of a signed certificate found; `valid` only when every part holds. */
export interface CertificateCheck {
  readonly valid: boolean;
  /** `hash` is the SHA-256 of the certificate as it is now. */
  readonly hashMatches: boolean;
  /** The signature is the key's, over the certificate as it is now. */
  readonly signatureValid: boolean;
  /** The consent log inside the certificate chains up to the head it states. */
  readonly chainIntact: boolean;
  readonly problems: readonly string[];
}

/**
 * Checks a signed certificate against a public key (PEM or base64 DER, as KMS GetPublicKey gives
 * it). Reads the document as untrusted input: a malformed one is a failed check, never a crash.
 */
export function checkCertificate(document: unknown, publicKey: string): CertificateCheck {
  const problems: string[] = [];
  const doc = (typeof document === 'object' && document !== null ? document : {}) as Partial<
    Record<keyof SignedCertificate, unknown>
  >;
  if (typeof doc.certificate !== 'object' || doc.certificate === null)
    return {
      valid: false,
      hashMatches: false,
      signatureValid: false,
      chainIntact: false,
      problems: ['no certificate'],
    };
  if (doc.algorithm !== CERTIFICATE_SIGNING_ALGORITHM)
    problems.push(`algorithm ${String(doc.algorithm)} is not ${CERTIFICATE_SIGNING_ALGORITHM}`);

  const digest = certificateDigest(doc.certificate);
  const hashMatches = doc.hash === digest.toString('hex');
  if (!hashMatches) problems.push('hash is not the SHA-256 of the certificate: the certificate was changed');

  let signatureValid = false;
  try {
    const key = publicKey.includes('BEGIN')
      ? createPublicKey(publicKey)
      : createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    signatureValid =
      typeof doc.signature === 'string' &&
      verify('sha256', canonicalCertificate(doc.certificate), key, Buffer.from(doc.signature, 'base64'));
  } catch (error) {
    problems.push(`the public key or signature cannot be read (${(error as Error).message})`);
  }
  if (!signatureValid) problems.push('the signature does not match the certificate with this public key');

  const certificate = doc.certificate as Partial<ConsentCertificate>;
  const report = verifyChain(Array.isArray(certificate.consentLog) ? certificate.consentLog : []);
  const chainIntact = report.intact && report.head === (certificate.chain?.head ?? null);
  if (!chainIntact) problems.push('the consent log in the certificate does not chain up to its stated head');

  return {
    valid: problems.length === 0,
    hashMatches,
    signatureValid,
    chainIntact,
    problems,
  };
}
