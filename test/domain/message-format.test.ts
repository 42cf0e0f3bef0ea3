import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import {
  analyseMessage,
  encodeForSending,
  isGsm7,
  splitSegments,
  toGsm7,
} from '../../lambdas/domain/message-format';

/** The independent implementation: Twilio's segment calculator. */
function reference(body: string): { encoding: string; segments: number; texts: string[]; septets: number } {
  const message = new SegmentedMessage(body);
  // Segment subclasses Array with a constructor that adds headers, so copy before mapping.
  const texts = message.segments.map((segment) =>
    Array.from(segment as unknown[], (char) => (char as { raw?: string }).raw ?? '').join(''),
  );
  return {
    encoding: message.encodingName,
    segments: message.segmentsCount,
    texts,
    septets: message.numberOfCharacters,
  };
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = ['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'];
const THUMBS_UP_MEDIUM = '👍🏽'; // 2 code points, 4 UTF-16 units, one grapheme
const FAMILY = '👨‍👩‍👧‍👦'; // 7 code points, 11 UTF-16 units, one grapheme
const E_ACUTE_COMBINING = 'e\u0301'; // e + combining acute: not GSM-7 (é would be)

const a = (n: number) => 'a'.repeat(n);
const c = (n: number) => 'ć'.repeat(n); // one UTF-16 unit, outside GSM-7

const TRICKY: [string, string][] = [
  ['a single character', 'hi'],
  ['the whole GSM-7 basic set', GSM7_BASIC],
  ...GSM7_EXTENSION.map((char): [string, string] => [`extension character ${JSON.stringify(char)}`, char]),
  ['all extension characters', GSM7_EXTENSION.join('')],
  ['160 GSM-7 characters (one full segment)', a(160)],
  ['161 GSM-7 characters', a(161)],
  ['153×2 GSM-7 characters', a(306)],
  ['307 GSM-7 characters', a(307)],
  ['80 € (exactly 160 septets)', '€'.repeat(80)],
  ['81 € (162 septets)', '€'.repeat(81)],
  ['159 characters then an extension character (161 septets)', a(159) + '{'],
  ['an escape at position 153 that cannot straddle the boundary', a(152) + '{' + a(152)],
  ['an escape exactly filling segment one', a(151) + '€' + a(200)],
  ['70 UCS-2 characters (one full segment)', c(70)],
  ['71 UCS-2 characters', c(71)],
  ['67×2 UCS-2 characters', c(134)],
  ['67×2+1 UCS-2 characters', c(135)],
  ['35 emoji (70 units)', '😀'.repeat(35)],
  ['36 emoji (72 units)', '😀'.repeat(36)],
  ['69 GSM-7 characters and one emoji', a(69) + '😀'],
  ['a surrogate pair that would straddle the boundary', c(66) + '😀' + c(66)],
  ['a skin-tone emoji', THUMBS_UP_MEDIUM],
  ['a skin-tone emoji that would straddle the boundary', c(65) + THUMBS_UP_MEDIUM + c(65)],
  ['a family emoji', FAMILY],
  ['six family emoji (66 units)', FAMILY.repeat(6)],
  ['seven family emoji (77 units)', FAMILY.repeat(7)],
  ['flags', '🇺🇸🇨🇦'.repeat(9)],
  ['a keycap emoji', 'Press 1\uFE0F\u20E3 now'],
  ['combining marks', `Caf${E_ACUTE_COMBINING}`],
  ['35 combining-mark clusters (70 units)', E_ACUTE_COMBINING.repeat(35)],
  ['36 combining-mark clusters (72 units)', E_ACUTE_COMBINING.repeat(36)],
  ['CR LF line breaks', 'line one\r\nline two'],
  ['CR LF across a UCS-2 boundary', c(66) + '\r\n' + c(66)],
  ['Ç (GSM-7 per 3GPP TS 23.038)', 'Ça va'],
  ['ç (not GSM-7)', 'ça va'],
  ['Greek capitals (GSM-7)', 'ΔΦΓΛΩΠΨΣΘΞ'],
  ['Greek small letters (not GSM-7)', 'αβγ'],
  ['smart quotes', '“Hello” it’s me'],
  ['a no-break space', 'Save\u00A020%'],
  ['a tab', 'a\tb'],
  ['a grave accent (not GSM-7)', 'it`s'],
  ['CJK', '你好，世界'],
  ['a long GSM-7 text', 'Acme Coffee: Our fall menu is here! '.repeat(30)],
  ['a long UCS-2 text', 'Acme Coffee: ☕ Our fall menu is here! '.repeat(12)],
];

describe('analyseMessage', () => {
  it.each(TRICKY)('agrees with sms-segments-calculator on %s', (_name, body) => {
    const expected = reference(body);
    const analysis = analyseMessage(body);
    expect(analysis.encoding).toBe(expected.encoding);
    expect(analysis.segments).toBe(expected.segments);
    if (analysis.encoding === 'GSM-7') expect(analysis.units).toBe(expected.septets);
    else expect(analysis.units).toBe(body.length);
  });

  it.each([
    ['a(160)', a(160), 'GSM-7', 160, 1, 160],
    ['a(161)', a(161), 'GSM-7', 161, 2, 153],
    ['a(306)', a(306), 'GSM-7', 306, 2, 153],
    ['a(307)', a(307), 'GSM-7', 307, 3, 153],
    ['c(70)', c(70), 'UCS-2', 70, 1, 70],
    ['c(71)', c(71), 'UCS-2', 71, 2, 67],
    ['c(134)', c(134), 'UCS-2', 134, 2, 67],
    ['c(135)', c(135), 'UCS-2', 135, 3, 67],
  ] as const)('counts %s at the boundary', (_name, body, encoding, units, segments, perSegment) => {
    expect(analyseMessage(body)).toMatchObject({ encoding, units, segments, perSegment });
  });

  it('counts characters as code points and units as septets or UTF-16 units', () => {
    expect(analyseMessage('€5')).toMatchObject({ characters: 2, units: 3 });
    expect(analyseMessage(THUMBS_UP_MEDIUM)).toMatchObject({ characters: 2, units: 4 });
    expect(analyseMessage(FAMILY)).toMatchObject({ characters: 7, units: 11 });
    expect(analyseMessage(`Caf${E_ACUTE_COMBINING}`)).toMatchObject({ characters: 5, units: 5 });
  });

  it('counts an empty body as zero segments', () => {
    expect(analyseMessage('')).toEqual({
      encoding: 'GSM-7',
      characters: 0,
      units: 0,
      segments: 0,
      perSegment: 160,
    });
    expect(splitSegments('')).toEqual([]);
  });

  it('agrees with sms-segments-calculator on random mixes of tricky characters', () => {
    const unit = fc.constantFrom(
      ...GSM7_BASIC,
      ...GSM7_EXTENSION,
      'ć',
      '😀',
      THUMBS_UP_MEDIUM,
      FAMILY,
      E_ACUTE_COMBINING,
      '“',
    );
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 400 }), (body) => {
        const expected = reference(body);
        const analysis = analyseMessage(body);
        expect(analysis.encoding).toBe(expected.encoding);
        expect(analysis.segments).toBe(expected.segments);
        expect(splitSegments(body)).toEqual(expected.texts);
      }),
      { numRuns: 300 },
    );
  });
});

describe('splitSegments', () => {
  it.each(TRICKY)('splits %s like sms-segments-calculator, and the parts join back', (_name, body) => {
    const segments = splitSegments(body);
    expect(segments.join('')).toBe(body);
    expect(segments).toHaveLength(analyseMessage(body).segments);
    expect(segments).toEqual(reference(body).texts);
  });

  it.each(TRICKY)('never breaks a surrogate pair or an escape sequence in %s', (_name, body) => {
    const analysis = analyseMessage(body);
    for (const segment of splitSegments(body)) {
      expect(segment).not.toMatch(/^[\uDC00-\uDFFF]/);
      expect(segment).not.toMatch(/[\uD800-\uDBFF]$/);
      // An extension character inside a segment is both septets of its escape; the segment must hold them.
      const units = analysis.encoding === 'GSM-7' ? analyseMessage(segment).units : segment.length;
      expect(units).toBeLessThanOrEqual(analysis.perSegment);
    }
  });

  it('moves an escape at position 153 whole into the next segment', () => {
    const [first, second, third] = splitSegments(a(152) + '{' + a(152));
    expect(first).toBe(a(152));
    expect(second).toBe('{' + a(151));
    expect(third).toBe('a');
  });

  it('moves a surrogate pair that would straddle the boundary whole into the next segment', () => {
    const [first, second] = splitSegments(c(66) + '😀' + c(66));
    expect(first).toBe(c(66));
    expect(second?.startsWith('😀')).toBe(true);
  });
});

describe('isGsm7', () => {
  it.each([['hello'], [GSM7_BASIC], [GSM7_EXTENSION.join('')], ['']])('accepts %j', (body) => {
    expect(isGsm7(body)).toBe(true);
  });

  it.each([['😀'], ['ç'], ['“'], ['\u00A0'], ['\t'], ['\u001b'], [E_ACUTE_COMBINING]])(
    'refuses %j',
    (body) => {
      expect(isGsm7(body)).toBe(false);
    },
  );
});

describe('toGsm7', () => {
  it.each([
    ['‘single’ and “double” quotes', '\'single\' and "double" quotes'],
    ['it’s', "it's"],
    ['a – b — c', 'a - b - c'],
    ['wait…', 'wait...'],
    ['20\u00A0%', '20 %'],
    ['narrow\u202Fspace', 'narrow space'],
    ['zero\u200Bwidth', 'zerowidth'],
    ['« Bonjour »', '" Bonjour "'],
    ['• item', '- item'],
  ])('rewrites %j as %j, which is GSM-7', (input, expected) => {
    expect(toGsm7(input)).toBe(expected);
    expect(isGsm7(toGsm7(input))).toBe(true);
  });

  it('returns the body unchanged when there is nothing to replace', () => {
    const body = 'Plain text with € and {braces}';
    expect(toGsm7(body)).toBe(body);
  });

  it('leaves characters without a look-alike (emoji, accented letters) alone', () => {
    expect(toGsm7('“Café” 😀 ça')).toBe('"Café" 😀 ça');
  });

  it('can save segments', () => {
    const body = 'It’s here — the fall menu… '.repeat(4);
    expect(analyseMessage(body).segments).toBe(2);
    expect(analyseMessage(toGsm7(body)).segments).toBe(1);
  });
});

describe('encodeForSending', () => {
  it('turns a UCS-2 body whose only non-GSM-7 characters are curly quotes into a GSM-7 text with fewer segments', () => {
    const body = `“Spring” is here: it’s ${'fresh beans and free shipping '.repeat(4)}`.trim();
    expect(analyseMessage(body)).toMatchObject({ encoding: 'UCS-2', segments: 3 });
    expect(encodeForSending(body, true)).toEqual({
      text: body.replace(/[“”]/g, '"').replace('’', "'"),
      encoding: 'GSM-7',
      segments: 1,
      smartEncoded: true,
    });
  });

  it('sends the body as written when smart encoding is off', () => {
    const body = 'It’s here — the fall menu…';
    expect(encodeForSending(body, false)).toEqual({
      text: body,
      encoding: 'UCS-2',
      segments: 1,
      smartEncoded: false,
    });
  });

  it('keeps a text that stays UCS-2 as written: an emoji has no look-alike', () => {
    const body = 'It’s here… 😀';
    expect(encodeForSending(body, true)).toMatchObject({
      text: body,
      encoding: 'UCS-2',
      smartEncoded: false,
    });
  });

  it('leaves a GSM-7 body alone', () => {
    expect(encodeForSending('Plain {text} €5', true)).toEqual({
      text: 'Plain {text} €5',
      encoding: 'GSM-7',
      segments: 1,
      smartEncoded: false,
    });
  });

  it('never sends more segments than the body as written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', ' ', '’', '“', '”', '…', '—', '\u00A0', '😀', 'é', '€'), {
          maxLength: 400,
        }),
        (chars) => {
          const body = chars.join('');
          const sent = encodeForSending(body, true);
          expect(sent.segments).toBeLessThanOrEqual(analyseMessage(body).segments);
          expect(sent.smartEncoded ? isGsm7(sent.text) : sent.text === body).toBe(true);
        },
      ),
    );
  });
});
