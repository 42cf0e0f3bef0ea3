import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  consentOf,
  DEFAULT_CONSENT_VALUES,
  mappingSpecOf,
  MappingError,
  PRESETS,
  readCsvRecord,
  readOptedOutNumber,
  readPinpointEndpoint,
  resolveMapping,
  type ImportRow,
  type MappingSpec,
  type ReadLine,
} from '../../lambdas/domain/import-sources';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/import', name), 'utf8');

function readPinpoint(): ReadLine[] {
  return fixture('pinpoint-export.jsonl')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => readPinpointEndpoint(JSON.parse(line), i + 1));
}

function readCsv(name: string, spec: MappingSpec, preset = true): ReadLine[] {
  const [header = [], ...records] = parse(fixture(name)) as string[][];
  const mapping = resolveMapping(header, spec, preset);
  return records.map((values, i) =>
    readCsvRecord(Object.fromEntries(header.map((h, j) => [h, values[j]])), mapping, i + 2),
  );
}

const rowAt = (lines: ReadLine[], line: number): ImportRow => {
  const found = lines.find((l) => l.kind === 'row' && l.row.line === line);
  if (!found || found.kind !== 'row') throw new Error(`no row at line ${line}`);
  return found.row;
};

describe('Pinpoint export', () => {
  const lines = readPinpoint();

  it('reads an SMS endpoint with OptOut NONE as consent without a time', () => {
    const row = rowAt(lines, 1);
    expect(row).toMatchObject({
      phone: '+12065550101',
      consent: 'opted_in',
      timeZone: 'America/Los_Angeles',
    });
    // EffectiveDate is when the endpoint changed, not when anyone consented.
    expect(row.consentAt).toBeUndefined();
  });

  it('turns attributes, user attributes, the user id and the location into properties', () => {
    expect(rowAt(lines, 1).properties).toEqual({
      Interests: 'coffee, tea',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      pinpoint_user_id: 'user-1',
      city: 'Seattle',
      region: 'WA',
      country: 'US',
      postal_code: '98101',
    });
  });

  it('reads OptOut ALL as an opt-out dated by EffectiveDate', () => {
    expect(rowAt(lines, 2)).toMatchObject({ consent: 'opted_out', consentAt: '2025-06-10T08:00:00.000Z' });
  });

  it('reads an INACTIVE endpoint as a suppression, not an opt-out', () => {
    expect(rowAt(lines, 3)).toMatchObject({ phone: '+12065550103', consent: 'suppressed' });
  });

  it('skips endpoints of other channels as not SMS', () => {
    expect(
      lines.filter((l) => l.kind === 'skipped').map((l) => l.kind === 'skipped' && [l.line, l.reason]),
    ).toEqual([
      [4, 'not_sms'],
      [7, 'not_sms'],
    ]);
  });

  it('skips a line that is not an endpoint object as unreadable', () => {
    expect(readPinpointEndpoint([1, 2], 9)).toMatchObject({ kind: 'skipped', reason: 'unreadable' });
  });

  it('an opt-out wins over an INACTIVE status', () => {
    const read = readPinpointEndpoint(
      { ChannelType: 'SMS', Address: '+12065550100', OptOut: 'ALL', EndpointStatus: 'INACTIVE' },
      1,
    );
    expect(read).toMatchObject({ kind: 'row', row: { consent: 'opted_out' } });
  });
});

describe('End User Messaging opt-out lists', () => {
  it('reads every listed number as an opt-out dated when it was listed', () => {
    const read = readOptedOutNumber(
      { OptedOutNumber: '+12065550100', OptedOutTimestamp: new Date('2025-01-02T03:04:05Z') },
      1,
      'Default',
    );
    expect(read).toMatchObject({
      kind: 'row',
      row: { phone: '+12065550100', consent: 'opted_out', consentAt: '2025-01-02T03:04:05.000Z' },
    });
  });
});

describe('CSV presets', () => {
  it('Klaviyo: consent with its timestamp and method, opt-outs, no consent, undated consent', () => {
    const lines = readCsv('klaviyo-profiles.csv', PRESETS.klaviyo);
    expect(rowAt(lines, 2)).toMatchObject({
      phone: '+12065550111',
      consent: 'opted_in',
      consentAt: '2025-04-02T10:00:00.000Z',
      consentMethod: 'FORM',
      email: 'ada@example.com',
      timeZone: 'America/Los_Angeles',
      properties: { first_name: 'Ada', last_name: 'Lovelace', city: 'Seattle', region: 'WA', zip: '98101' },
    });
    expect(rowAt(lines, 3)).toMatchObject({
      phone: '(206) 555-0112',
      consent: 'opted_out',
      consentAt: '2025-08-20T16:30:00.000Z',
    });
    expect(rowAt(lines, 4)).toMatchObject({ consent: 'none' });
    expect(rowAt(lines, 5).consent).toBe('opted_in');
    expect(rowAt(lines, 5).consentAt).toBeUndefined();
  });

  it('Attentive: ACTIVE is consent from the opt-in date; an opt-out date makes an opt-out', () => {
    const lines = readCsv('attentive-subscribers.csv', PRESETS.attentive);
    expect(rowAt(lines, 2)).toMatchObject({ consent: 'opted_in', consentMethod: 'Desktop sign-up unit' });
    expect(rowAt(lines, 2).consentAt).toMatch(/^2025-02-11T/);
    expect(rowAt(lines, 3)).toMatchObject({ consent: 'opted_out' });
    expect(rowAt(lines, 3).consentAt).toMatch(/^2025-09-01T/);
  });

  it('Postscript: subscribed with subscribed_at; unsubscribed dated by unsubscribed_at', () => {
    const lines = readCsv('postscript-subscribers.csv', PRESETS.postscript);
    expect(rowAt(lines, 2)).toMatchObject({
      consent: 'opted_in',
      consentAt: '2025-03-03T03:03:03.000Z',
      consentMethod: 'Desktop Popup',
    });
    expect(rowAt(lines, 3)).toMatchObject({ consent: 'opted_out', consentAt: '2025-10-10T10:10:10.000Z' });
    expect(rowAt(lines, 4).properties).toEqual({ first_name: 'Barbara', last_name: 'Liskov' });
  });

  it('a preset whose alternatives a file lacks still needs a phone column', () => {
    expect(() => resolveMapping(['Email', 'First Name'], PRESETS.klaviyo, true)).toThrow(MappingError);
  });
});

describe('generic CSV mapping', () => {
  const spec = mappingSpecOf({
    phone: 'Phone Number',
    consent: 'SMS Consent',
    consentAt: 'SMS Consent Timestamp',
    first_name: 'First Name',
    roast: 'Favourite Roast',
  });

  it('maps the named columns to the import fields and any other target to a property', () => {
    const lines = readCsv('mapped.csv', spec, false);
    expect(rowAt(lines, 2)).toMatchObject({
      phone: '2065550141',
      consent: 'opted_in',
      consentAt: '2025-01-01T12:00:00.000Z',
      properties: { first_name: 'Joan', roast: 'dark' },
    });
    expect(rowAt(lines, 3).consent).toBe('none');
    expect(rowAt(lines, 5).consent).toBe('opted_out');
  });

  it('names a mapped column the header lacks', () => {
    expect(() =>
      resolveMapping(['Phone Number'], mappingSpecOf({ phone: 'Phone Number', consent: 'Consent' }), false),
    ).toThrow(/--map consent="Consent"/);
  });

  it('matches headers whatever their case', () => {
    const mapping = resolveMapping(['PHONE NUMBER'], mappingSpecOf({ phone: 'phone number' }), false);
    expect(mapping.fields.phone).toBe('PHONE NUMBER');
  });

  it('refuses a property name that cannot be one', () => {
    expect(() => resolveMapping(['a', 'b'], mappingSpecOf({ phone: 'a', $$: 'b' }), false)).toThrow(
      /not a property name/,
    );
  });
});

describe('consent values', () => {
  it.each([
    ['true', 'opted_in'],
    ['Yes', 'opted_in'],
    ['1', 'opted_in'],
    ['SUBSCRIBED', 'opted_in'],
    ['false', 'none'],
    ['no', 'none'],
    ['0', 'none'],
    ['', 'none'],
    ['maybe', 'none'],
    ['Unsubscribed', 'opted_out'],
    ['opted-out', 'opted_out'],
  ] as const)('%s means %s by default', (value, expected) => {
    expect(consentOf(value, DEFAULT_CONSENT_VALUES)).toBe(expected);
  });

  it('takes the values a file uses when they are configured', () => {
    const values = { consent: ['oui'], noConsent: ['non'], optedOut: ['arret'] };
    expect(consentOf('OUI', values)).toBe('opted_in');
    expect(consentOf('arret', values)).toBe('opted_out');
    expect(consentOf('yes', values)).toBe('none');
  });
});
