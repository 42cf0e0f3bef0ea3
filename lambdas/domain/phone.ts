/**
 * Phone numbers in, E.164 out. Every phone given to the API or the CLI goes through `normalisePhone`
 * (inbound texts arrive in E.164 already), so keys in every table are the same string for the same
 * person. Parsed with libphonenumber-js against its min metadata less the formatting rules
 * (data/phone-metadata.ts): Optline never formats numbers with it.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import { PHONE_METADATA } from './data/phone-metadata';
import { CountryNotAllowedError, InvalidPhoneNumberError } from './errors';

export interface NormalisedPhone {
  /** E.164, e.g. +12065550100. */
  readonly e164: string;
  /** ISO 3166-1 alpha-2 country of the number. */
  readonly country: string;
}

export interface PhonePolicy {
  /** Country assumed for numbers written without a + prefix. */
  readonly defaultCountry: string;
  /** Destination countries the program may text; `*` accepts any (inbound texts from anywhere). */
  readonly allowedCountries: readonly string[];
}

/** The longest phone input accepted: a number with spaces, dots, dashes and brackets. */
export const MAX_PHONE_INPUT_LENGTH = 32;

export function normalisePhone(input: unknown, policy: PhonePolicy, field = 'phone'): NormalisedPhone {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidPhoneNumberError(`${field} is required and must be a string`, field);
  }
  if (input.length > MAX_PHONE_INPUT_LENGTH || !/^[\d\s()+.-]+$/.test(input.trim())) {
    throw new InvalidPhoneNumberError(`${field} must be a phone number such as +12065550100`, field);
  }
  const parsed = parsePhoneNumberFromString(
    input.trim(),
    policy.defaultCountry as CountryCode,
    PHONE_METADATA,
  );
  if (!parsed || !parsed.isValid() || !parsed.country) {
    throw new InvalidPhoneNumberError(`${field} is not a valid phone number`, field);
  }
  if (!policy.allowedCountries.includes('*') && !policy.allowedCountries.includes(parsed.country)) {
    throw new CountryNotAllowedError(
      `${field}: numbers in ${parsed.country} are not allowed (allowed: ${policy.allowedCountries.join(', ')})`,
      field,
    );
  }
  return { e164: parsed.number, country: parsed.country };
}

/** True when the string is already E.164 (cheap check for keys read back from tables). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

/** Masks a number for logs: +1206•••0100. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '•••';
  return `${phone.slice(0, 5)}•••${phone.slice(-4)}`;
}

/**
 * Replaces every phone number in a text with its masked form: logs carry no phone numbers unless
 * the operator turns on the `logPii` debugging switch (lib/function-environment.ts).
 */
export function redactPhones(text: string, reveal = false): string {
  return reveal ? text : text.replace(/\+[1-9]\d{6,14}/g, (phone) => maskPhone(phone));
}
