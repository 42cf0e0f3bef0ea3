/**
 * S3 for the local runtime: s3rver (the S3 REST API on the file system) behind a front that makes
 * the checks s3rver leaves out, so the same SDK code (and the same presigned forms) work locally as
 * in AWS, through the SDK's endpoint setting (`AWS_ENDPOINT_URL_S3`, path-style addressing).
 *
 * What the front adds:
 * - Signatures: a header-signed request's SigV4 signature is recomputed with the SDK's signer
 *   (every local key's secret is `local`) and a mismatch answered `SignatureDoesNotMatch`; s3rver
 *   checks only that the key exists. A query-signed URL (a presigned GET, as the download links are)
 *   is checked as S3 checks it (SigV4 "Authenticating Requests: Using Query Parameters"): its
 *   signature over the method, path, query and signed headers with an unsigned payload, and its
 *   expiry (`X-Amz-Date` + `X-Amz-Expires`, at most 7 days) against the clock of the runtime (`now`;
 *   the signer dates the URL by the same clock), answered `AccessDenied` "Request has expired".
 *   s3rver, which would check the expiry again by the real clock, gets the checked request without
 *   its query authentication.
 * - IAM: a function's request (signed with its own key, ../iam/access.ts), header- or query-signed,
 *   runs only if its policy in the synthesized template allows the action on the object or bucket;
 *   otherwise it is answered `AccessDenied`, as S3 answers. A presigned URL acts as its signer.
 * - Presigned POST uploads (S3 API Reference, "Browser-Based Uploads Using POST"), which s3rver
 *   stores without reading the policy: the front checks the policy's signature, its expiration, each
 *   condition (`bucket`, `key`, `eq`, `starts-with`, `content-length-range` against the file's size)
 *   and that the signer may PutObject the key, then hands the form to s3rver.
 * - Object-created notifications: `onObjectCreated` listeners hear of each object written, in the
 *   shape of an S3 event record, as EventBridge or a bucket notification would deliver it.
 *
 * Not emulated: encryption (SSE-KMS is the bucket's in AWS; locally files are plain on disk), bucket
 * policies (the `aws:SecureTransport` deny: the local endpoint is plain HTTP), lifecycle expiry.
 * Form uploads are read into memory before they are checked (the local files are small).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import S3rver from 's3rver';
import type { AccessGuard, AccessRequest, Refusal } from '../iam/access';

/** The secret of every local access key (the operator's and each function's). */
const LOCAL_SECRET = 'local';
/** The largest form upload the front reads into memory. */
const MAX_FORM_BYTES = 256 * 1024 * 1024;

export interface ObjectCreated {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

export interface LocalS3Options {
  /** Buckets that exist from the start (the stack's). */
  readonly buckets: readonly string[];
  /** Keep objects here (`<dataDir>/s3`); a temporary directory, removed at stop, when unset. */
  readonly dataDir?: string;
  readonly region: string;
  readonly guard?: AccessGuard;
  /** The time presigned URLs are checked against (ms since the epoch); the real clock when unset. */
  readonly now?: () => number;
}

export interface LocalS3 {
  readonly url: string;
  bucketArn(bucket: string): string;
  /** Calls `listener` for each object written (PUT, form POST, copy, multipart upload). */
  onObjectCreated(listener: (object: ObjectCreated) => void): void;
  stop(): Promise<void>;
}

interface S3EventRecord {
  readonly eventName?: string;
  readonly s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number } };
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const temporary = options.dataDir === undefined;
  const directory = temporary ? mkdtempSync(join(tmpdir(), 'optline-s3-')) : join(options.dataDir!, 's3');
  mkdirSync(directory, { recursive: true });
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const inner = await s3rver.run();
  const listeners: ((object: ObjectCreated) => void)[] = [];
  (s3rver as unknown as NodeJS.EventEmitter).on('event', (event: { Records?: S3EventRecord[] }) => {
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith('ObjectCreated:')) continue;
      const bucket = record.s3?.bucket?.name;
      const key = record.s3?.object?.key;
      if (!bucket || key === undefined) continue;
      const object = { bucket, key: decodeURIComponent(key), size: Number(record.s3?.object?.size ?? 0) };
      for (const listener of listeners) listener(object);
    }
  });
  const registered = new Set<string>();
  const register = (accessKey: string | undefined) => {
    if (!accessKey || registered.has(accessKey)) return;
    registered.add(accessKey);
    accountRegistry().createKeyPair(accessKey, LOCAL_SECRET);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const [, bucket = '', ...keyParts] = url.pathname.split('/');
        const key = decodeURIComponent(keyParts.join('/'));
        const isForm =
          req.method === 'POST' &&
          key === '' &&
          String(req.headers['content-type'] ?? '').startsWith('multipart/form-data');
        if (isForm) {
          const body = await readAll(req, MAX_FORM_BYTES);
          const problem = await checkForm(body, req, bucket, options);
          if (problem) return sendError(res, problem.status, problem.code, problem.message);
          forward(req, res, inner, body);
          return;
        }
        const accessKey = accessKeyOf(req, url);
        register(accessKey);
        const querySigned = url.searchParams.has('X-Amz-Signature');
        if (querySigned) {
          const problem = querySignatureProblem(req, url, options.region, options.now?.() ?? Date.now());
          if (problem) return sendError(res, problem.status, problem.code, problem.message);
        } else if (req.headers.authorization && !(await headerSignatureMatches(req, url)))
          return sendError(
            res,
            403,
            'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          );
        const caller = accessKey ? options.guard?.callerOf(`Credential=${accessKey}/`) : undefined;
        if (caller) {
          const refusal = options.guard!.check(caller, accessOf(req.method ?? 'GET', url, bucket, key));
          if (refusal) return sendError(res, 403, 'AccessDenied', refusal.message);
        }
        // s3rver would check a presigned URL's expiry again by the real clock: it gets the request
        // the front has checked without its query authentication.
        forward(req, res, inner, undefined, querySigned ? withoutQueryAuthentication(url) : undefined);
      } catch (error) {
        sendError(res, 500, 'InternalError', error instanceof Error ? error.message : String(error));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bucketArn: (bucket) => `arn:aws:s3:::${bucket}`,
    onObjectCreated: (listener) => {
      listeners.push(listener);
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await s3rver.close();
      for (const accessKey of registered) accountRegistry().revokeAccessKey(accessKey);
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** s3rver's registry of access keys (its signature check looks the secret up there). */
function accountRegistry(): {
  createKeyPair(accessKeyId: string, secret: string): void;
  revokeAccessKey(accessKeyId: string): void;
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const accounts = require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: ReturnType<typeof accountRegistry>;
  };
  return accounts.DUMMY_ACCOUNT;
}

/** The access key of a header- or query-signed request. */
function accessKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  const fromHeader = header?.match(/Credential=([^/,\s]+)\//)?.[1];
  return fromHeader ?? url.searchParams.get('X-Amz-Credential')?.split('/')[0] ?? undefined;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 (?=.*Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/s3\/aws4_request)(?=.*SignedHeaders=([a-z0-9;-]+))(?=.*Signature=([0-9a-f]{64}))/;

/** Whether a header-signed request's signature is the one its key's secret makes (S3's SigV4). */
async function headerSignatureMatches(req: IncomingMessage, url: URL): Promise<boolean> {
  const parts = AUTHORIZATION.exec(String(req.headers.authorization));
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(req.headers['x-amz-date'] ?? ''));
  if (!parts || !date) return false;
  const [, accessKeyId = '', , region = '', signedList = '', signature = ''] = parts;
  const [, y, mo, d, h, mi, sec] = date.map(Number) as number[];
  const signed = new Set(signedList.split(';'));
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  const [hostname = '', port] = (headers.host ?? '').split(':');
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: LOCAL_SECRET },
    region,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent, encoded once; the payload hash is the x-amz-content-sha256 header.
    uriEscapePath: false,
    applyChecksum: false,
  });
  const expected = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: url.pathname,
      query,
      headers,
    },
    { signingDate: new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!)), signableHeaders: signed },
  );
  const recomputed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
  return timingSafeEqual(Buffer.from(recomputed.padEnd(64, '0')), Buffer.from(signature.padEnd(64, '0')));
}

/** The longest a presigned URL may be valid (S3: 7 days). */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/**
 * S3's checks of a query-signed (presigned) request: the SigV4 signature its key's secret makes over
 * the canonical request (payload `UNSIGNED-PAYLOAD`), and that it has not expired at `nowMs`.
 */
function querySignatureProblem(
  req: IncomingMessage,
  url: URL,
  region: string,
  nowMs: number,
): Problem | undefined {
  const param = (name: string) => url.searchParams.get(name) ?? '';
  const denied = (message: string): Problem => ({ status: 403, code: 'AccessDenied', message });
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request$/.exec(param('X-Amz-Credential'));
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(param('X-Amz-Date'));
  const expires = Number(param('X-Amz-Expires'));
  const signedList = param('X-Amz-SignedHeaders');
  if (
    param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
    !credential ||
    !date ||
    !signedList ||
    !Number.isInteger(expires) ||
    expires < 1 ||
    expires > MAX_PRESIGNED_SECONDS
  )
    return {
      status: 400,
      code: 'AuthorizationQueryParametersError',
      message:
        'X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Expires (1 to 604800 seconds) are required.',
    };
  const [, , day = '', scopeRegion = ''] = credential;
  if (scopeRegion !== region) return denied(`the region '${scopeRegion}' is wrong; expecting '${region}'`);
  const amzDate = param('X-Amz-Date');
  if (!amzDate.startsWith(day)) return denied('The credential date does not match X-Amz-Date.');
  const [, y, mo, d, h, mi, sec] = date.map(Number) as number[];
  const signedAt = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!);
  if (nowMs > signedAt + expires * 1000) return denied('Request has expired');

  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y2]) => (a < b ? -1 : a > b ? 1 : x < y2 ? -1 : x > y2 ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedList.split(';');
  const headers = names
    .map((name) => {
      const value = req.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payload = url.searchParams.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const canonical = [req.method ?? 'GET', url.pathname, query, headers, signedList, payload].join('\n');
  const scope = `${day}/${scopeRegion}/s3/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key: Buffer = Buffer.from(`AWS4${LOCAL_SECRET}`);
  for (const part of [day, scopeRegion, 's3', 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(param('X-Amz-Signature'), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  return undefined;
}

/** What IAM checks for a REST request (the operations the platform makes). */
function accessOf(method: string, url: URL, bucket: string, key: string): AccessRequest[] {
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  if (key === '') {
    if (method === 'GET' || method === 'HEAD') return [{ action: 's3:ListBucket', resource: bucketArn }];
    if (method === 'POST' && url.searchParams.has('delete'))
      return [{ action: 's3:DeleteObject', resource: `${bucketArn}/*` }];
    return [{ action: `s3:${method === 'PUT' ? 'CreateBucket' : 'DeleteBucket'}`, resource: bucketArn }];
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [{ action: 's3:GetObject', resource: objectArn }];
    case 'DELETE':
      return [
        {
          action: url.searchParams.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject',
          resource: objectArn,
        },
      ];
    default:
      return [{ action: 's3:PutObject', resource: objectArn }];
  }
}

interface Problem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** S3's checks of a form upload: signature, expiration, conditions, and the signer's permission. */
async function checkForm(
  body: Buffer,
  req: IncomingMessage,
  bucket: string,
  options: LocalS3Options,
): Promise<Problem | undefined> {
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': String(req.headers['content-type']) },
  }).formData();
  // Field names are case-insensitive (S3 reads `X-Amz-Signature` and `x-amz-signature` alike).
  const values: Record<string, string> = {};
  form.forEach((value, name) => {
    if (typeof value === 'string') values[name.toLowerCase()] = value;
  });
  const field = (name: string): string | undefined => values[name];
  const file = form.get('file');
  if (!file || typeof file === 'string')
    return {
      status: 400,
      code: 'InvalidArgument',
      message: 'POST requires exactly one file upload per request.',
    };
  const key = field('key');
  const policy = field('policy');
  const credential = field('x-amz-credential');
  const signature = field('x-amz-signature');
  const denied = (message: string): Problem => ({ status: 403, code: 'AccessDenied', message });
  if (!key)
    return { status: 400, code: 'InvalidArgument', message: "Bucket POST must contain a field named 'key'." };
  if (!policy || !credential || !signature)
    return denied('Bucket POST must be signed (policy, x-amz-signature).');
  const [accessKey = '', date = '', region = '', service = ''] = credential.split('/');
  if (region !== options.region || service !== 's3')
    return denied(`Invalid according to Policy: credential scope ${region}/${service}`);
  let signingKey: Buffer = Buffer.from(`AWS4${LOCAL_SECRET}`);
  for (const part of [date, region, service, 'aws4_request'])
    signingKey = createHmac('sha256', signingKey).update(part).digest();
  const expected = createHmac('sha256', signingKey).update(policy).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  let document: { expiration?: string; conditions?: unknown[] };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as typeof document;
  } catch {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  // The signer's clock is the SDK's (the real one); S3 compares with its own.
  if (!document.expiration || Date.parse(document.expiration) <= Date.now())
    return denied('Invalid according to Policy: Policy expired.');
  values.bucket = bucket;
  for (const condition of document.conditions ?? []) {
    const failed = conditionFailure(condition, values, file.size);
    if (failed) return failed;
  }
  const caller = options.guard?.callerOf(`Credential=${accessKey}/`);
  const refusal: Refusal | undefined =
    caller === undefined
      ? undefined
      : options.guard!.check(caller, [{ action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${key}` }]);
  return refusal ? denied(refusal.message) : undefined;
}

function conditionFailure(
  condition: unknown,
  values: Readonly<Record<string, string>>,
  size: number,
): Problem | undefined {
  const failed = (text: string): Problem => ({
    status: 403,
    code: 'AccessDenied',
    message: `Invalid according to Policy: Policy Condition failed: ${text}`,
  });
  if (Array.isArray(condition)) {
    const [operator, name, value] = condition as [string, unknown, unknown];
    if (operator === 'content-length-range') {
      if (size < Number(name) || size > Number(value))
        return {
          status: 400,
          code: size > Number(value) ? 'EntityTooLarge' : 'EntityTooSmall',
          message: `Your proposed upload is ${size > Number(value) ? 'larger than the maximum' : 'smaller than the minimum'} allowed size`,
        };
      return undefined;
    }
    const field = String(name).replace(/^\$/, '').toLowerCase();
    const actual = values[field] ?? '';
    if (operator === 'eq' && actual !== String(value)) return failed(JSON.stringify(condition));
    if (operator === 'starts-with' && !actual.startsWith(String(value)))
      return failed(JSON.stringify(condition));
    return undefined;
  }
  for (const [name, value] of Object.entries((condition ?? {}) as Record<string, unknown>)) {
    if ((values[name.toLowerCase()] ?? '') !== String(value))
      return failed(JSON.stringify({ [name]: value }));
  }
  return undefined;
}

function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`a form upload over ${limit} bytes is not read by the local S3`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The path and query of a presigned request without its SigV4 parameters. */
function withoutQueryAuthentication(url: URL): string {
  const query = new URLSearchParams([...url.searchParams].filter(([name]) => !/^X-Amz-/i.test(name)));
  const text = query.toString();
  return text ? `${url.pathname}?${text}` : url.pathname;
}

/** Hands the request to s3rver as it came (the Host header kept: it is signed), or at `path`. */
function forward(
  req: IncomingMessage,
  res: import('node:http').ServerResponse,
  inner: AddressInfo,
  body?: Buffer,
  path: string | undefined = req.url,
): void {
  const upstream = httpRequest(
    {
      host: inner.address,
      port: inner.port,
      method: req.method,
      path,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => sendError(res, 502, 'InternalError', error.message));
  if (body) upstream.end(body);
  else req.pipe(upstream);
}

function sendError(
  res: import('node:http').ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const escape = (text: string) =>
    text.replace(
      /[<>&'"]/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
    );
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escape(message)}</Message></Error>`,
  );
}
