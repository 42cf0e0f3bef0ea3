/** Requests shared by the API tests. */

export const COMPLIANT_DISCLOSURE =
  'By checking this box you agree to receive recurring automated marketing texts from Acme Coffee at the number provided. ' +
  'Consent is not a condition of purchase. Up to 6 msgs/mo. Msg & data rates may apply. Reply HELP for help and STOP to cancel. ' +
  'Terms: https://acme-coffee.example/sms-terms Privacy: https://acme-coffee.example/privacy';

export function formSubscription(
  phone: string,
  overrides: Record<string, unknown> = {},
  consent: Record<string, unknown> = {},
) {
  return {
    phone,
    source: 'footer-form',
    consent: {
      method: 'form',
      classes: ['marketing'],
      disclosure: { text: COMPLIANT_DISCLOSURE, version: '2026-05' },
      pageUrl: 'https://acme-coffee.example/',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (test)',
      checkedByUser: true,
      ...consent,
    },
    ...overrides,
  };
}

/** Config for tests of keywords and opt-in alone: no welcome flow texting in between. */
export const KEYWORDS_ONLY = { flows: { welcome: { enabled: false } } };
