/**
 * API Gateway → GET /v1/profiles/{phone}/consent-certificate and GET /v1/consent-certificates/public-key
 * → the number's consent certificate signed with the KMS key, or the key's public half to check it
 * with (docs/consent-evidence.md#certificates).
 */
import { DomainError } from '../domain/errors';
import { normalisePhone } from '../domain/phone';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { KmsCertificateSigner } from '../adapters/kms-certificate-signer';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { issueCertificate, type CertificateDeps } from '../services/consent-certificates';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('consentCertificatesApi');

/** A Lambda response carries at most 6 MB; a certificate above this is refused rather than cut. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

class NotAcceptableError extends DomainError {
  override readonly name = 'NotAcceptableError';
  readonly status = 406;
  readonly code = 'not_acceptable';
}

class CertificateTooLargeError extends DomainError {
  override readonly name = 'CertificateTooLargeError';
  readonly status = 413;
  readonly code = 'certificate_too_large';
}

let deps: CertificateDeps | undefined;
function dependencies(): CertificateDeps {
  const env = environment();
  const program = runtimeConfig();
  deps ??= {
    clock: systemClock,
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    messages: new DynamoMessageStore(env.messagesTable),
    signer: new KmsCertificateSigner(env.certificateKey),
    program: { brand: program.brand, ...(program.programName ? { programName: program.programName } : {}) },
  };
  return deps;
}

/** The media type a request accepts: JSON unless it asks for something else. */
function wantsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  return types.some((t) => t === 'application/json' || t === 'application/*' || t === '*/*');
}

export const handler = httpHandler(environment, {
  'GET /v1/profiles/{phone}/consent-certificate': async (request) => {
    if (!wantsJson(request.headers.accept))
      throw new NotAcceptableError('a certificate is served as application/json', 'Accept');
    const phone = normalisePhone(request.pathParameters.phone, phonePolicy(runtimeConfig()), 'phone').e164;
    const signed = await issueCertificate(dependencies(), phone);
    const bytes = Buffer.byteLength(JSON.stringify(signed));
    if (bytes > MAX_RESPONSE_BYTES)
      throw new CertificateTooLargeError(
        `the certificate is ${bytes} bytes, more than a response carries (${MAX_RESPONSE_BYTES})`,
        'phone',
      );
    return { status: 200, body: signed };
  },
  'GET /v1/consent-certificates/public-key': async () => {
    const key = await dependencies().signer.publicKey();
    return {
      status: 200,
      body: { keyId: key.keyId, keySpec: key.keySpec, algorithm: key.algorithm, publicKey: key.pem },
      // The key never changes: caches may keep it for a day.
      headers: { 'cache-control': 'public, max-age=86400' },
    };
  },
});
