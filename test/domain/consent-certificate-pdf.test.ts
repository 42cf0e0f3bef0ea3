/**
 * The PDF of a consent certificate, read with poppler-utils as a person's tools read it: its pages
 * render, its text shows every consent log entry and text sent, and the signed JSON attached to it
 * checks with the public key.
 */
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
import {
  attachedCertificate,
  CERTIFICATE_ATTACHMENT_NAME,
  certificatePdf,
} from '../../lambdas/domain/consent-certificate-pdf';
import type { MessageRecord } from '../../lambdas/domain/stores/message';
import { readPdf } from '../support/pdf';

const PHONE = '+12065550100';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const never = { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} } as const;

/** A log of `count` entries: a JOIN by text, then alternating opt-outs by phone call and re-joins. */
function consentLog(count: number): ConsentLogEntry[] {
  const entries: ConsentLogEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const optOut = seq % 2 === 0;
    const event: ConsentEvent = {
      phone: PHONE,
      eventKey: String(seq).padStart(10, '0'),
      seq,
      eventId: `event-${seq}`,
      at: new Date(Date.UTC(2026, 4, 1, 10, seq)).toISOString(),
      recordedAt: new Date(Date.UTC(2026, 4, 1, 10, seq, 1)).toISOString(),
      action: optOut ? 'opted_out' : 'opt_in_confirmed',
      classes: optOut ? ['marketing', 'transactional'] : ['marketing'],
      previous: never,
      next: { ...never, marketing: optOut ? 'unsubscribed' : 'subscribed' },
      applied: true,
      evidence: optOut
        ? {
            method: 'phone_call',
            receivedAt: new Date(Date.UTC(2026, 4, 1, 9, seq)).toISOString(),
            agent: 'support-ana',
            note: `caller asked to stop the texts (call ${seq})`,
          }
        : {
            method: 'form',
            source: 'footer-form',
            disclosure: { version: 'v3', text: 'By checking this box you agree to receive recurring texts.' },
            pageUrl: 'https://acme.example/signup',
            ip: '203.0.113.7',
            userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
            messageBody: `JOIN ${seq}`,
          },
      effects: { replies: [], events: [] },
    };
    const entry = chained(event, prevHash);
    prevHash = entry.hash;
    entries.push(entry);
  }
  return entries;
}

const message = (n: number, body: string): MessageRecord => ({
  messageId: `m-${n}`,
  phone: PHONE,
  at: new Date(Date.UTC(2026, 4, 2, 10, n)).toISOString(),
  direction: 'outbound',
  status: 'delivered',
  body,
  messageClass: 'marketing',
  campaignId: `cmp_${n}`,
  expiresAt: 0,
});

function issue(entries: number, messages: MessageRecord[]): SignedCertificate {
  const certificate = buildCertificate({
    phone: PHONE,
    issuedAt: '2026-06-01T00:00:00.000Z',
    brand: 'Acme Coffee',
    programName: 'Acme Coffee Club',
    profile: undefined,
    consentLog: consentLog(entries),
    messages,
  });
  return {
    certificate,
    hash: certificateDigest(certificate).toString('hex'),
    signature: sign('sha256', canonicalCertificate(certificate), keys.privateKey).toString('base64'),
    keyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
    algorithm: CERTIFICATE_SIGNING_ALGORITHM,
  };
}

/** pdftotext -layout spreads a table's cells over columns: compare the words, not the spacing. */
const words = (text: string) => text.replace(/\s+/g, ' ');

describe('consent certificate PDF', () => {
  it('renders, and shows each entry, each text sent and the signature', async () => {
    const signed = issue(3, [message(1, 'Acme: new roast today'), message(2, 'Acme: 20% off beans')]);
    const pdf = readPdf(await certificatePdf(signed));
    expect(pdf.pages.length).toBeGreaterThanOrEqual(1);
    expect(pdf.pages.every((size) => size > 0)).toBe(true);
    const text = words(pdf.text);
    expect(text).toContain('Consent certificate');
    expect(text).toContain(PHONE);
    // A hash wraps in its cell: its first line is the first 20 characters.
    for (const entry of signed.certificate.consentLog) expect(text).toContain(entry.hash!.slice(0, 20));
    expect(text).toContain('opt_in_confirmed');
    expect(text).toContain('method: phone_call');
    expect(text).toContain('taken by: support-ana');
    expect(text).toContain('"JOIN 3"');
    expect(text).toContain('Acme: new roast today');
    expect(text).toContain('campaign cmp_2');
    expect(text).toContain(signed.hash);
    expect(text).toContain(signed.keyId);
    expect(text).toContain(CERTIFICATE_SIGNING_ALGORITHM);
  });

  it('carries the signed JSON, which checks with the public key', async () => {
    const signed = issue(4, [message(1, 'Acme: new roast')]);
    const { attachments } = readPdf(await certificatePdf(signed));
    const attached = attachments.get(CERTIFICATE_ATTACHMENT_NAME);
    expect(attached).toBeDefined();
    const document = JSON.parse(attached!.toString('utf8')) as SignedCertificate;
    expect(document).toEqual(signed);
    expect(checkCertificate(document, publicPem).valid).toBe(true);
  });

  it('gives the attached certificate back from the PDF bytes, and nothing from a PDF without one', async () => {
    const signed = issue(2, []);
    const text = await attachedCertificate(await certificatePdf(signed));
    expect(JSON.parse(text!)).toEqual(signed);
    const { PDFDocument } = await import('pdf-lib');
    const plain = await PDFDocument.create();
    plain.addPage();
    expect(await attachedCertificate(await plain.save())).toBeUndefined();
    await expect(attachedCertificate(Buffer.from('not a pdf'))).rejects.toThrow();
  });

  it('runs over pages for a long history, repeating the table header and numbering them', async () => {
    const signed = issue(120, []);
    const pdf = readPdf(await certificatePdf(signed));
    expect(pdf.pages.length).toBeGreaterThan(3);
    const pageTexts = pdf.text.split('\f').filter((page) => page.trim());
    expect(pageTexts.length).toBe(pdf.pages.length);
    expect(pageTexts[pageTexts.length - 1]).toContain(`Page ${pdf.pages.length} of ${pdf.pages.length}`);
    // Every page past the first that carries the history starts its table with the header again.
    const historyPages = pageTexts.filter((page) => page.includes('opted_out'));
    expect(historyPages.length).toBeGreaterThan(2);
    for (const page of historyPages) expect(page).toMatch(/#\s+Time \(UTC\)\s+Change\s+Evidence\s+Hash/);
    // Every entry is on some page, once (the last one's hash is the chain's head, shown above).
    const log = signed.certificate.consentLog;
    log.forEach((entry, i) =>
      expect(words(pdf.text).split(entry.hash!.slice(0, 20)).length - 1).toBe(i === log.length - 1 ? 2 : 1),
    );
  });

  it('shows a character the fonts lack as ? and keeps it as it is in the attachment', async () => {
    const signed = issue(1, [message(1, 'Acme: ☕ time — 2 for 1')]);
    const pdf = readPdf(await certificatePdf(signed));
    expect(words(pdf.text)).toContain('Acme: ? time — 2 for 1');
    const attached = JSON.parse(
      pdf.attachments.get(CERTIFICATE_ATTACHMENT_NAME)!.toString('utf8'),
    ) as SignedCertificate;
    expect(attached.certificate.messages[0]!.body).toBe('Acme: ☕ time — 2 for 1');
  });

  it('gives the same bytes for the same certificate', async () => {
    const signed = issue(2, [message(1, 'Acme: new roast')]);
    expect(Buffer.from(await certificatePdf(signed)).equals(Buffer.from(await certificatePdf(signed)))).toBe(
      true,
    );
  });
});
