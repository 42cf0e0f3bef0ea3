import { describe, expect, it } from 'vitest';
import { CountryNotAllowedError, InvalidPhoneNumberError } from '../../lambdas/domain/errors';
import { maskPhone, normalisePhone } from '../../lambdas/domain/phone';

const US = { defaultCountry: 'US', allowedCountries: ['US'] };

describe('normalisePhone', () => {
  it.each([
    ['+12065550100', '+12065550100'],
    ['(206) 555-0100', '+12065550100'],
    ['206.555.0100', '+12065550100'],
    [' +1 206 555 0100 ', '+12065550100'],
    ['1-206-555-0100', '+12065550100'],
  ])('reads %s as %s', (input, expected) => {
    expect(normalisePhone(input, US).e164).toBe(expected);
  });

  it.each([
    [''],
    ['abc'],
    ['12345'],
    ['+1555555'],
    ['+15555550100'],
    ['+1206555010012345678901234567890'],
    ['+1 206 555 0100 ext 5'],
  ])('refuses %j as invalid, naming the field', (input) => {
    expect(() => normalisePhone(input, US, 'consent.phone')).toThrow(InvalidPhoneNumberError);
    try {
      normalisePhone(input, US, 'consent.phone');
    } catch (error) {
      expect((error as InvalidPhoneNumberError).field).toBe('consent.phone');
    }
  });

  it('refuses non-string input', () => {
    expect(() => normalisePhone(12065550100, US)).toThrow(InvalidPhoneNumberError);
    expect(() => normalisePhone(null, US)).toThrow(InvalidPhoneNumberError);
  });

  it('refuses a valid number in a country that is not allowed', () => {
    expect(() => normalisePhone('+33612345678', US)).toThrow(CountryNotAllowedError);
  });

  it('accepts any country when the policy allows all (inbound texts)', () => {
    expect(normalisePhone('+33612345678', { defaultCountry: 'US', allowedCountries: ['*'] })).toEqual({
      e164: '+33612345678',
      country: 'FR',
    });
  });

  it('masks numbers for logs', () => {
    expect(maskPhone('+12065550100')).toBe('+1206•••0100');
  });
});
