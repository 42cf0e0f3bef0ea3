/**
 * Certificates and exports larger than an API response, against the local runtime: the route
 * answers a short-lived download link instead of the document; the link, fetched with no
 * credentials, gives the document (the JSON certificate checks with the public key, the PDF renders
 * and carries the signed JSON, the export is the whole export), and the local S3 refuses it once
 * changed or expired, as S3 does. The numbers are seeded with thousands of consent log entries,
 * chained as the store chains them, to pass the real limit.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_LINK_SECONDS, type DownloadLink } from '../../lambdas/adapters/download-links';
import type { ConsentEvent, ConsentLogEntry } from '../../lambdas/domain/consent';
import { chained, GENESIS_HASH } from '../../lambdas/domain/consent-chain';
import { checkCertificate, type SignedCertificate } from '../../lambdas/domain/consent-certificate';
import { CERTIFICATE_ATTACHMENT_NAME } from '../../lambdas/domain/consent-certificate-pdf';
import { MAX_RESPONSE_BYTES } from '../../lambdas/handlers/shared/download-response';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { OpenApiChecker } from '../support/openapi';
import { readPdf } from '../support/pdf';

const START = new Date('2026-11-12T16:00:00Z');
const never = { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} } as const;
const DISCLOSURE =
  'By checking this box you agree to receive recurring automated marketing text messages (e.g. cart reminders) from Acme Coffee at the number provided. Consent is not a condition of purchase. Msg frequency varies. Msg & data rates may apply. Reply HELP for help and STOP to cancel. Terms: https://acme.example/terms Privacy: https://acme.example/privacy';

/** `count` sign-ups and opt-outs by form, chained as the consent log store chains them. */
function consentLog(phone: string, count: number): ConsentLogEntry[] {
  const entries: ConsentLogEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const subscribes = seq % 2 === 1;
    const at = new Date(Date.UTC(2021, 0, 1) + seq * 3_600_000).toISOString();
    const event: ConsentEvent = {
      phone,
      eventKey: String(seq).padStart(10, '0'),
      seq,
      eventId: `form-${seq}`,
      at,
      recordedAt: at,
      action: subscribes ? 'opt_in_confirmed' : 'opted_out',
      classes: ['marketing'],
      previous: { ...never, marketing: subscribes ? 'unsubscribed' : 'subscribed' },
      next: { ...never, marketing: subscribes ? 'subscribed' : 'unsubscribed' },
      applied: true,
      evidence: {
        method: 'form',
        source: 'footer-form',
        disclosure: { version: 'v3', text: DISCLOSURE },
        pageUrl: 'https://acme.example/signup?utm_source=newsletter&utm_campaign=fall',
        ip: '203.0.113.7',
        userAgent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      },
      effects: { replies: [], events: [] },
    };
    const entry = chained(event, prevHash);
    prevHash = entry.hash;
    entries.push(entry);
  }
  return entries;
}

describe('certificates and exports too large for a response', () => {
  let runtime: TestRuntime;
  const openApi = new OpenApiChecker();
  /** About 1.3 KB of certificate JSON an entry: this one's JSON passes the limit. */
  const large = '+12065550611';
  const largeEntries = 4_400;
  /** Its JSON stays under the limit; its PDF (base64) passes it. */
  const pdfOnly = '+12065550612';
  const pdfOnlyEntries = 3_200;

  const call = async (path: string, accept = 'application/json') => {
    const response = await fetch(`${runtime.url}${path}`, { headers: { accept } });
    return { status: response.status, text: await response.text() };
  };
  const certificatePath = (phone: string) => `/v1/profiles/${encodeURIComponent(phone)}/consent-certificate`;
  const linkOf = (route: string, answer: { status: number; text: string }): DownloadLink => {
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text) as { download: DownloadLink };
    expect(openApi.responseProblems(route, 200, body)).toEqual([]);
    return body.download;
  };
  const publicKey = async () =>
    (await runtime.get<{ publicKey: string }>('/v1/consent-certificates/public-key')).body.publicKey;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: runtime.dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      }),
    );
    const table = runtime.dynamo.tableNames.consentLog;
    const entries = [...consentLog(large, largeEntries), ...consentLog(pdfOnly, pdfOnlyEntries)];
    for (let i = 0; i < entries.length; i += 25) {
      let requests = entries.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
    client.destroy();
  }, 180_000);
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers a JSON certificate over the limit with a link to it that checks with the public key', async () => {
    const before = runtime.clock.now().getTime();
    const link = linkOf('GET /v1/profiles/{phone}/consent-certificate', await call(certificatePath(large)));
    expect(link).toMatchObject({ contentType: 'application/json' });
    expect(link.bytes).toBeGreaterThan(MAX_RESPONSE_BYTES);
    const expiresAt = Date.parse(link.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + DOWNLOAD_LINK_SECONDS * 1000);
    expect(expiresAt).toBeLessThanOrEqual(runtime.clock.now().getTime() + DOWNLOAD_LINK_SECONDS * 1000);
    // The key is a random id under the function's prefix; the number is nowhere in the URL.
    const url = new URL(link.url);
    expect(url.pathname).toMatch(/\/certificates\/[0-9a-f-]{36}\.json$/);
    expect(link.url).not.toContain(large.slice(2));

    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="consent-certificate-${large.slice(1)}.json"`,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(link.bytes);
    const signed = JSON.parse(bytes.toString('utf8')) as SignedCertificate;
    expect(signed.certificate.consentLog).toHaveLength(largeEntries);
    expect(signed.certificate.chain).toMatchObject({ entries: largeEntries, intact: true });
    expect(checkCertificate(signed, await publicKey())).toMatchObject({ valid: true });
  }, 120_000);

  it('refuses the link once changed, and once 15 minutes have passed', async () => {
    const link = linkOf('GET /v1/profiles/{phone}/consent-certificate', await call(certificatePath(large)));
    const tampered = new URL(link.url);
    tampered.pathname = tampered.pathname.replace(/[0-9a-f](\.json)$/, (c, ext: string) =>
      c.startsWith('0') ? `1${ext}` : `0${ext}`,
    );
    const changed = await fetch(tampered);
    expect(changed.status).toBe(403);
    expect(await changed.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const fresh = await fetch(link.url);
    expect(fresh.status).toBe(200);
    await fresh.arrayBuffer();
    runtime.clock.advance(DOWNLOAD_LINK_SECONDS * 1000 + 1_000);
    const expired = await fetch(link.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  }, 120_000);

  it('answers a PDF over the limit with a link to a PDF that renders and carries the signed JSON', async () => {
    const inline = await call(certificatePath(pdfOnly));
    expect(inline.status).toBe(200);
    expect(Buffer.byteLength(inline.text)).toBeLessThan(MAX_RESPONSE_BYTES);
    expect((JSON.parse(inline.text) as SignedCertificate).certificate.consentLog).toHaveLength(
      pdfOnlyEntries,
    );

    const link = linkOf(
      'GET /v1/profiles/{phone}/consent-certificate',
      await call(certificatePath(pdfOnly), 'application/pdf'),
    );
    expect(link.contentType).toBe('application/pdf');
    expect(Math.ceil(link.bytes / 3) * 4).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(new URL(link.url).pathname).toMatch(/\/certificates\/[0-9a-f-]{36}\.pdf$/);
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(link.bytes);
    // Rendering hundreds of pages takes half a minute: the first ones render, all the text reads.
    const pdf = readPdf(bytes, { renderPages: 3 });
    expect(pdf.pages).toHaveLength(3);
    expect(pdf.text.split('\f').length).toBeGreaterThan(100);
    expect(pdf.text).toContain(pdfOnly);
    const attached = JSON.parse(
      pdf.attachments.get(CERTIFICATE_ATTACHMENT_NAME)!.toString('utf8'),
    ) as SignedCertificate;
    expect(attached.certificate.consentLog).toHaveLength(pdfOnlyEntries);
    expect(checkCertificate(attached, await publicKey())).toMatchObject({ valid: true });
  }, 180_000);

  it('answers an export over the limit with a link to the whole export', async () => {
    const link = linkOf(
      'GET /v1/profiles/{phone}/export',
      await call(`/v1/profiles/${encodeURIComponent(large)}/export`),
    );
    expect(link.contentType).toBe('application/json');
    expect(link.bytes).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(new URL(link.url).pathname).toMatch(/\/exports\/[0-9a-f-]{36}\.json$/);
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    const exported = (await response.json()) as { phone: string; consentLog: unknown[] };
    expect(exported.phone).toBe(large);
    expect(exported.consentLog).toHaveLength(largeEntries);
    expect(openApi.responseProblems('GET /v1/profiles/{phone}/export', 200, exported)).toEqual([]);
  }, 120_000);
});
