/**
 * The phone metadata the functions carry (libphonenumber-js's min metadata less its formatting
 * rules) is what the generator makes from the installed package, and parses every number exactly as
 * the package's own min metadata does.
 */
import { readFileSync } from 'node:fs';
import { parsePhoneNumberFromString as parseCore, type CountryCode } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, parsePhoneNumberFromString as parseMin } from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';
import { PHONE_METADATA } from '../../lambdas/domain/data/phone-metadata';
import { OUTPUT, phoneMetadataSource } from '../../scripts/generate-phone-metadata';

type Parsed = { valid: boolean; country?: string; number: string } | undefined;

const outcome = (parsed: ReturnType<typeof parseMin>): Parsed =>
  parsed && { valid: parsed.isValid(), country: parsed.country, number: parsed.number };

/** A repeatable stream of digits (a linear congruential generator), so failures reproduce. */
function digits(seed: number) {
  let state = seed;
  return (count: number) =>
    Array.from({ length: count }, () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return String(state % 10);
    }).join('');
}

describe('phone metadata', () => {
  it('is what the generator makes from the installed libphonenumber-js', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(phoneMetadataSource());
  });

  it('parses every country’s numbers as the full min metadata does', () => {
    const random = digits(7);
    let compared = 0;
    for (const country of getCountries()) {
      const example = (examples as Record<string, string>)[country];
      if (!example) continue;
      const callingCode = parseMin(example, country)?.countryCallingCode;
      const variants = [
        example,
        example.slice(0, -1),
        `${example}${random(1)}`,
        `${example.slice(0, -2)}${random(2)}`,
        `0${example}`,
        random(example.length),
        ...(callingCode ? [`+${callingCode}${example}`, `+${callingCode}${random(example.length)}`] : []),
      ];
      for (const input of variants) {
        for (const defaultCountry of [country, 'US'] as CountryCode[]) {
          expect(
            outcome(parseCore(input, defaultCountry, PHONE_METADATA)),
            `${input} (${defaultCountry})`,
          ).toEqual(outcome(parseMin(input, defaultCountry)));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });

  it('has no formatting rules: a number formatted with it comes out ungrouped', () => {
    expect(JSON.stringify(PHONE_METADATA).length).toBeLessThan(40_000);
    expect(parseCore('+442079460958', PHONE_METADATA)?.formatInternational()).toBe('+44 2079460958');
  });
});
