/**
 * The natural-language opt-out matcher on several thousand ordinary personal texts
 * (test/fixtures/ordinary-texts.txt, written by scripts/ordinary-texts.ts): a false opt-out loses a
 * subscriber who wanted the texts, so the rate is reported in the test's name and must stay 0.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchKeyword } from '../../lambdas/domain/keywords';
import { KeywordsSchema } from '../../lambdas/domain/runtime-config';
import { ORDINARY_TEXTS_FILE, ordinaryTexts } from '../../scripts/ordinary-texts';

const defaults = KeywordsSchema.parse({});
const corpus = readFileSync(ORDINARY_TEXTS_FILE, 'utf8').trimEnd().split('\n');
const falseOptOuts = corpus.filter((text) => matchKeyword(text, defaults).kind === 'opt_out');
const rate = ((falseOptOuts.length / corpus.length) * 100).toFixed(2);

describe('natural-language opt-outs on ordinary texts', () => {
  it('holds the corpus the script writes (regenerate: npx tsx scripts/ordinary-texts.ts)', () => {
    expect(corpus).toEqual(ordinaryTexts());
    expect(corpus.length).toBeGreaterThanOrEqual(3000);
  });

  it('has complaints about not getting texts among them', () => {
    expect(
      corpus.filter((text) => /\bno (message|messages|msg|text|texts|sms)\b/i.test(text)).length,
    ).toBeGreaterThan(300);
  });

  it(`reads none of ${corpus.length} ordinary texts as a revocation (false-positive rate ${rate}%, ${falseOptOuts.length} texts)`, () => {
    console.info(
      `natural-language opt-outs: ${falseOptOuts.length} false opt-outs in ${corpus.length} ordinary texts (${rate}%)`,
    );
    expect(falseOptOuts).toEqual([]);
  });
});
