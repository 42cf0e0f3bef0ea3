/**
 * Consent certificates (docs/consent-evidence.md#certificates): reads a number's profile, consent
 * log and messages, builds the certificate (../domain/consent-certificate.ts) and has its digest
 * signed by the certificate key.
 */
import type { Clock } from '../domain/clock';
import { buildCertificate, certificateDigest, type SignedCertificate } from '../domain/consent-certificate';
import { NotFoundError } from '../domain/errors';
import type { CertificateSigner } from '../domain/ports/certificate-signer';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import type { MessageRecord, MessageStore } from '../domain/stores/message';
import type { ProfileStore } from '../domain/stores/profile';

export interface CertificateDeps {
  readonly clock: Clock;
  readonly profiles: Pick<ProfileStore, 'get'>;
  readonly consentLog: Pick<ConsentLogStore, 'list'>;
  readonly messages: Pick<MessageStore, 'pageByPhone'>;
  readonly signer: CertificateSigner;
  readonly program: { readonly brand: string; readonly programName?: string };
}

export async function issueCertificate(deps: CertificateDeps, phone: string): Promise<SignedCertificate> {
  const [profile, consentLog, messages] = await Promise.all([
    deps.profiles.get(phone),
    deps.consentLog.list(phone),
    allMessages(deps.messages, phone),
  ]);
  if (!profile && consentLog.length === 0)
    throw new NotFoundError(`no consent is recorded for ${phone}`, 'phone');
  const certificate = buildCertificate({
    phone,
    issuedAt: deps.clock.now().toISOString(),
    brand: deps.program.brand,
    ...(deps.program.programName ? { programName: deps.program.programName } : {}),
    profile,
    consentLog,
    messages,
  });
  const digest = certificateDigest(certificate);
  const signed = await deps.signer.signDigest(digest);
  return {
    certificate,
    hash: digest.toString('hex'),
    signature: Buffer.from(signed.signature).toString('base64'),
    keyId: signed.keyId,
    algorithm: signed.algorithm,
  };
}

async function allMessages(
  store: Pick<MessageStore, 'pageByPhone'>,
  phone: string,
): Promise<MessageRecord[]> {
  const all: MessageRecord[] = [];
  let after: Parameters<MessageStore['pageByPhone']>[1]['after'];
  do {
    const page = await store.pageByPhone(phone, { limit: 100, ...(after ? { after } : {}) });
    all.push(...page.messages);
    after = page.next;
  } while (after);
  return all;
}
