/**
 * A signed consent certificate as a PDF (docs/consent-evidence.md#the-pdf): what a paralegal
 * attaches to a response. The pages show the certificate for a reader (its state, the hash chain,
 * one consent log entry per row, the texts sent, the hash, signature and key that check it); the
 * signed JSON document itself is attached to the PDF as `consent-certificate.json`, byte for byte
 * what the JSON answer holds, so the same check (`optline consent check-certificate`, or OpenSSL)
 * proves the PDF's content. The pages are a rendering of it; the attachment is the evidence.
 *
 * Built with pdf-lib and the standard PDF fonts (no font file to ship); a character the fonts cannot
 * show (an emoji in a text) is shown as `?` on the page and kept as it is in the attachment. The
 * document's dates are the certificate's `issuedAt`, so the same certificate gives the same bytes.
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
  StandardFonts,
  rgb,
  type PDFFont,
  type PDFPage,
} from 'pdf-lib';
import { isOutcome, type ConsentEvent, type ConsentLogEntry, type ConsentOutcome } from './consent';
import type { CertificateMessage, SignedCertificate } from './consent-certificate';

/** The name of the signed JSON document attached to the PDF. */
export const CERTIFICATE_ATTACHMENT_NAME = 'consent-certificate.json';

/** US Letter, in points. */
const PAGE = { width: 612, height: 792 } as const;
const MARGIN = 48;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const BODY_SIZE = 8;
const LINE = BODY_SIZE * 1.3;
const CELL_PADDING = 3;
const GREY = rgb(0.45, 0.45, 0.45);
const RULE = rgb(0.8, 0.8, 0.8);

interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly mono: PDFFont;
}

interface Column {
  readonly title: string;
  readonly width: number;
  readonly mono?: boolean;
}

/** Writes text down the pages, adding a page when the next block does not fit. */
class Pages {
  private page: PDFPage;
  private y = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: Fonts,
    private readonly running: string,
  ) {
    this.page = this.addPage();
  }

  private addPage(): PDFPage {
    const page = this.doc.addPage([PAGE.width, PAGE.height]);
    page.drawText(this.fit(this.running, this.fonts.regular), {
      x: MARGIN,
      y: PAGE.height - MARGIN / 2 - BODY_SIZE,
      size: BODY_SIZE - 1,
      font: this.fonts.regular,
      color: GREY,
    });
    this.page = page;
    this.y = PAGE.height - MARGIN;
    return page;
  }

  /** Room for `height` points, on a new page if this one has less. */
  private ensure(height: number): void {
    if (this.y - height < MARGIN) this.addPage();
  }

  private fit(text: string, font: PDFFont): string {
    return showable(text, font);
  }

  title(text: string, size = 16): void {
    this.ensure(size * 1.6);
    this.y -= size;
    this.page.drawText(this.fit(text, this.fonts.bold), {
      x: MARGIN,
      y: this.y,
      size,
      font: this.fonts.bold,
    });
    this.y -= size * 0.6;
  }

  heading(text: string): void {
    this.ensure(12 * 1.5 + LINE * 3);
    this.y -= 10;
    this.title(text, 11);
  }

  paragraph(text: string, options: { mono?: boolean; grey?: boolean } = {}): void {
    const font = options.mono ? this.fonts.mono : this.fonts.regular;
    for (const line of wrap(this.fit(text, font), font, BODY_SIZE, CONTENT_WIDTH)) {
      this.ensure(LINE);
      this.y -= LINE;
      this.page.drawText(line, {
        x: MARGIN,
        y: this.y,
        size: BODY_SIZE,
        font,
        ...(options.grey ? { color: GREY } : {}),
      });
    }
    this.y -= LINE * 0.4;
  }

  /** Label and value pairs, the label in bold, the value wrapped beside it. */
  fields(rows: readonly (readonly [string, string, boolean?])[]): void {
    const labelWidth = 110;
    for (const [label, value, mono] of rows) {
      const font = mono ? this.fonts.mono : this.fonts.regular;
      const lines = wrap(this.fit(value, font), font, BODY_SIZE, CONTENT_WIDTH - labelWidth);
      this.ensure(LINE * lines.length);
      this.y -= LINE;
      this.page.drawText(this.fit(label, this.fonts.bold), {
        x: MARGIN,
        y: this.y,
        size: BODY_SIZE,
        font: this.fonts.bold,
      });
      lines.forEach((line, i) => {
        if (i > 0) this.y -= LINE;
        this.page.drawText(line, { x: MARGIN + labelWidth, y: this.y, size: BODY_SIZE, font });
      });
    }
    this.y -= LINE * 0.4;
  }

  /** A table, one row per item; a row never splits across pages, the header repeats on each. */
  table(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
    const header = (): void => {
      this.ensure(LINE + 2 * CELL_PADDING);
      let x = MARGIN;
      this.y -= LINE;
      for (const column of columns) {
        this.page.drawText(column.title, {
          x: x + CELL_PADDING,
          y: this.y,
          size: BODY_SIZE,
          font: this.fonts.bold,
        });
        x += column.width;
      }
      this.y -= CELL_PADDING;
      this.rule();
    };
    header();
    for (const row of rows) {
      const cells = columns.map((column, i) => {
        const font = column.mono ? this.fonts.mono : this.fonts.regular;
        return (row[i] ?? '')
          .split('\n')
          .flatMap((part) => wrap(this.fit(part, font), font, BODY_SIZE, column.width - 2 * CELL_PADDING));
      });
      const height = Math.max(1, ...cells.map((lines) => lines.length)) * LINE + CELL_PADDING * 2;
      if (this.y - height < MARGIN) {
        this.addPage();
        header();
      }
      let x = MARGIN;
      cells.forEach((lines, i) => {
        const column = columns[i]!;
        const font = column.mono ? this.fonts.mono : this.fonts.regular;
        lines.forEach((line, n) => {
          this.page.drawText(line, {
            x: x + CELL_PADDING,
            y: this.y - CELL_PADDING - LINE * (n + 1) + 2,
            size: BODY_SIZE,
            font,
          });
        });
        x += column.width;
      });
      this.y -= height;
      this.rule();
    }
    this.y -= LINE * 0.4;
  }

  private rule(): void {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + CONTENT_WIDTH, y: this.y },
      thickness: 0.5,
      color: RULE,
    });
  }

  /** "Page n of m" at the foot of every page, once all are written. */
  numberPages(): void {
    const pages = this.doc.getPages();
    pages.forEach((page, i) => {
      page.drawText(`Page ${i + 1} of ${pages.length}`, {
        x: PAGE.width - MARGIN - 60,
        y: MARGIN / 2,
        size: BODY_SIZE - 1,
        font: this.fonts.regular,
        color: GREY,
      });
    });
  }
}

/** Each font's characters, as code points (read once per font: a certificate has thousands of cells). */
const characterSets = new WeakMap<PDFFont, ReadonlySet<number>>();

/** The text with every character the font cannot encode shown as `?`, and whitespace runs as one space. */
function showable(text: string, font: PDFFont): string {
  let known = characterSets.get(font);
  if (!known) {
    known = new Set(font.getCharacterSet());
    characterSets.set(font, known);
  }
  let out = '';
  for (const char of text.replace(/\s+/g, ' ')) out += known.has(char.codePointAt(0)!) ? char : '?';
  return out;
}

/**
 * Lines of at most `width` points: broken at spaces, and inside a word longer than a line.
 *
 * Widths are counted in the font's units (a thousandth of the size), whole numbers: each character's
 * width plus its kerning with the next. A line grows a word (or a character) at a time, so its width
 * is the width before plus what the join adds, measured on the join alone (the last character and
 * what follows it, less that character alone): the same number as measuring the whole line again,
 * without the cost growing with the line. The text is `showable`, one code point per character.
 */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const units = (part: string) => font.widthOfTextAtSize(part, 1000);
  const scale = size / 1000;
  const fits = (lineUnits: number) => lineUnits * scale <= width;
  const joined = (head: string, headUnits: number, tail: string) => {
    const last = head.slice(-1);
    return headUnits + units(last + tail) - units(last);
  };
  const lines: string[] = [];
  let line = '';
  let lineUnits = 0;
  for (const word of text.split(' ')) {
    const candidateUnits = line ? joined(line, lineUnits, ` ${word}`) : units(word);
    if (fits(candidateUnits)) {
      line = line ? `${line} ${word}` : word;
      lineUnits = candidateUnits;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    let restUnits = units(rest);
    while (rest && !fits(restUnits)) {
      let cut = 1;
      let cutUnits = units(rest.slice(0, 1));
      while (cut < rest.length) {
        const next = joined(rest.slice(0, cut), cutUnits, rest.charAt(cut));
        if (!fits(next)) break;
        cut++;
        cutUnits = next;
      }
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
      restUnits = units(rest);
    }
    line = rest;
    lineUnits = restUnits;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2026-11-27T10:00:00.000Z` as `2026-11-27 10:00:00Z`. */
function time(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function changeCell(event: ConsentEvent): string {
  const lines = [
    event.action,
    `classes: ${event.classes.join(', ') || '-'}`,
    `marketing ${event.previous.marketing} -> ${event.next.marketing}`,
    `transactional ${event.previous.transactional} -> ${event.next.transactional}`,
  ];
  if (!event.applied) lines.push(`not applied${event.note ? `: ${event.note}` : ''}`);
  if (event.propertyChange)
    lines.push(`property ${event.propertyChange.name} = ${JSON.stringify(event.propertyChange.value)}`);
  return lines.join('\n');
}

function evidenceCell(event: ConsentEvent): string {
  const e = event.evidence;
  const lines = [`method: ${e.method}${e.keyword ? ` (keyword ${e.keyword})` : ''}`];
  if (e.messageBody !== undefined) lines.push(`text sent: "${e.messageBody}"`);
  if (e.source) lines.push(`source: ${e.source}`);
  if (e.disclosure) lines.push(`disclosure ${e.disclosure.version}: "${e.disclosure.text}"`);
  if (e.pageUrl) lines.push(`page: ${e.pageUrl}`);
  if (e.ip) lines.push(`IP: ${e.ip}`);
  if (e.userAgent) lines.push(`user agent: ${e.userAgent}`);
  if (e.checkedByUser !== undefined)
    lines.push(`box checked by the person: ${e.checkedByUser ? 'yes' : 'no'}`);
  if (e.import)
    lines.push(
      `import ${e.import.system} ${e.import.fileName} line ${e.import.line} (${e.import.sourceStatus}; sha256 ${e.import.sha256})`,
    );
  if (e.receivedAt) lines.push(`received ${time(e.receivedAt)}`);
  if (e.agent) lines.push(`taken by: ${e.agent}`);
  if (e.note) lines.push(`note: ${e.note}`);
  if (e.inboundMessageId) lines.push(`inbound message: ${e.inboundMessageId}`);
  return lines.join('\n');
}

function outcomeCells(outcome: ConsentOutcome): [string, string] {
  return [
    `outcome: ${outcome.outcome}\nof entry ${outcome.of.seq}`,
    outcome.failed.map((f) => `${f.step}: ${f.reason}${f.message ? ` (${f.message})` : ''}`).join('\n'),
  ];
}

function entryRow(entry: ConsentLogEntry): string[] {
  const [change, evidence] = isOutcome(entry)
    ? outcomeCells(entry)
    : [changeCell(entry), evidenceCell(entry)];
  return [
    String(entry.seq),
    `${time(entry.at)}\nrecorded ${time(entry.recordedAt)}`,
    change,
    evidence,
    entry.hash ?? 'no hash',
  ];
}

function messageRow(message: CertificateMessage): string[] {
  const origin = message.campaignId
    ? `campaign ${message.campaignId}`
    : message.flowId
      ? `flow ${message.flowId}`
      : '';
  return [time(message.at), message.messageClass ?? '', message.status, origin, message.body];
}

/** The PDF of a signed certificate: its pages for a reader, the signed JSON attached. */
export async function certificatePdf(signed: SignedCertificate): Promise<Uint8Array> {
  const { certificate } = signed;
  const issued = new Date(certificate.issuedAt);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Consent certificate for ${certificate.phone}`);
  doc.setSubject(`The consent history of ${certificate.phone} with ${certificate.brand}, signed`);
  doc.setAuthor(certificate.brand);
  doc.setCreator('Optline');
  doc.setProducer('Optline (pdf-lib)');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const pages = new Pages(
    doc,
    fonts,
    `Consent certificate - ${certificate.phone} - ${certificate.brand} - issued ${time(certificate.issuedAt)}`,
  );

  pages.title('Consent certificate');
  pages.paragraph(
    `The consent history of ${certificate.phone} with ${certificate.brand}${certificate.programName ? ` (${certificate.programName})` : ''}, as recorded by its Optline and signed when issued.`,
  );
  pages.fields([
    ['Phone number', certificate.phone],
    ['Brand', certificate.brand],
    ['Program', certificate.programName ?? '-'],
    ['Issued', time(certificate.issuedAt)],
  ]);

  pages.heading('Current state');
  const state = certificate.currentState;
  if (state)
    pages.fields([
      ['Marketing', state.marketing],
      ['Transactional', state.transactional],
      ['Opted out', state.optedOut ? `yes, ${time(state.optedOutAt)}` : 'no'],
      ['On the opt-out list', state.onOptOutList ? 'yes' : 'no'],
      ['Marketing confirmed by', state.marketingConfirmedBy ?? '-'],
      ['Consent last changed', time(state.consentUpdatedAt) || '-'],
    ]);
  else pages.paragraph('No profile is held for the number (never subscribed, or erased at its request).');

  pages.heading('Hash chain');
  pages.fields([
    ['Entries', String(certificate.chain.entries)],
    ['Intact', certificate.chain.intact ? 'yes' : 'no'],
    ['Head (last hash)', certificate.chain.head ?? '-', true],
  ]);
  for (const broken of certificate.chain.breaks)
    pages.paragraph(`Break at entry ${broken.seq}: ${broken.reason}`);

  pages.heading(
    `Consent history (${count(certificate.consentLog.length, 'entry', 'entries')}, oldest first)`,
  );
  pages.table(
    [
      { title: '#', width: 22 },
      { title: 'Time (UTC)', width: 82 },
      { title: 'Change', width: 120 },
      { title: 'Evidence', width: 190 },
      { title: 'Hash', width: CONTENT_WIDTH - 22 - 82 - 120 - 190, mono: true },
    ],
    certificate.consentLog.map(entryRow),
  );

  pages.heading(`Texts sent (${count(certificate.messages.length, 'text', 'texts')}, oldest first)`);
  if (certificate.messages.length === 0) pages.paragraph('No text sent to the number is kept.');
  else
    pages.table(
      [
        { title: 'Time (UTC)', width: 82 },
        { title: 'Class', width: 62 },
        { title: 'Status', width: 52 },
        { title: 'Campaign or flow', width: 92 },
        { title: 'Text', width: CONTENT_WIDTH - 82 - 62 - 52 - 92 },
      ],
      certificate.messages.map(messageRow),
    );

  pages.heading('Signature');
  pages.fields([
    ['Certificate hash', signed.hash, true],
    ['Algorithm', signed.algorithm],
    ['Key', signed.keyId],
    ['Signature (base64)', signed.signature, true],
  ]);
  pages.paragraph(
    `The signed certificate is attached to this PDF as ${CERTIFICATE_ATTACHMENT_NAME} (pdfdetach -saveall, or any PDF reader's attachments). Its hash is the SHA-256 of the certificate's RFC 8785 canonical JSON, signed with the key above; check it with "npx optline consent check-certificate" and the public key that GET /v1/consent-certificates/public-key serves, or with OpenSSL.`,
    { grey: true },
  );
  pages.numberPages();

  await doc.attach(Buffer.from(JSON.stringify(signed, null, 2), 'utf8'), CERTIFICATE_ATTACHMENT_NAME, {
    mimeType: 'application/json',
    description: 'The signed consent certificate',
    creationDate: issued,
    modificationDate: issued,
  });
  return doc.save();
}

/**
 * The signed certificate attached to a certificate PDF (its `consent-certificate.json`), as text;
 * undefined when the PDF has no such attachment. Throws when the bytes are not a PDF.
 */
export async function attachedCertificate(pdf: Uint8Array): Promise<string | undefined> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const files = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const list = files?.lookupMaybe(PDFName.of('Names'), PDFArray);
  if (!list) return undefined;
  for (let i = 0; i + 1 < list.size(); i += 2) {
    const name = list.lookup(i);
    if (!(name instanceof PDFString || name instanceof PDFHexString)) continue;
    if (name.decodeText() !== CERTIFICATE_ATTACHMENT_NAME) continue;
    const stream = list
      .lookup(i + 1, PDFDict)
      .lookupMaybe(PDFName.of('EF'), PDFDict)
      ?.lookup(PDFName.of('F'));
    if (!(stream instanceof PDFRawStream)) return undefined;
    return Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8');
  }
  return undefined;
}
