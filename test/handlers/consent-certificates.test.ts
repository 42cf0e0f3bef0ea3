/**
 * Consent certificates against the local runtime: the certificate route signs through the local KMS
 * endpoint (the same SDK call as in AWS, under the function's own policy), the public-key route gives
 * the key that checks it, and `optline consent check-certificate` accepts it and refuses it once a
 * byte is changed. The PDF comes through the local API as bytes, as API Gateway sends a binary media
 * type, and opens in poppler-utils.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optlineInProcess } from '../support/optline-cli';
import { checkCertificate, type SignedCertificate } from '../../lambdas/domain/consent-certificate';
import { CERTIFICATE_ATTACHMENT_NAME } from '../../lambdas/domain/consent-certificate-pdf';
import { readPdf } from '../support/pdf';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, subscribeByKeyword, type TestRuntime } from '../support/local-runtime';

interface PublicKey {
  keyId: string;
  keySpec: string;
  algorithm: string;
  publicKey: string;
}

describe('consent certificates', () => {
  let runtime: TestRuntime;
  const dir = mkdtempSync(join(tmpdir(), 'optline-certificates-'));
  const phone = '+12065550401';
  const certificateOf = async (number: string, accept = 'application/json') => {
    const response = await fetch(
      `${runtime.url}/v1/profiles/${encodeURIComponent(number)}/consent-certificate`,
      {
        headers: { accept },
      },
    );
    return {
      status: response.status,
      body: (await response.json()) as SignedCertificate & { error?: { code: string } },
    };
  };
  /** What it printed on either stream. */
  const optline = async (...args: string[]) => {
    const run = await optlineInProcess(args, { cwd: dir, env: { OPTLINE_API_URL: runtime.url } });
    return { code: run.code, stdout: run.stdout + run.stderr };
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY });
    await subscribeByKeyword(runtime, phone);
    await runtime.text(phone, 'STOP');
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('certifies the consent history, the texts sent and the state, signed with the KMS key', async () => {
    const { status, body } = await certificateOf(phone);
    expect(status).toBe(200);
    const { certificate } = body;
    expect(certificate.consentLog.map((e) => ('action' in e ? e.action : e.outcome))).toEqual([
      'opt_in_requested',
      'opt_in_confirmed',
      'opted_out',
    ]);
    expect(certificate.consentLog[0]).toMatchObject({ evidence: { method: 'keyword', messageBody: 'JOIN' } });
    expect(certificate.messages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(certificate.messages.map((m) => m.messageClass))).toEqual(new Set(['compliance']));
    expect(certificate.currentState).toMatchObject({
      marketing: 'unsubscribed',
      optedOut: true,
      onOptOutList: true,
    });
    expect(certificate.chain).toMatchObject({
      entries: 3,
      intact: true,
      head: certificate.consentLog[2]!.hash,
    });
    expect(body).toMatchObject({
      algorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      keyId: runtime.environmentOf('consentCertificatesApi').certificateKey,
    });
  });

  it('checks with the public key the public route serves', async () => {
    const key = await runtime.get<PublicKey>('/v1/consent-certificates/public-key');
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ keySpec: 'RSA_2048', algorithm: 'RSASSA_PKCS1_V1_5_SHA_256' });
    expect(key.body.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const { body } = await certificateOf(phone);
    expect(body.keyId).toBe(key.body.keyId);
    expect(checkCertificate(body, key.body.publicKey).valid).toBe(true);
  });

  it('is accepted by optline consent check-certificate, online and with a key file', async () => {
    const { body } = await certificateOf(phone);
    writeFileSync(join(dir, 'cert.json'), JSON.stringify(body, null, 2));
    const online = await optline('consent', 'check-certificate', 'cert.json');
    expect(online.code).toBe(0);
    expect(online.stdout).toContain(`${phone} issued ${body.certificate.issuedAt}: VALID`);

    const key = await runtime.get<PublicKey>('/v1/consent-certificates/public-key');
    writeFileSync(join(dir, 'key.pem'), key.body.publicKey);
    const offline = await optline('consent', 'check-certificate', 'cert.json', '--public-key', 'key.pem');
    expect(offline.code).toBe(0);
  });

  it('is refused by check-certificate once one byte of it is changed', async () => {
    const text = readFileSync(join(dir, 'cert.json'), 'utf8');
    writeFileSync(join(dir, 'edited.json'), text.replace('"messageBody": "YES"', '"messageBody": "YEs"'));
    expect(readFileSync(join(dir, 'edited.json'), 'utf8')).not.toBe(text);
    const run = await optline('consent', 'check-certificate', 'edited.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT VALID (hash differs, signature invalid, chain broken)');
  });

  const pdfOf = async (number: string, accept: string) => {
    const response = await fetch(
      `${runtime.url}/v1/profiles/${encodeURIComponent(number)}/consent-certificate`,
      { headers: { accept } },
    );
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('answers a PDF for Accept: application/pdf that renders and shows the history', async () => {
    const { response, bytes } = await pdfOf(phone, 'application/pdf');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="consent-certificate-${phone.slice(1)}.pdf"`,
    );
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = readPdf(bytes);
    expect(pdf.pages.length).toBeGreaterThanOrEqual(1);
    const text = pdf.text.replace(/\s+/g, ' ');
    expect(text).toContain(phone);
    for (const action of ['opt_in_requested', 'opt_in_confirmed', 'opted_out'])
      expect(text).toContain(action);
    expect(text).toContain('text sent: "JOIN"');
    expect(text).toContain('text sent: "STOP"');
  });

  it('carries in the PDF the signed certificate, which checks with the public key', async () => {
    const { bytes } = await pdfOf(phone, 'application/pdf');
    const attached = readPdf(bytes).attachments.get(CERTIFICATE_ATTACHMENT_NAME);
    const document = JSON.parse(attached!.toString('utf8')) as SignedCertificate;
    const key = await runtime.get<PublicKey>('/v1/consent-certificates/public-key');
    expect(checkCertificate(document, key.body.publicKey).valid).toBe(true);
    expect(document.keyId).toBe(key.body.keyId);
    expect(readPdf(bytes).text).toContain(document.hash);
  });

  it('is accepted by check-certificate as the PDF, and refused once a byte of its attachment is changed', async () => {
    const { bytes } = await pdfOf(phone, 'application/pdf');
    writeFileSync(join(dir, 'cert.pdf'), bytes);
    const run = await optline('consent', 'check-certificate', 'cert.pdf');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${phone} issued`);
    expect(run.stdout).toContain('VALID (hash matches, signature valid, chain intact)');

    const { PDFDocument } = await import('pdf-lib');
    const document = await PDFDocument.create();
    const attached = readPdf(bytes).attachments.get(CERTIFICATE_ATTACHMENT_NAME)!.toString('utf8');
    await document.attach(
      Buffer.from(attached.replace('"messageBody": "STOP"', '"messageBody": "STOp"')),
      CERTIFICATE_ATTACHMENT_NAME,
      {
        mimeType: 'application/json',
      },
    );
    document.addPage();
    writeFileSync(join(dir, 'edited.pdf'), await document.save());
    const edited = await optline('consent', 'check-certificate', 'edited.pdf');
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('NOT VALID (hash differs, signature invalid, chain broken)');
  });

  it('follows Accept: JSON when asked first or preferred, base64 text when a PDF is not the first type', async () => {
    expect((await certificateOf(phone, 'application/json, application/pdf')).body.certificate.phone).toBe(
      phone,
    );
    expect(
      (await certificateOf(phone, 'application/pdf;q=0.5, application/json')).body.certificate.phone,
    ).toBe(phone);
    // API Gateway sends a binary media type as bytes only when it is the first type asked for.
    const { response, bytes } = await pdfOf(phone, 'text/html, application/pdf');
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(bytes.toString('latin1'), 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('answers 404 for a number with no consent, and 406 for a type it does not serve', async () => {
    expect((await certificateOf('+12065550499')).status).toBe(404);
    expect((await pdfOf('+12065550499', 'application/pdf')).response.status).toBe(404);
    const refused = await certificateOf(phone, 'text/html');
    expect(refused.status).toBe(406);
    expect(refused.body.error?.code).toBe('not_acceptable');
  });

  it('answers check-certificate usage errors with exit code 2', async () => {
    expect((await optline('consent', 'check-certificate')).code).toBe(2);
    expect((await optline('consent', 'check-certificate', 'missing.json')).code).toBe(2);
    writeFileSync(join(dir, 'broken.pdf'), '%PDF-1.7 nothing more');
    expect((await optline('consent', 'check-certificate', 'broken.pdf')).code).toBe(2);
  });
});
