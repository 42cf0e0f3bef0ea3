import { describe, expect, it } from 'vitest';
import { analyseMessage } from '../../lambdas/domain/message-format';
import {
  estimateCost,
  LINT_CODES,
  lintMessage,
  MAX_RECOMMENDED_SEGMENTS,
  type LintOptions,
} from '../../lambdas/domain/message-lint';
import { DEFAULT_PRICES } from '../../lambdas/domain/sms-prices';

const BRAND = 'Acme Coffee';
const OPTIONS: LintOptions = { brand: BRAND };

function codes(body: string, options: LintOptions = OPTIONS): string[] {
  return lintMessage(body, options).map((w) => w.code);
}

function warning(body: string, code: string, options: LintOptions = OPTIONS) {
  return lintMessage(body, options).find((w) => w.code === code);
}

describe('lintMessage', () => {
  it('has nothing to say about a clean text', () => {
    expect(lintMessage('Acme Coffee: Your latte is ready at the Main St counter.', OPTIONS)).toEqual([]);
  });

  describe('starts_with_link', () => {
    it.each([
      ['https://acme-coffee.example/deal 20% off today'],
      ['http://acme-coffee.example'],
      ['www.acme-coffee.example/deal is live'],
      ['acme-coffee.example/deal is live'],
      ['  https://acme-coffee.example/deal'],
      ['Acme Coffee: https://acme-coffee.example/deal'],
      ['acme coffee https://acme-coffee.example/deal'],
    ])('flags %j', (body) => {
      expect(codes(body)).toContain('starts_with_link');
    });

    it.each([
      ['Acme Coffee: 20% off today at https://acme-coffee.example/deal'],
      ['Acme Coffee: Hi.Welcome to the club'],
      ['Acme Coffee: see acme-coffee.example for hours'],
    ])('leaves %j alone', (body) => {
      expect(codes(body)).not.toContain('starts_with_link');
    });
  });

  describe('link_shortener', () => {
    it.each([
      ['Acme Coffee: deal at https://bit.ly/3abc', 'bit.ly'],
      ['Acme Coffee: deal at bit.ly/3abc', 'bit.ly'],
      ['Acme Coffee: deal at HTTPS://TinyURL.com/y3abc.', 'tinyurl.com'],
      ['Acme Coffee: deal at https://www.bit.ly/x', 'www.bit.ly'],
      ['Acme Coffee: deal at https://t.co/x', 't.co'],
    ])('flags %j, naming %s', (body, host) => {
      expect(warning(body, 'link_shortener')?.message).toContain(host);
    });

    it.each([
      ['Acme Coffee: deal at https://acme.co/3abc'],
      ['Acme Coffee: deal at https://notbit.ly/x'],
      ['Acme Coffee: deal at https://bit.lyrics.example/x'],
      ['Acme Coffee: no link, just bit.ly talk'],
    ])('leaves %j alone (branded domains are fine)', (body) => {
      expect(codes(body)).not.toContain('link_shortener');
    });
  });

  describe('missing_brand_prefix', () => {
    it.each([['Your latte is ready'], ['Acme: Your latte is ready'], ['Acme Coffeehouse: hi']])(
      'flags %j',
      (body) => {
        expect(codes(body)).toContain('missing_brand_prefix');
      },
    );

    it.each([
      ['Acme Coffee: Your latte is ready'],
      ['ACME COFFEE: hi'],
      ['Acme Coffee here, your latte is ready'],
    ])('leaves %j alone', (body) => {
      expect(codes(body)).not.toContain('missing_brand_prefix');
    });

    it('says how the prefix changes the segment count, and what that costs per 1,000 texts', () => {
      const body = 'x'.repeat(155);
      expect(warning(body, 'missing_brand_prefix')?.message).toContain(
        'which makes it 2 segments instead of 1, $8.83 more per 1,000 texts to US.',
      );
      expect(warning(body, 'missing_brand_prefix', { ...OPTIONS, country: 'GB' })?.message).toContain(
        '$39.50 more per 1,000 texts to GB',
      );
      expect(warning(body, 'missing_brand_prefix', { ...OPTIONS, country: 'ZZ' })?.message).toMatch(
        /2 segments instead of 1\.$/,
      );
    });

    it('says the count stays when the text already has it (an emoji made it 2 segments)', () => {
      const twoSegments = `${'x'.repeat(70)} 🎉`;
      expect(analyseMessage(twoSegments).segments).toBe(2);
      const message = warning(twoSegments, 'missing_brand_prefix')?.message;
      expect(message).toContain('it stays 2 segments.');
      expect(message).not.toContain('makes it');
    });

    it('is skipped when there is no brand to check', () => {
      expect(codes('Your latte is ready', { brand: '  ' })).not.toContain('missing_brand_prefix');
    });
  });

  describe('missing_opt_out_language', () => {
    const required: LintOptions = { brand: BRAND, requireOptOutLanguage: true };

    it.each([
      ['Acme Coffee: 20% off today.'],
      ['Acme Coffee: Stop by for 20% off today.'],
      ['Acme Coffee: Text us to stop by.'],
      ['Acme Coffee: Reply CANCEL to unsubscribe.'],
    ])('flags %j when opt-out language is required', (body) => {
      expect(codes(body, required)).toContain('missing_opt_out_language');
    });

    it.each([
      ['Acme Coffee: 20% off today. Reply STOP to opt out.'],
      ['Acme Coffee: 20% off today. Txt STOP to end'],
      ['Acme Coffee: 20% off. reply stop to unsubscribe'],
      ['Acme Coffee: 20% off. Reply with "STOP" to opt out'],
      ['Acme Coffee: 20% off. Reply HELP for help, STOP to cancel.'],
      ['Acme Coffee: 20% off. STOP 2 END'],
    ])('accepts %j', (body) => {
      expect(codes(body, required)).not.toContain('missing_opt_out_language');
    });

    it('is not checked unless required', () => {
      expect(codes('Acme Coffee: 20% off today.')).not.toContain('missing_opt_out_language');
      expect(
        codes('Acme Coffee: 20% off today.', { ...required, requireOptOutLanguage: false }),
      ).not.toContain('missing_opt_out_language');
    });
  });

  describe('forces_ucs2', () => {
    it('names the characters and the segments toGsm7 saves', () => {
      const body = `Acme Coffee: It’s here — the fall menu… ${'x'.repeat(40)}`;
      expect(analyseMessage(body).segments).toBe(2);
      const message = warning(body, 'forces_ucs2')?.message;
      expect(message).toContain('’ (U+2019)');
      expect(message).toContain('— (U+2014)');
      expect(message).toContain('… (U+2026)');
      expect(message).toContain('saves 1 segment (2 → 1)');
    });

    it('names invisible characters by code point', () => {
      expect(warning('Acme Coffee: Save\u00A020%', 'forces_ucs2')?.message).toContain('U+00A0 forces UCS-2');
    });

    it('says what the characters cost: segments against the text without them, and per 1,000 texts', () => {
      const body = `Acme Coffee: ${'x'.repeat(60)} 🎉`;
      expect(analyseMessage(body).segments).toBe(2);
      const message = warning(body, 'forces_ucs2')?.message;
      expect(message).toContain('2 segments instead of 1 without it, $8.83 more per 1,000 texts to US.');
      expect(warning(body, 'forces_ucs2', { ...OPTIONS, country: 'IN' })?.message).toContain(
        '$2.80 more per 1,000 texts to IN',
      );
    });

    it('says when the characters cost nothing more because the text fits anyway', () => {
      const message = warning('Acme Coffee: 20% off 🎉', 'forces_ucs2')?.message;
      expect(message).toContain('the text is 1 segment either way, so here it costs nothing more.');
      expect(message).not.toContain('$');
    });

    it('says when no look-alike exists', () => {
      const message = warning('Acme Coffee: ☕ time', 'forces_ucs2')?.message;
      expect(message).toContain('☕ (U+2615) forces UCS-2');
      expect(message).toContain('no GSM-7 look-alike');
      expect(message).not.toContain('saves');
    });

    it('says which characters keep the text UCS-2 when only some can be replaced', () => {
      const message = warning('Acme Coffee: It’s ☕ time', 'forces_ucs2')?.message;
      expect(message).toContain('but ☕ (U+2615) has no GSM-7 look-alike');
    });

    it('lists a multi-code-point emoji as one character', () => {
      expect(warning('Acme Coffee: 👍🏽', 'forces_ucs2')?.message).toContain('👍🏽 (U+1F44D U+1F3FD) forces');
    });

    it('leaves GSM-7 texts alone, extension characters included', () => {
      expect(codes('Acme Coffee: {50% off} [today] ~ €5 | ^ \\')).not.toContain('forces_ucs2');
    });
  });

  describe('too_many_segments', () => {
    const atLimit = `Acme Coffee: ${'x'.repeat(153 * MAX_RECOMMENDED_SEGMENTS - 13)}`;
    const overLimit = `${atLimit}x`;

    it(`flags a text of more than ${MAX_RECOMMENDED_SEGMENTS} segments`, () => {
      expect(analyseMessage(overLimit).segments).toBe(MAX_RECOMMENDED_SEGMENTS + 1);
      expect(warning(overLimit, 'too_many_segments')?.message).toContain('5 segments');
    });

    it(`leaves a text of ${MAX_RECOMMENDED_SEGMENTS} segments alone`, () => {
      expect(analyseMessage(atLimit).segments).toBe(MAX_RECOMMENDED_SEGMENTS);
      expect(codes(atLimit)).not.toContain('too_many_segments');
    });

    it('mentions the 1,600-character limit of End User Messaging when the text is over it', () => {
      expect(warning(`Acme Coffee: ${'x'.repeat(1600)}`, 'too_many_segments')?.message).toContain('1,600');
      expect(warning(overLimit, 'too_many_segments')?.message).not.toContain('1,600');
    });
  });

  describe('mms_not_needed', () => {
    it.each([[[]], [['']], [['  ', '']]])('flags an MMS whose media list is %j', (mediaUrls) => {
      expect(codes('Acme Coffee: hi', { ...OPTIONS, mediaUrls })).toContain('mms_not_needed');
    });

    it('leaves media alone, even on a short text', () => {
      const mediaUrls = ['https://acme-coffee.example/menu.jpg'];
      expect(codes('Acme Coffee: hi', { ...OPTIONS, mediaUrls })).not.toContain('mms_not_needed');
    });

    it('leaves a plain SMS alone', () => {
      expect(codes('Acme Coffee: hi')).not.toContain('mms_not_needed');
    });
  });

  it('returns warnings in a stable order with documented codes', () => {
    const body = 'https://bit.ly/x “deal”';
    const result = codes(body, { brand: BRAND, requireOptOutLanguage: true, mediaUrls: [] });
    expect(result).toEqual([
      'starts_with_link',
      'link_shortener',
      'missing_brand_prefix',
      'missing_opt_out_language',
      'forces_ucs2',
      'mms_not_needed',
    ]);
    for (const code of result) expect(LINT_CODES).toContain(code);
  });
});

describe('estimateCost', () => {
  it.each(['US', 'CA', 'GB', 'AU', 'DE', 'FR', 'MX', 'IN'])('has an SMS price for %s', (country) => {
    const estimate = estimateCost(analyseMessage('hi'), country);
    expect(estimate?.perMessageUsd).toBeGreaterThan(0);
    expect(estimate?.perMessageUsd).toBeLessThan(0.2);
  });

  it('bills every SMS segment, carrier fee included', () => {
    const price = DEFAULT_PRICES.US;
    const perSegment = (price?.smsUsd ?? 0) + (price?.smsCarrierFeeUsd ?? 0);
    expect(estimateCost(analyseMessage('x'.repeat(307)), 'us')).toEqual({
      country: 'US',
      currency: 'USD',
      perMessageUsd: Math.round(perSegment * 3 * 1e6) / 1e6,
      segments: 3,
      channel: 'SMS',
    });
  });

  it('bills an MMS once whatever the text length', () => {
    const estimate = estimateCost(analyseMessage('x'.repeat(500)), 'US', { mms: true });
    expect(estimate).toMatchObject({ channel: 'MMS', segments: 1 });
    expect(estimate?.perMessageUsd).toBeGreaterThan(
      estimateCost(analyseMessage('x'), 'US')?.perMessageUsd ?? 0,
    );
  });

  it('has no estimate for a country without a price, or without MMS', () => {
    expect(estimateCost(analyseMessage('hi'), 'ZZ')).toBeUndefined();
    expect(estimateCost(analyseMessage('hi'), '__proto__')).toBeUndefined();
    expect(estimateCost(analyseMessage('hi'), 'DE', { mms: true })).toBeUndefined();
  });

  it('uses the price table it is given', () => {
    const prices = { NZ: { smsUsd: 0.1 } };
    expect(estimateCost(analyseMessage('x'.repeat(161)), 'NZ', { prices })?.perMessageUsd).toBe(0.2);
  });
});
