/** The generated parts of docs/, bench/README.md included, match the code they restate. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DOCS, renderGeneratedDoc } from '../../scripts/generate-docs';

const ROOT = resolve(__dirname, '..', '..');

describe('generated docs', () => {
  it.each(GENERATED_DOCS)('%s is up to date (regenerate: npx tsx scripts/generate-docs.ts)', async (path) => {
    expect(readFileSync(resolve(ROOT, path), 'utf8')).toBe(await renderGeneratedDoc(path));
  });
});
