/**
 * Signup forms (config `forms`, docs/pages.md#signup-forms): the disclosure a form shows, built from
 * the program's config and never taken from the browser, and what a form post means as a
 * subscription request. The same subscription rules as `POST /v1/subscriptions` then apply.
 */
import { createHash } from 'node:crypto';
import { PHONE_METADATA } from './data/phone-metadata';
import { ValidationError } from './errors';
import type { ConsentClass } from './consent';
import type { PropertyValue } from './profile';
import type { RuntimeConfig } from './runtime-config';

export type SignupForm = RuntimeConfig['forms'][number];

type Program = Pick<RuntimeConfig, 'brand' | 'messageFrequency' | 'termsUrl' | 'privacyUrl'>;

export function findForm(program: Pick<RuntimeConfig, 'forms'>, id: string): SignupForm | undefined {
  return program.forms.find((form) => form.id === id);
}

export interface Disclosure {
  readonly text: string;
  /** `sha256:` and the first 40 hex digits of the text's SHA-256: a new wording is a new version. */
  readonly version: string;
}

/**
 * The words shown above the submit button: who texts, what, how often, that rates may apply, HELP
 * and STOP, terms and privacy (what lambdas/domain/disclosure.ts checks for). The preference page's
 * "Subscribe again" shows the same words for marketing.
 */
export function formDisclosure(
  form: { readonly classes: readonly ConsentClass[] },
  program: Program,
): Disclosure {
  const what = form.classes.includes('marketing')
    ? form.classes.includes('transactional')
      ? 'recurring automated marketing and account text messages'
      : 'recurring automated marketing text messages'
    : 'account and order text messages';
  const text = [
    `By checking this box, you agree to receive ${what} from ${program.brand} at the number provided.`,
    form.classes.includes('marketing') ? 'Consent is not a condition of purchase.' : '',
    `${program.messageFrequency.replace(/\.$/, '')}.`,
    'Msg & data rates may apply. Reply HELP for help and STOP to cancel.',
    `Terms: ${program.termsUrl} Privacy: ${program.privacyUrl}`,
  ]
    .filter(Boolean)
    .join(' ');
  const version = `sha256:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 40)}`;
  return { text, version };
}

/** The text split into plain parts and URLs, so a page can link the URLs and show the same words. */
export function textWithLinks(text: string): { readonly text: string; readonly url?: boolean }[] {
  return text
    .split(/(https?:\/\/\S+)/)
    .filter((part) => part !== '')
    .map((part) => (/^https?:\/\//.test(part) ? { text: part, url: true } : { text: part }));
}

export interface CountryOption {
  readonly country: string;
  readonly callingCode: string;
}

/** The countries a form offers for its phone field: the program's allowed countries, first the default. */
export function countryOptions(program: Pick<RuntimeConfig, 'allowedCountries'>): CountryOption[] {
  const countries = PHONE_METADATA.countries as unknown as Record<string, readonly unknown[]>;
  return (program.allowedCountries ?? ['US'])
    .filter((country) => country !== '*' && countries[country])
    .map((country) => ({ country, callingCode: String(countries[country]?.[0]) }));
}

const CHECKED = new Set(['yes', 'on', 'true', '1']);

/** What a form post holds once its fields are read (the phone not yet normalised). */
export interface FormEntry {
  readonly phone: string;
  readonly country?: string;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly pageUrl?: string;
  /** Smart Opt-in's second step: the code texted to the number. */
  readonly code?: string;
}

const field = (body: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new ValidationError(`${name}: must be text`, name === 'consent' ? 'consent.checkedByUser' : name);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/**
 * Reads a form post (browser form fields, or the embed script's JSON with the same names). The
 * consent checkbox must be ticked: `consent.checkedByUser` is the field the API names for it.
 */
export function readFormEntry(form: SignupForm, body: unknown): FormEntry {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('body: must hold the form fields', 'body');
  const fields = body as Readonly<Record<string, unknown>>;
  const consent = fields.consent;
  const checked = consent === true || (typeof consent === 'string' && CHECKED.has(consent.toLowerCase()));
  if (!checked) {
    throw new ValidationError(
      'consent.checkedByUser: tick the box to agree to receive texts (consent needs an action by the person)',
      'consent.checkedByUser',
    );
  }
  const phone = field(fields, 'phone');
  if (!phone) throw new ValidationError('phone: enter your mobile number', 'phone');
  const country = field(fields, 'country');
  const properties: Record<string, PropertyValue> = {};
  for (const name of form.fields) {
    const value = field(fields, name);
    if (value === undefined) continue;
    if (value.length > 200 || /[\p{Cc}\p{Cf}]/u.test(value))
      throw new ValidationError(`${name}: must be at most 200 printable characters`, name);
    if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
      throw new ValidationError('email: must be an email address such as ada@example.com', 'email');
    properties[name] = value;
  }
  const pageUrl = field(fields, 'pageUrl');
  const code = field(fields, 'code');
  if (code !== undefined && !/^\d{6}$/.test(code))
    throw new ValidationError('code: must be the 6-digit code we texted you', 'code');
  return {
    phone,
    ...(country ? { country } : {}),
    properties,
    ...(pageUrl && isPageUrl(pageUrl) ? { pageUrl } : {}),
    ...(code ? { code } : {}),
  };
}

function isPageUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
