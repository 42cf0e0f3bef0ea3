import { describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../lib/config';
import { missingDisclosureElements } from '../../lambdas/domain/disclosure';
import { ValidationError } from '../../lambdas/domain/errors';
import {
  countryOptions,
  findForm,
  formDisclosure,
  readFormEntry,
  textWithLinks,
} from '../../lambdas/domain/signup-form';

const program = (extra: Record<string, unknown> = {}) =>
  parseDeploymentConfig({
    brand: 'Acme Coffee',
    messageFrequency: 'Up to 6 msgs/mo',
    termsUrl: 'https://acme-coffee.example/sms-terms',
    privacyUrl: 'https://acme-coffee.example/privacy',
    ...extra,
  }).program;

describe('signup forms in the config', () => {
  it('ship one form, signup, with the source form:signup', () => {
    const forms = program().forms;
    expect(forms.map((f) => [f.id, f.source, f.classes, f.smartOptIn])).toEqual([
      ['signup', 'form:signup', ['marketing'], false],
    ]);
  });

  it('take form:<id> as the source when none is given', () => {
    const config = program({ forms: [{ id: 'spring', headline: 'Spring' }] });
    expect(findForm(config, 'spring')?.source).toBe('form:spring');
    expect(findForm(config, 'signup')).toBeUndefined();
  });

  it.each([
    [{ id: 'Bad Id', headline: 'x' }, 'forms.0.id'],
    [{ id: 'a', headline: 'x', allowedOrigins: ['https://shop.example/'] }, 'forms.0.allowedOrigins.0'],
    [{ id: 'a', headline: 'x', fields: ['email', 'email'] }, 'forms.0.fields'],
  ])('refuse %j, naming %s', (form, field) => {
    expect(() => program({ forms: [form] })).toThrow(`optline.${field}`);
  });
});

describe('formDisclosure', () => {
  it('holds every element a disclosure needs, from the config', () => {
    const config = program();
    const disclosure = formDisclosure(config.forms[0]!, config);
    expect(missingDisclosureElements(disclosure.text, config)).toEqual([]);
    expect(disclosure.version).toMatch(/^sha256:[0-9a-f]{40}$/);
  });

  it('is a new version when its words change', () => {
    const before = program();
    const after = program({ messageFrequency: 'Up to 4 msgs/mo' });
    expect(formDisclosure(after.forms[0]!, after).version).not.toBe(
      formDisclosure(before.forms[0]!, before).version,
    );
  });

  it('keeps its words when its links are marked', () => {
    const { text } = formDisclosure(program().forms[0]!, program());
    const parts = textWithLinks(text);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.url).map((p) => p.text)).toEqual([
      'https://acme-coffee.example/sms-terms',
      'https://acme-coffee.example/privacy',
    ]);
  });
});

describe('readFormEntry', () => {
  const form = program({ forms: [{ id: 'a', headline: 'x', fields: ['first_name', 'email'] }] }).forms[0]!;

  it('reads the phone, the country, the fields of the form and the page', () => {
    expect(
      readFormEntry(form, {
        phone: ' (206) 555-0100 ',
        country: 'US',
        consent: 'yes',
        first_name: 'Ada',
        email: '',
        favourite: 'ignored',
        pageUrl: 'https://shop.example/spring',
      }),
    ).toEqual({
      phone: '(206) 555-0100',
      country: 'US',
      properties: { first_name: 'Ada' },
      pageUrl: 'https://shop.example/spring',
    });
  });

  it.each([
    [{ phone: '2065550100' }, 'consent.checkedByUser'],
    [{ phone: '2065550100', consent: 'no' }, 'consent.checkedByUser'],
    [{ consent: 'yes' }, 'phone'],
    [{ phone: '2065550100', consent: true, email: 'not-an-email' }, 'email'],
    [{ phone: '2065550100', consent: true, first_name: 'x'.repeat(201) }, 'first_name'],
    [{ phone: 2065550100, consent: true }, 'phone'],
  ])('refuses %j, naming %s', (body, field) => {
    let caught: unknown;
    try {
      readFormEntry(form, body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
  });
});

describe('countryOptions', () => {
  it('offers the allowed countries with their calling codes', () => {
    expect(countryOptions({ allowedCountries: ['US', 'CA', 'GB'] })).toEqual([
      { country: 'US', callingCode: '1' },
      { country: 'CA', callingCode: '1' },
      { country: 'GB', callingCode: '44' },
    ]);
  });
});
