/**
 * API Gateway → GET /v1/profiles/{phone}/consent-certificate and GET /v1/consent-certificates/public-key
 * → the number's consent certificate signed with the KMS key, as JSON or (`Accept: application/pdf`)
 * as a PDF carrying the same signed JSON, or the key's public half to check it with
 * (docs/consent-evidence.md#certificates). A certificate larger than a response carries is answered
 * with a short-lived download link (./shared/download-response.ts).
 */
import { DomainError } from '../domain/errors';
import { normalisePhone } from '../domain/phone';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { certificatePdf } from '../domain/consent-certificate-pdf';
import { S3DownloadLinks } from '../adapters/download-links';
import { KmsCertificateSigner } from '../adapters/kms-certificate-signer';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { issueCertificate, type CertificateDeps } from '../services/consent-certificates';
import { downloadResponse, MAX_RESPONSE_BYTES, responseBytes } from './shared/download-response';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('consentCertificatesApi');

class NotAcceptableError extends DomainError {
  override readonly name = 'NotAcceptableError';
  readonly status = 406;
  readonly code = 'not_acceptable';
}

let deps: (CertificateDeps & { downloads: S3DownloadLinks }) | undefined;
function dependencies(): CertificateDeps & { downloads: S3DownloadLinks } {
  const env = environment();
  const program = runtimeConfig();
  deps ??= {
    clock: systemClock,
    profiles: new DynamoProfileStore(env.profilesTable),
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    messages: new DynamoMessageStore(env.messagesTable),
    signer: new KmsCertificateSigner(env.certificateKey),
    program: { brand: program.brand, ...(program.programName ? { programName: program.programName } : {}) },
    downloads: new S3DownloadLinks(env.downloadsBucket, 'certificates/', systemClock),
  };
  return deps;
}

type CertificateFormat = 'json' | 'pdf';

/**
 * The format a request's `Accept` header asks for: the first of its types (highest `q` first, then
 * in the order given) that is served. A PDF only when asked for by name: `application/*` and `*` + `/*`
 * are answered JSON, and API Gateway sends a PDF as bytes only when `application/pdf` is the first
 * type asked for. No header is JSON; nothing served is undefined.
 */
export function certificateFormat(accept: string | undefined): CertificateFormat | undefined {
  if (!accept?.trim()) return 'json';
  const asked = accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, order, q: q ? Number(q.slice(2)) : 1 };
    })
    .filter(({ q }) => q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { type } of asked) {
    if (type === 'application/pdf') return 'pdf';
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
  }
  return undefined;
}

export const handler = httpHandler(environment, {
  'GET /v1/profiles/{phone}/consent-certificate': async (request) => {
    const format = certificateFormat(request.headers.accept);
    if (!format)
      throw new NotAcceptableError(
        'a certificate is served as application/json or application/pdf',
        'Accept',
      );
    const phone = normalisePhone(request.pathParameters.phone, phonePolicy(runtimeConfig()), 'phone').e164;
    const signed = await issueCertificate(dependencies(), phone);
    const fileName = `consent-certificate-${phone.slice(1)}.${format}`;
    if (format === 'json') {
      const json = Buffer.from(JSON.stringify(signed));
      if (responseBytes(json, false) <= MAX_RESPONSE_BYTES) return { status: 200, body: signed };
      return downloadResponse(dependencies().downloads, {
        body: json,
        contentType: 'application/json',
        fileName,
      });
    }
    const pdf = await certificatePdf(signed);
    if (responseBytes(pdf, true) > MAX_RESPONSE_BYTES)
      return downloadResponse(dependencies().downloads, {
        body: pdf,
        contentType: 'application/pdf',
        fileName,
      });
    return {
      status: 200,
      binary: pdf,
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${fileName}"`,
        'cache-control': 'no-store',
      },
    };
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
