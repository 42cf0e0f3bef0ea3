/**
 * What an import reads: one line (a Pinpoint endpoint, a CSV record, an opt-out list entry) turned
 * into an `ImportRow`, the source-neutral shape the import rules decide on (import-rules.ts). Pure:
 * the CLI streams files through these functions, and the import of an uploaded file hands them the
 * items its Distributed Map's reader parsed (./import-items.ts), so both read a line alike.
 *
 * Each source's format, and the version of its export a preset follows, is in docs/import.md.
 */
import type { PropertyValue } from './profile';

export const IMPORT_SOURCES = [
  'pinpoint',
  'eum-opt-outs',
  'klaviyo',
  'attentive',
  'postscript',
  'csv',
] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/**
 * What the source says about the number: consent, an opt-out, an inactive number (not to be texted,
 * without a claim that the person opted out), or nothing that counts as consent.
 */
export type ImportConsent = 'opted_in' | 'opted_out' | 'suppressed' | 'none';

export interface ImportRow {
  /** Line of the input (1-based; a CSV's header is line 1). */
  readonly line: number;
  /** The number as the source wrote it; normalised to E.164 by the rules. */
  readonly phone: string;
  readonly consent: ImportConsent;
  /** The source's time of the consent or the opt-out (ISO 8601), when it records one. */
  readonly consentAt?: string;
  /** The source's word for how consent was given. */
  readonly consentMethod?: string;
  readonly email?: string;
  readonly timeZone?: string;
  readonly properties: Readonly<Record<string, PropertyValue>>;
}

/** Lines the reader drops before the rules see them, with the reason the report gives. */
export type ReadSkipReason = 'not_sms' | 'unreadable';

export type ReadLine =
  | { readonly kind: 'row'; readonly row: ImportRow }
  | {
      readonly kind: 'skipped';
      readonly line: number;
      readonly reason: ReadSkipReason;
      readonly message: string;
    };

/** Profile property names an import may write: as the API allows, never `$…` (Optline's own). */
const PROPERTY_NAME = /^[A-Za-z][\w.-]{0,63}$/;
const MAX_PROPERTY_LENGTH = 200;
const MAX_PROPERTIES = 50;
/** Longer than any phone number as written: longer text is cut, then fails as an invalid number. */
const MAX_PHONE_TEXT = 64;
const MAX_TIME_ZONE_TEXT = 64;

/** A source's attribute name as a property name: unsupported characters become `_`. */
export function propertyNameOf(name: string): string | undefined {
  const cleaned = name
    .trim()
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 64);
  return PROPERTY_NAME.test(cleaned) ? cleaned : undefined;
}

/** Printable text of at most `max` characters (control and invisible format characters removed), or undefined. */
function clean(value: string | undefined, max = MAX_PROPERTY_LENGTH): string | undefined {
  if (value === undefined) return undefined;
  const text = value
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .trim()
    .slice(0, max)
    .trim();
  return text === '' ? undefined : text;
}

function addProperty(target: Record<string, PropertyValue>, name: string, value: unknown): void {
  if (Object.keys(target).length >= MAX_PROPERTIES) return;
  const key = propertyNameOf(name);
  if (!key) return;
  if (Array.isArray(value)) value = value.map(String).join(', ');
  if (typeof value === 'number' && Number.isFinite(value)) target[key] = value;
  else if (typeof value === 'boolean') target[key] = value;
  else if (typeof value === 'string' && value.trim() !== '')
    target[key] = value.trim().slice(0, MAX_PROPERTY_LENGTH);
}

/** An ISO 8601 instant from a source's time, or undefined when it has none or it is not a time. */
export function instantOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Epoch seconds or milliseconds (sources write both).
    const ms = value < 1e11 ? value * 1000 : value;
    return new Date(ms).toISOString();
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d{9,13}$/.test(text)) return instantOf(Number(text));
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

// --- Amazon Pinpoint -------------------------------------------------------------------------------

interface PinpointEndpoint {
  readonly Address?: unknown;
  readonly ChannelType?: unknown;
  readonly EndpointStatus?: unknown;
  readonly OptOut?: unknown;
  readonly EffectiveDate?: unknown;
  readonly Attributes?: unknown;
  readonly Demographic?: { readonly Timezone?: unknown };
  readonly User?: { readonly UserId?: unknown; readonly UserAttributes?: unknown };
  readonly Location?: Readonly<Record<string, unknown>>;
}

/**
 * One endpoint of a Pinpoint export (`CreateExportJob`: gzipped JSON Lines, one endpoint a line).
 * Only SMS endpoints are people to import. `OptOut: "ALL"` is an opt-out dated by `EffectiveDate`
 * (the endpoint's last change: the nearest time Pinpoint keeps); an `INACTIVE` endpoint is a
 * suppression; `OptOut: "NONE"` is not evidence of consent (Pinpoint records none), so it is
 * undated consent, imported only when the operator accepts undated consent.
 */
export function readPinpointEndpoint(value: unknown, line: number): ReadLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'skipped', line, reason: 'unreadable', message: 'not a JSON object' };
  const endpoint = value as PinpointEndpoint;
  if (endpoint.ChannelType !== 'SMS')
    return {
      kind: 'skipped',
      line,
      reason: 'not_sms',
      message: `ChannelType ${typeof endpoint.ChannelType === 'string' ? endpoint.ChannelType : 'missing'}`,
    };
  const properties: Record<string, PropertyValue> = {};
  for (const source of [endpoint.Attributes, endpoint.User?.UserAttributes]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [name, values] of Object.entries(source as Record<string, unknown>))
      addProperty(properties, name, values);
  }
  if (typeof endpoint.User?.UserId === 'string')
    addProperty(properties, 'pinpoint_user_id', endpoint.User.UserId);
  const location = endpoint.Location ?? {};
  for (const [field, name] of [
    ['City', 'city'],
    ['Region', 'region'],
    ['Country', 'country'],
    ['PostalCode', 'postal_code'],
  ] as const)
    addProperty(properties, name, location[field]);
  const effective = instantOf(endpoint.EffectiveDate);
  const timeZone =
    typeof endpoint.Demographic?.Timezone === 'string'
      ? clean(endpoint.Demographic.Timezone, MAX_TIME_ZONE_TEXT)
      : undefined;
  const base = {
    line,
    phone: typeof endpoint.Address === 'string' ? (clean(endpoint.Address, MAX_PHONE_TEXT) ?? '') : '',
    properties,
    ...(timeZone ? { timeZone } : {}),
  };
  if (endpoint.OptOut === 'ALL')
    return {
      kind: 'row',
      row: {
        ...base,
        consent: 'opted_out',
        consentMethod: 'OptOut ALL',
        ...(effective ? { consentAt: effective } : {}),
      },
    };
  if (endpoint.EndpointStatus === 'INACTIVE')
    return {
      kind: 'row',
      row: {
        ...base,
        consent: 'suppressed',
        consentMethod: 'EndpointStatus INACTIVE',
        ...(effective ? { consentAt: effective } : {}),
      },
    };
  return {
    kind: 'row',
    row: { ...base, consent: 'opted_in', consentMethod: 'OptOut NONE (no consent record)' },
  };
}

// --- End User Messaging opt-out lists --------------------------------------------------------------

/** One entry of `DescribeOptedOutNumbers`: an opt-out, dated when End User Messaging listed it. */
export function readOptedOutNumber(
  entry: { readonly OptedOutNumber?: string; readonly OptedOutTimestamp?: Date | string | number },
  line: number,
  list: string,
): ReadLine {
  if (!entry.OptedOutNumber)
    return { kind: 'skipped', line, reason: 'unreadable', message: 'entry without OptedOutNumber' };
  const at =
    entry.OptedOutTimestamp instanceof Date
      ? entry.OptedOutTimestamp.toISOString()
      : instantOf(entry.OptedOutTimestamp);
  return {
    kind: 'row',
    row: {
      line,
      phone: entry.OptedOutNumber,
      consent: 'opted_out',
      consentMethod: `opt-out list ${list}`,
      properties: {},
      ...(at ? { consentAt: at } : {}),
    },
  };
}

// --- CSV -----------------------------------------------------------------------------------------

/** The import's own fields a column can be mapped to; any other target is a profile property. */
export const MAPPING_FIELDS = [
  'phone',
  'consent',
  'consentAt',
  'optedOutAt',
  'consentMethod',
  'email',
  'timeZone',
] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/** Which column feeds each target: for a preset, header names to try in order (case-insensitive). */
export interface MappingSpec {
  readonly fields: Readonly<Partial<Record<MappingField, readonly string[]>>>;
  readonly properties: Readonly<Record<string, readonly string[]>>;
  readonly values: ConsentValues;
}

/** A mapping resolved against a file's header: target → the header exactly as the file writes it. */
export interface ColumnMapping {
  readonly fields: Readonly<Partial<Record<MappingField, string>>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly values: ConsentValues;
}

/** The values of a consent column, lower-cased: consent, no consent, and an opt-out. */
export interface ConsentValues {
  readonly consent: readonly string[];
  readonly noConsent: readonly string[];
  readonly optedOut: readonly string[];
}

export const DEFAULT_CONSENT_VALUES: ConsentValues = {
  consent: ['true', 'yes', 'y', '1', 'subscribed', 'opted_in', 'opt_in'],
  noConsent: ['false', 'no', 'n', '0', 'never_subscribed', 'not_subscribed', ''],
  optedOut: ['unsubscribed', 'opted_out', 'opt_out', 'optedout', 'stop'],
};

const v = (...names: string[]) => names;

/**
 * Presets for the exports Klaviyo, Attentive and Postscript document. Each target lists the header
 * spellings those exports use (and close variants); docs/import.md names the export and version each
 * follows and how far it was verified.
 */
export const PRESETS: Readonly<Record<'klaviyo' | 'attentive' | 'postscript', MappingSpec>> = {
  klaviyo: {
    fields: {
      phone: v('Phone Number', 'phone_number', 'Phone'),
      email: v('Email', 'email'),
      consent: v('SMS Consent', 'SMS Marketing Consent', 'SMS Subscription Status', 'sms_consent'),
      consentAt: v('SMS Consent Timestamp', 'SMS Consent Date', 'sms_consent_timestamp'),
      consentMethod: v('SMS Consent Method', 'Source', 'sms_consent_method'),
      timeZone: v('Timezone', 'Time Zone', 'timezone'),
    },
    properties: {
      first_name: v('First Name', 'first_name'),
      last_name: v('Last Name', 'last_name'),
      city: v('City'),
      region: v('State / Region', 'Region', 'State'),
      country: v('Country'),
      zip: v('Zip Code', 'Zip'),
    },
    values: {
      ...DEFAULT_CONSENT_VALUES,
      consent: [...DEFAULT_CONSENT_VALUES.consent, 'sms'],
    },
  },
  attentive: {
    fields: {
      phone: v('Phone', 'Phone Number', 'phone', 'phone_number'),
      email: v('Email', 'email'),
      consent: v('Subscription Status', 'SMS Subscription Status', 'Status', 'subscription_status'),
      consentAt: v('Opt In Date', 'Subscribed At', 'Active Since', 'Join Date', 'opt_in_date'),
      optedOutAt: v('Opt Out Date', 'Unsubscribed At', 'opt_out_date'),
      consentMethod: v('Sign Up Source', 'Subscription Source', 'Source'),
    },
    properties: {
      first_name: v('First Name', 'first_name'),
      last_name: v('Last Name', 'last_name'),
    },
    values: {
      ...DEFAULT_CONSENT_VALUES,
      consent: [...DEFAULT_CONSENT_VALUES.consent, 'active', 'eligible'],
      noConsent: [...DEFAULT_CONSENT_VALUES.noConsent, 'ineligible', 'pending'],
    },
  },
  postscript: {
    fields: {
      phone: v('phone_number', 'Phone Number', 'phone'),
      email: v('email', 'Email'),
      consent: v('subscription_status', 'status', 'Subscription Status'),
      consentAt: v('subscribed_at', 'opt_in_date', 'Subscribed At'),
      optedOutAt: v('unsubscribed_at', 'opt_out_date', 'Unsubscribed At'),
      consentMethod: v('source', 'opt_in_source', 'Source'),
    },
    properties: {
      first_name: v('first_name', 'First Name'),
      last_name: v('last_name', 'Last Name'),
    },
    values: {
      ...DEFAULT_CONSENT_VALUES,
      consent: [...DEFAULT_CONSENT_VALUES.consent, 'active'],
    },
  },
};

/** A generic mapping from `--map target=column` pairs (each target, one column). */
export function mappingSpecOf(
  pairs: Readonly<Record<string, string>>,
  values: ConsentValues = DEFAULT_CONSENT_VALUES,
): MappingSpec {
  const fields: Partial<Record<MappingField, string[]>> = {};
  const properties: Record<string, string[]> = {};
  for (const [target, column] of Object.entries(pairs)) {
    if ((MAPPING_FIELDS as readonly string[]).includes(target)) fields[target as MappingField] = [column];
    else properties[target] = [column];
  }
  return { fields, properties, values };
}

export class MappingError extends Error {
  override readonly name = 'MappingError';
}

/**
 * Resolves a mapping against a file's header row: each target takes the first of its columns the
 * header has (case-insensitive). The phone column must be there; a mapped column the header lacks
 * is an error for a generic mapping (a typo) and a skipped alternative for a preset.
 */
export function resolveMapping(header: readonly string[], spec: MappingSpec, preset: boolean): ColumnMapping {
  const byLower = new Map(header.map((h) => [h.trim().toLowerCase(), h]));
  const pick = (target: string, names: readonly string[]): string | undefined => {
    for (const name of names) {
      const found = byLower.get(name.trim().toLowerCase());
      if (found !== undefined) return found;
    }
    if (!preset)
      throw new MappingError(
        `--map ${target}="${names[0] ?? ''}": the header has no such column (it has: ${header.join(', ')})`,
      );
    return undefined;
  };
  const fields: Partial<Record<MappingField, string>> = {};
  for (const [target, names] of Object.entries(spec.fields) as [MappingField, readonly string[]][]) {
    const column = pick(target, names);
    if (column !== undefined) fields[target] = column;
  }
  if (fields.phone === undefined)
    throw new MappingError(
      `no phone column: the header has ${header.join(', ')}; map one with --map phone="<column>"`,
    );
  const properties: Record<string, string> = {};
  for (const [target, names] of Object.entries(spec.properties)) {
    const name = propertyNameOf(target);
    if (!name) throw new MappingError(`--map ${target}=…: not a property name (letters, digits, _ . -)`);
    const column = pick(target, names);
    if (column !== undefined) properties[name] = column;
  }
  return { fields, properties, values: spec.values };
}

/** What a consent column's value says: consent, an opt-out, or nothing that counts. */
export function consentOf(value: string | undefined, values: ConsentValues): ImportConsent {
  const normal = (value ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (values.optedOut.includes(normal)) return 'opted_out';
  if (values.consent.includes(normal)) return 'opted_in';
  return 'none';
}

/** One CSV record (header → value) through a resolved mapping. */
export function readCsvRecord(
  record: Readonly<Record<string, string | undefined>>,
  mapping: ColumnMapping,
  line: number,
): ReadLine {
  const field = (name: MappingField): string | undefined => {
    const column = mapping.fields[name];
    return column === undefined
      ? undefined
      : clean(record[column], name === 'phone' ? MAX_PHONE_TEXT : undefined);
  };
  const optedOutAt = instantOf(field('optedOutAt'));
  let consent = consentOf(field('consent'), mapping.values);
  // A recorded opt-out time is an opt-out, whatever the status column says.
  if (optedOutAt) consent = 'opted_out';
  const consentAt =
    consent === 'opted_out' ? (optedOutAt ?? instantOf(field('consentAt'))) : instantOf(field('consentAt'));
  const properties: Record<string, PropertyValue> = {};
  for (const [name, column] of Object.entries(mapping.properties))
    addProperty(properties, name, record[column]);
  const email = field('email');
  const timeZone = field('timeZone');
  const consentMethod = field('consentMethod');
  return {
    kind: 'row',
    row: {
      line,
      phone: field('phone') ?? '',
      consent,
      properties,
      ...(consentAt ? { consentAt } : {}),
      ...(consentMethod ? { consentMethod } : {}),
      ...(email ? { email } : {}),
      ...(timeZone ? { timeZone: timeZone.slice(0, MAX_TIME_ZONE_TEXT) } : {}),
    },
  };
}
