/**
 * Campaign segments: who a campaign is for, as a small JSON language (`matchesSegment`), and the
 * rules every campaign applies whatever its segment says (`campaignEligibility`). The language is
 * specified in docs/campaigns.md#segments.
 *
 * Pure: time is passed in; nothing reads the clock. Requests are validated by `SegmentSchema`
 * (segment-schema.ts), kept apart so that code which only evaluates segments bundles no zod.
 */
import { isPaused, type Profile, type PropertyValue } from './profile';
import { recipientTimeZone } from './quiet-hours';

export interface VipThresholds {
  readonly minOrders?: number;
  readonly minTotalSpent?: number;
}

export const PROPERTY_OPERATORS = ['equals', 'notEquals', 'in', 'exists', 'gt', 'gte', 'lt', 'lte'] as const;
export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];

export type PropertyCondition = { readonly property: string } & (
  | { readonly equals: PropertyValue }
  | { readonly notEquals: PropertyValue }
  | { readonly in: readonly PropertyValue[] }
  | { readonly exists: boolean }
  | { readonly gt: number }
  | { readonly gte: number }
  | { readonly lt: number }
  | { readonly lte: number }
);

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly engagedWithinDays: number }
  | { readonly highIntentWithinDays: number }
  | { readonly vip: VipThresholds }
  | PropertyCondition
  | { readonly phones: readonly string[] };

/** `{ all: true }` or a condition, with an optional top-level `exclude` list (only at the top level). */
export type Segment = ({ readonly all: true } | Condition) & { readonly exclude?: readonly Condition[] };

export const SEGMENT_LIMITS = {
  /** Levels of a condition tree, the leaf included: `{ all: [{ any: [{ not: { vip: … } }] }] }` is 4. */
  maxDepth: 4,
  /** Conditions in the whole segment (groups and leaves, `exclude` included). */
  maxConditions: 50,
  /** Phone numbers over every `phones` list of the segment. */
  maxPhones: 10_000,
  /** Values of one `in` list. */
  maxInValues: 100,
  maxStringLength: 200,
  maxDays: 3650,
} as const;

export const CONDITION_KINDS = [
  'all',
  'any',
  'not',
  'engagedWithinDays',
  'highIntentWithinDays',
  'vip',
  'property',
  'phones',
] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------
// Matching

/** True when the profile is in the segment: it matches the base (`all: true` or the condition) and no `exclude`. */
export function matchesSegment(profile: Profile, segment: Segment, now: Date): boolean {
  const base =
    'all' in segment && segment.all === true ? true : matchesCondition(profile, segment as Condition, now);
  if (!base) return false;
  return !(segment.exclude ?? []).some((condition) => matchesCondition(profile, condition, now));
}

export function matchesCondition(profile: Profile, condition: Condition, now: Date): boolean {
  if ('all' in condition) return listOf(condition.all, 'all').every((c) => matchesCondition(profile, c, now));
  if ('any' in condition) return listOf(condition.any, 'any').some((c) => matchesCondition(profile, c, now));
  if ('not' in condition) return !matchesCondition(profile, condition.not, now);
  if ('engagedWithinDays' in condition) {
    const days = condition.engagedWithinDays;
    return [profile.lastClickAt, profile.lastOrderAt, profile.marketingSubscribedAt].some((at) =>
      withinDays(at, days, now),
    );
  }
  if ('highIntentWithinDays' in condition) {
    const days = condition.highIntentWithinDays;
    return [profile.lastViewedAt, profile.lastCartAt].some((at) => withinDays(at, days, now));
  }
  if ('vip' in condition) {
    const { minOrders, minTotalSpent } = condition.vip;
    return (
      (minOrders !== undefined && (profile.orderCount ?? 0) >= minOrders) ||
      (minTotalSpent !== undefined && (profile.totalSpent ?? 0) >= minTotalSpent)
    );
  }
  if ('property' in condition) return matchesProperty(profile, condition);
  if ('phones' in condition) return phoneSet(condition.phones).has(profile.phone);
  // Only reachable with an unvalidated segment. Throwing (rather than answering false) keeps `not` from
  // turning a broken condition into "everyone".
  throw new TypeError(`not a segment condition: ${JSON.stringify(condition)}`);
}

function matchesProperty(profile: Profile, condition: PropertyCondition): boolean {
  const value = propertyValue(profile.properties, condition.property);
  if ('equals' in condition) return value === condition.equals;
  if ('notEquals' in condition) return value !== condition.notEquals;
  if ('in' in condition) return condition.in.some((candidate) => candidate === value);
  if ('exists' in condition) return (value !== undefined && value !== null) === condition.exists;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if ('gt' in condition) return value > condition.gt;
  if ('gte' in condition) return value >= condition.gte;
  if ('lt' in condition) return value < condition.lt;
  if ('lte' in condition) return value <= condition.lte;
  throw new TypeError(`property condition without an operator: ${JSON.stringify(condition)}`);
}

/** A flat key first, then a dotted path through nested objects; own keys only (no `__proto__`, `constructor`). */
export function propertyValue(properties: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(properties, name)) return properties[name];
  if (!name.includes('.')) return undefined;
  let current: unknown = properties;
  for (const key of name.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function withinDays(at: string | undefined, days: number, now: Date): boolean {
  if (at === undefined) return false;
  const time = Date.parse(at);
  return !Number.isNaN(time) && time >= now.getTime() - days * DAY_MS;
}

function listOf(list: readonly Condition[], kind: string): readonly Condition[] {
  if (!Array.isArray(list)) throw new TypeError(`segment condition "${kind}" must be a list of conditions`);
  return list;
}

// A campaign evaluates the same segment for every profile: build each include list's set once.
const phoneSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function phoneSet(phones: readonly string[]): ReadonlySet<string> {
  let set = phoneSets.get(phones);
  if (!set) {
    set = new Set(phones);
    phoneSets.set(phones, set);
  }
  return set;
}

// ---------------------------------------------------------------------------------------------------
// Eligibility

export type Ineligibility =
  | 'not_subscribed'
  | 'opted_out'
  | 'paused'
  | 'error_segment'
  | 'undeliverable'
  | 'not_in_segment'
  | 'other_time_zone';

/** A temporary delivery failure keeps a number out of campaigns (not flows) for this long. */
export const ERROR_SEGMENT_DAYS = 30;

export interface CampaignAudience {
  readonly segment: Segment;
  /** The campaign's own pause property, e.g. `Paused-BFCM2025`; `Paused` always applies as well. */
  readonly pausedProperty?: string;
  /** Local-time campaigns dispatch one batch per time zone: only recipients of this zone are eligible. */
  readonly timeZone?: string;
  /** The schedule's zone that dispatches a recipient zone (campaigns' `dispatchZoneOf`); else the zone itself. */
  readonly zoneOf?: (recipientZone: string) => string | undefined;
  readonly defaultTimeZone: string;
}

export type Eligibility =
  { readonly eligible: true } | { readonly eligible: false; readonly reason: Ineligibility };

/**
 * Rules every campaign applies whatever its segment says, first failing rule wins:
 * 0. with `timeZone` (one dispatch of a local-time campaign), a recipient zone (profile's, else the
 *    number's, else the default) dispatched by another schedule → `other_time_zone`. First, so that
 *    each recipient is judged, and each skip counted, by one dispatch only.
 * 1. opted out (optedOutAt set) → `opted_out`. Checked before consent because an opt-out also
 *    unsubscribes marketing: in the other order an opted-out number would always read `not_subscribed`.
 * 2. marketing not `subscribed` → `not_subscribed`.
 * 3. a permanent delivery error → `undeliverable`.
 * 4. a temporary delivery error in the last 30 days (exactly 30 days ago included) → `error_segment`
 *    (campaigns skip the error segment; flows still send).
 * 5. the campaign's pause property or the generic `Paused` property truthy, or a timed pause from the
 *    preference page not over yet → `paused`.
 * 6. the segment does not match → `not_in_segment`.
 */
export function campaignEligibility(profile: Profile, campaign: CampaignAudience, now: Date): Eligibility {
  const no = (reason: Ineligibility): Eligibility => ({ eligible: false, reason });
  if (campaign.timeZone !== undefined) {
    const zone = recipientTimeZone(profile.timeZone, profile.phone, campaign.defaultTimeZone);
    if ((campaign.zoneOf ? campaign.zoneOf(zone) : zone) !== campaign.timeZone) return no('other_time_zone');
  }
  if (profile.optedOutAt !== undefined) return no('opted_out');
  if (profile.marketing !== 'subscribed') return no('not_subscribed');
  const error = profile.deliveryError;
  if (error?.permanent) return no('undeliverable');
  if (error && withinDays(error.at, ERROR_SEGMENT_DAYS, now)) return no('error_segment');
  if (isPaused(profile, now, campaign.pausedProperty ? [campaign.pausedProperty] : [])) return no('paused');
  if (!matchesSegment(profile, campaign.segment, now)) return no('not_in_segment');
  return { eligible: true };
}

/** As send-policy reads a pause property: anything but missing, null, false, '' or 0. */
