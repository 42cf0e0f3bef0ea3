/**
 * Reads PDFs the way a person's tools do, with poppler-utils (Debian's `poppler-utils`, installed by
 * .ci/run): `pdftoppm` renders the pages (a PDF it cannot open fails the test), `pdftotext` gives
 * the text a reader sees, `pdfdetach` saves the files attached to it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReadPdf {
  /** The pages rendered to PNG by pdftoppm: their count and each file's size in bytes. */
  readonly pages: readonly number[];
  /** The text of every page, in reading order (pdftotext -layout). */
  readonly text: string;
  /** The attached files by name. */
  readonly attachments: ReadonlyMap<string, Buffer>;
}

/** `renderPages`: render only the first pages (a long PDF's text and attachments are still read whole). */
export function readPdf(bytes: Uint8Array, options: { renderPages?: number } = {}): ReadPdf {
  const dir = mkdtempSync(join(tmpdir(), 'optline-pdf-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, bytes);
    // Low resolution: the test asks whether the pages render, not how they look.
    const last = options.renderPages === undefined ? [] : ['-l', String(options.renderPages)];
    execFileSync('pdftoppm', ['-r', '30', ...last, '-png', file, join(dir, 'page')], { stdio: 'pipe' });
    const pages = readdirSync(dir)
      .filter((name) => name.startsWith('page') && name.endsWith('.png'))
      .sort()
      .map((name) => statSync(join(dir, name)).size);
    // A certificate of thousands of entries has megabytes of text.
    const text = execFileSync('pdftotext', ['-layout', file, '-'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const saved = join(dir, 'attachments');
    mkdirSync(saved);
    execFileSync('pdfdetach', ['-saveall', '-o', saved, file], { stdio: 'pipe' });
    const attachments = new Map(readdirSync(saved).map((name) => [name, readFileSync(join(saved, name))]));
    return { pages, text, attachments };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
