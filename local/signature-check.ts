/**
 * Checks AWS Signature Version 4 on requests to the local API as API Gateway checks IAM routes: the
 * signature is recomputed with the AWS SDK's own signer (@smithy/signature-v4) from the headers the
 * request says it signed, and compared. A refusal carries API Gateway's error type
 * (`x-amzn-errortype`) and message, as a signed client or curl sees them in AWS:
 * https://repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { getCanonicalHeaders, getPayloadHash, SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What a local caller signs with unless OPTLINE_LOCAL_CREDENTIALS says otherwise. */
export const LOCAL_CREDENTIALS: SigningCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_SIGNING_SCOPE = { region: 'us-east-1', service: 'execute-api' } as const;

/** `key:secret` (the setting named `setting`), or the default local pair. */
export function parseLocalCredentials(value: string | undefined, setting: string): SigningCredentials {
  if (value === undefined || value === '') return LOCAL_CREDENTIALS;
  const separator = value.indexOf(':');
  if (separator <= 0 || separator === value.length - 1)
    throw new Error(`${setting} must be <access key id>:<secret access key>`);
  return { accessKeyId: value.slice(0, separator), secretAccessKey: value.slice(separator + 1) };
}

export type SignatureVerdict =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'valid'; readonly accessKeyId: string }
  | { readonly kind: 'refused'; readonly errorType: string; readonly message: string };

/** API Gateway accepts a signature made up to 5 minutes before or after its own clock. */
const SKEW_MS = 5 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 (?=.*Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request)(?=.*SignedHeaders=([a-z0-9;-]+))(?=.*Signature=([0-9a-f]{64}))/;

/** Exposes the signer's canonical request and string to sign, for the mismatch message. */
class RecomputingSigner extends SignatureV4 {
  async explain(request: HttpRequest, signed: Set<string>, longDate: string, scope: string) {
    const headers = getCanonicalHeaders(request, undefined, signed);
    const canonicalRequest = this.createCanonicalRequest(
      request,
      headers,
      await getPayloadHash(request, Hash.bind(null, 'sha256')),
    );
    return {
      canonicalRequest,
      stringToSign: await this.createStringToSign(longDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256'),
    };
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20261202T074000Z` → Date. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

const amzDate = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export async function checkSignature(input: {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly credentials: SigningCredentials;
  /** API Gateway's clock: the wall clock, not the runtime's virtual one. */
  readonly now: Date;
}): Promise<SignatureVerdict> {
  const authorization = header(input.headers, 'authorization');
  if (authorization === undefined) return { kind: 'unsigned' };
  const parts = AUTHORIZATION.exec(authorization);
  if (!parts) {
    const missing = ['Credential', 'Signature', 'SignedHeaders']
      .filter((name) => !new RegExp(`\\b${name}=`).test(authorization))
      .map((name) => `Authorization header requires '${name}' parameter.`);
    return {
      kind: 'refused',
      errorType: 'IncompleteSignatureException',
      message: `${missing.join(' ') || 'Authorization header is not a valid AWS4-HMAC-SHA256 signature.'} Authorization=${authorization}`,
    };
  }
  const [, accessKeyId = '', , region = '', service = '', signedList = '', signature = ''] = parts;
  const dateHeader = header(input.headers, 'x-amz-date');
  const signingDate = dateHeader === undefined ? undefined : parseAmzDate(dateHeader);
  if (!signingDate) {
    return {
      kind: 'refused',
      errorType: 'IncompleteSignatureException',
      message: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`,
    };
  }
  if (accessKeyId !== input.credentials.accessKeyId) {
    return {
      kind: 'refused',
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const now = input.now.getTime();
  if (signingDate.getTime() < now - SKEW_MS) {
    return {
      kind: 'refused',
      errorType: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate(signingDate)} is now earlier than ${amzDate(new Date(now - SKEW_MS))} (${amzDate(input.now)} - 5 min.)`,
    };
  }
  if (signingDate.getTime() > now + SKEW_MS) {
    return {
      kind: 'refused',
      errorType: 'InvalidSignatureException',
      message: `Signature not yet current: ${amzDate(signingDate)} is still later than ${amzDate(new Date(now + SKEW_MS))} (${amzDate(input.now)} + 5 min.)`,
    };
  }

  // The request as the caller signed it: its signed headers only, this body, this path and query.
  const signed = new Set(signedList.split(';'));
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(input.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(input.url.searchParams.keys())) {
    const values = input.url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  const [hostname = '', port] = (headers.host ?? '').split(':');
  const request: HttpRequest = {
    method: input.method,
    protocol: 'http:',
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: input.url.pathname,
    query,
    headers,
    body: input.body,
  };
  // A payload hash header must be the body's: the signature covers the header, not the body then.
  const bodyHash = await getPayloadHash({ ...request, headers: {} }, Hash.bind(null, 'sha256'));
  const claimed = headers['x-amz-content-sha256'];
  const signer = new RecomputingSigner({
    credentials: {
      ...input.credentials,
      ...(headers['x-amz-security-token'] ? { sessionToken: headers['x-amz-security-token'] } : {}),
    },
    // The scope the caller chose, checked below: a wrong region or service is a mismatch.
    region: LOCAL_SIGNING_SCOPE.region,
    service: LOCAL_SIGNING_SCOPE.service,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const expected = await signer.sign(request, { signingDate, signableHeaders: signed });
  const expectedSignature =
    /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const matches =
    region === LOCAL_SIGNING_SCOPE.region &&
    service === LOCAL_SIGNING_SCOPE.service &&
    (claimed === undefined || claimed === bodyHash) &&
    timingSafeEqual(Buffer.from(expectedSignature.padEnd(64, '0')), Buffer.from(signature.padEnd(64, '0')));
  if (matches) return { kind: 'valid', accessKeyId };
  const scope = `${amzDate(signingDate).slice(0, 8)}/${LOCAL_SIGNING_SCOPE.region}/${LOCAL_SIGNING_SCOPE.service}/aws4_request`;
  const { canonicalRequest, stringToSign } = await signer.explain(
    { ...request, headers: { ...headers, 'x-amz-date': amzDate(signingDate) } },
    signed,
    amzDate(signingDate),
    scope,
  );
  return {
    kind: 'refused',
    errorType: 'InvalidSignatureException',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
      `\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
  };
}
