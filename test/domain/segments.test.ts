import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from '../../lambdas/domain/zod';
import { ValidationError } from '../../lambdas/domain/errors';
import type { Profile } from '../../lambdas/domain/profile';
import {
  campaignEligibility,
  matchesSegment,
  SEGMENT_LIMITS,
  type CampaignAudience,
  type Condition,
  type Segment,
} from '../../lambdas/domain/segments';
import { SegmentSchema } from '../../lambdas/domain/segment-schema';
import { parseInput } from '../../lambdas/domain/validation';

const now = new Date('2026-04-15T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number, extraMs = 0) => new Date(now.getTime() - days * DAY - extraMs).toISOString();

const subscriber: Profile = {
  phone: '+12125550100', // New York
  marketing: 'subscribed',
  transactional: 'subscribed',
  marketingConfirmedBy: 'double_opt_in',
  properties: {},
  consentVersion: 2,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const profile = (overrides: Partial<Profile> = {}): Profile => ({ ...subscriber, ...overrides });
/** Properties as they may arrive from JSON: nested objects are not in the PropertyValue type. */
const nested = (properties: Record<string, unknown>) => properties as unknown as Profile['properties'];

const example: Segment = {
  all: [{ engagedWithinDays: 90 }, { property: 'preferences.coffee', equals: 'iced' }],
  exclude: [{ property: 'Paused-BFCM2025', exists: true }],
};

describe('matchesSegment: every condition kind, both ways', () => {
  it.each<[string, Condition, Partial<Profile>, boolean]>([
    // engagedWithinDays: click, order or subscription within N days; exactly N days ago is inside.
    ['clicked 10 days ago, within 30', { engagedWithinDays: 30 }, { lastClickAt: ago(10) }, true],
    ['clicked 31 days ago, within 30', { engagedWithinDays: 30 }, { lastClickAt: ago(31) }, false],
    ['ordered exactly 30 days ago', { engagedWithinDays: 30 }, { lastOrderAt: ago(30) }, true],
    ['ordered 30 days and 1 ms ago', { engagedWithinDays: 30 }, { lastOrderAt: ago(30, 1) }, false],
    ['subscribed 29 days ago', { engagedWithinDays: 30 }, { marketingSubscribedAt: ago(29) }, true],
    [
      'subscribed 90 days ago, within 30',
      { engagedWithinDays: 30 },
      { marketingSubscribedAt: ago(90) },
      false,
    ],
    [
      'only viewed (not engagement)',
      { engagedWithinDays: 30 },
      { lastViewedAt: ago(1), lastCartAt: ago(1) },
      false,
    ],
    ['no engagement at all', { engagedWithinDays: 3650 }, {}, false],
    ['an unparseable timestamp', { engagedWithinDays: 30 }, { lastClickAt: 'yesterday' }, false],
    // highIntentWithinDays: viewed or carted.
    ['viewed 3 days ago, within 7', { highIntentWithinDays: 7 }, { lastViewedAt: ago(3) }, true],
    ['carted exactly 7 days ago', { highIntentWithinDays: 7 }, { lastCartAt: ago(7) }, true],
    ['carted 8 days ago, within 7', { highIntentWithinDays: 7 }, { lastCartAt: ago(8) }, false],
    [
      'only clicked and ordered (not intent)',
      { highIntentWithinDays: 7 },
      { lastClickAt: ago(1), lastOrderAt: ago(1) },
      false,
    ],
    // vip: orders ≥ n OR total ≥ x.
    ['3 orders, minOrders 3', { vip: { minOrders: 3 } }, { orderCount: 3 }, true],
    ['2 orders, minOrders 3', { vip: { minOrders: 3 } }, { orderCount: 2 }, false],
    ['spent exactly 500', { vip: { minTotalSpent: 500 } }, { totalSpent: 500 }, true],
    ['spent 499.99', { vip: { minTotalSpent: 500 } }, { totalSpent: 499.99 }, false],
    [
      'orders enough, spend not (OR)',
      { vip: { minOrders: 3, minTotalSpent: 500 } },
      { orderCount: 5, totalSpent: 10 },
      true,
    ],
    [
      'spend enough, orders not (OR)',
      { vip: { minOrders: 3, minTotalSpent: 500 } },
      { orderCount: 1, totalSpent: 900 },
      true,
    ],
    [
      'neither threshold',
      { vip: { minOrders: 3, minTotalSpent: 500 } },
      { orderCount: 2, totalSpent: 499 },
      false,
    ],
    ['no counts at all', { vip: { minOrders: 1 } }, {}, false],
    // property: flat key first, then a dotted path.
    ['equals a flat key', { property: 'tier', equals: 'gold' }, { properties: { tier: 'gold' } }, true],
    ['equals, other value', { property: 'tier', equals: 'gold' }, { properties: { tier: 'silver' } }, false],
    [
      'equals is case-sensitive',
      { property: 'tier', equals: 'gold' },
      { properties: { tier: 'Gold' } },
      false,
    ],
    ['equals does not coerce', { property: 'age', equals: 5 }, { properties: { age: '5' } }, false],
    ['equals a boolean', { property: 'vip', equals: true }, { properties: { vip: true } }, true],
    ['equals, missing property', { property: 'tier', equals: 'gold' }, {}, false],
    [
      'a dotted flat key',
      { property: 'preferences.coffee', equals: 'iced' },
      { properties: { 'preferences.coffee': 'iced' } },
      true,
    ],
    [
      'a dotted path into an object',
      { property: 'preferences.coffee', equals: 'iced' },
      { properties: nested({ preferences: { coffee: 'iced' } }) },
      true,
    ],
    [
      'the flat key wins over the path',
      { property: 'preferences.coffee', equals: 'iced' },
      { properties: nested({ 'preferences.coffee': 'hot', preferences: { coffee: 'iced' } }) },
      false,
    ],
    [
      'a path through a non-object',
      { property: 'preferences.coffee', exists: true },
      { properties: { preferences: 'all' } },
      false,
    ],
    [
      'a path through an array',
      { property: 'tags.0', exists: true },
      { properties: nested({ tags: ['a'] }) },
      false,
    ],
    ['no inherited keys', { property: 'constructor', exists: true }, {}, false],
    [
      'no inherited keys on a path',
      { property: 'preferences.constructor', exists: true },
      { properties: nested({ preferences: {} }) },
      false,
    ],
    [
      'notEquals, other value',
      { property: 'tier', notEquals: 'gold' },
      { properties: { tier: 'silver' } },
      true,
    ],
    [
      'notEquals, same value',
      { property: 'tier', notEquals: 'gold' },
      { properties: { tier: 'gold' } },
      false,
    ],
    ['notEquals, missing property', { property: 'tier', notEquals: 'gold' }, {}, true],
    ['in, listed', { property: 'city', in: ['Paris', 'Lyon'] }, { properties: { city: 'Lyon' } }, true],
    ['in, not listed', { property: 'city', in: ['Paris', 'Lyon'] }, { properties: { city: 'Nice' } }, false],
    ['in, missing property', { property: 'city', in: ['Paris'] }, {}, false],
    ['exists: true, set', { property: 'email', exists: true }, { properties: { email: 'a@b.c' } }, true],
    [
      'exists: true, set to false',
      { property: 'email', exists: true },
      { properties: { email: false } },
      true,
    ],
    ['exists: true, missing', { property: 'email', exists: true }, {}, false],
    ['exists: false, missing', { property: 'email', exists: false }, {}, true],
    ['exists: false, set', { property: 'email', exists: false }, { properties: { email: '' } }, false],
    ['gt, above', { property: 'age', gt: 20 }, { properties: { age: 21 } }, true],
    ['gt, equal', { property: 'age', gt: 20 }, { properties: { age: 20 } }, false],
    ['gte, equal', { property: 'age', gte: 20 }, { properties: { age: 20 } }, true],
    ['gte, below', { property: 'age', gte: 20 }, { properties: { age: 19.5 } }, false],
    ['lt, below', { property: 'age', lt: 20 }, { properties: { age: 19 } }, true],
    ['lt, equal', { property: 'age', lt: 20 }, { properties: { age: 20 } }, false],
    ['lte, equal', { property: 'age', lte: 20 }, { properties: { age: 20 } }, true],
    ['lte, above', { property: 'age', lte: 20 }, { properties: { age: 21 } }, false],
    ['a numeric operator on a string', { property: 'age', gt: 1 }, { properties: { age: '30' } }, false],
    ['a numeric operator, missing', { property: 'age', lt: 100 }, {}, false],
    // phones: an include list.
    ['a listed phone', { phones: ['+12125550199', '+12125550100'] }, {}, true],
    ['an unlisted phone', { phones: ['+12125550199'] }, {}, false],
  ])('%s', (_case, condition, overrides, expected) => {
    expect(matchesSegment(profile(overrides), condition, now)).toBe(expected);
  });

  it('{ all: true } is everyone (consent is campaignEligibility’s)', () => {
    expect(matchesSegment(profile(), { all: true }, now)).toBe(true);
    expect(matchesSegment(profile({ marketing: 'never_subscribed' }), { all: true }, now)).toBe(true);
  });
});

describe('matchesSegment: nesting and exclude', () => {
  const engaged: Condition = { engagedWithinDays: 30 };
  const gold: Condition = { property: 'tier', equals: 'gold' };
  const goldEngaged = profile({ lastClickAt: ago(1), properties: { tier: 'gold' } });
  const goldIdle = profile({ properties: { tier: 'gold' } });
  const silverEngaged = profile({ lastClickAt: ago(1), properties: { tier: 'silver' } });

  it.each<[string, Segment, Profile, boolean]>([
    ['all: both hold', { all: [engaged, gold] }, goldEngaged, true],
    ['all: one fails', { all: [engaged, gold] }, goldIdle, false],
    ['any: one holds', { any: [engaged, gold] }, silverEngaged, true],
    ['any: none holds', { any: [engaged, gold] }, profile(), false],
    ['not: negates', { not: gold }, silverEngaged, true],
    ['not: negates (holds)', { not: gold }, goldIdle, false],
    [
      'all > any > not',
      { all: [engaged, { any: [{ not: gold }, { vip: { minOrders: 1 } }] }] },
      silverEngaged,
      true,
    ],
    [
      'all > any > not, fails',
      { all: [engaged, { any: [{ not: gold }, { vip: { minOrders: 1 } }] }] },
      goldEngaged,
      false,
    ],
    ['exclude removes a match', { all: true, exclude: [gold] }, goldIdle, false],
    ['exclude keeps the others', { all: true, exclude: [gold] }, silverEngaged, true],
    [
      'any excluded condition is enough',
      { any: [engaged, gold], exclude: [{ phones: ['+19995550100'] }, gold] },
      goldEngaged,
      false,
    ],
    ['exclude never adds', { ...gold, exclude: [engaged] }, silverEngaged, false],
    [
      'the issue’s example, in',
      example,
      profile({ lastOrderAt: ago(89), properties: { 'preferences.coffee': 'iced' } }),
      true,
    ],
    [
      'the issue’s example, excluded',
      example,
      profile({
        lastOrderAt: ago(89),
        properties: { 'preferences.coffee': 'iced', 'Paused-BFCM2025': false },
      }),
      false,
    ],
    [
      'the issue’s example, not engaged',
      example,
      profile({ lastOrderAt: ago(91), properties: { 'preferences.coffee': 'iced' } }),
      false,
    ],
  ])('%s', (_case, segment, who, expected) => {
    expect(matchesSegment(who, segment, now)).toBe(expected);
  });

  it('refuses to guess on an unvalidated condition (so `not` cannot turn it into everyone)', () => {
    const broken = { not: { engaged: 90 } } as unknown as Segment;
    expect(() => matchesSegment(profile(), broken, now)).toThrow(TypeError);
  });
});

describe('SegmentSchema', () => {
  const parse = (input: unknown) => parseInput(SegmentSchema, input, 'segment');
  const refusal = (input: unknown): ValidationError => {
    try {
      parse(input);
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    throw new Error(`accepted ${JSON.stringify(input)}`);
  };
  const phones = (count: number) => Array.from({ length: count }, (_, i) => `+1212${String(5_000_000 + i)}`);
  const deep = (levels: number): unknown =>
    levels <= 1 ? { vip: { minOrders: 1 } } : { not: deep(levels - 1) };

  it.each<[string, unknown]>([
    ['all: true', { all: true }],
    ['all: true with exclude', { all: true, exclude: [{ phones: ['+12125550100'] }] }],
    ['the issue’s example', example],
    [
      'every leaf kind',
      {
        any: [
          { engagedWithinDays: 1 },
          { highIntentWithinDays: 3650 },
          { vip: { minOrders: 2 } },
          { vip: { minTotalSpent: 99.5 } },
          { vip: { minOrders: 2, minTotalSpent: 100 } },
          { property: 'a', equals: '' },
          { property: 'a', notEquals: 0 },
          { property: 'a_b-c.d', in: ['x', 1, false] },
          { property: '$source', exists: false },
          { property: 'a', gt: -1 },
          { property: 'a', gte: 0.5 },
          { property: 'a', lt: 1e6 },
          { property: 'a', lte: 0 },
          { phones: ['+442071838750'] },
        ],
      },
    ],
    ['4 levels deep', { all: [{ any: [{ not: { vip: { minOrders: 1 } } }] }] }],
    ['4 levels deep in exclude', { all: true, exclude: [deep(4)] }],
    ['50 conditions', { any: Array.from({ length: 49 }, (_, i) => ({ engagedWithinDays: i + 1 })) }],
    ['10,000 phones', { phones: phones(10_000) }],
  ])('accepts %s, unchanged', (_case, input) => {
    expect(parse(input)).toEqual(input);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no segment', undefined, 'segment', /must be an object/],
    ['a list', [{ all: true }], 'segment', /must be an object/],
    ['an empty object', {}, 'segment', /needs "all": true or a condition/],
    ['only exclude', { exclude: [{ engagedWithinDays: 5 }] }, 'segment', /exclude alone selects nobody/],
    ['all: false', { all: false }, 'segment.all', /must be a list of conditions/],
    [
      'all: true with another kind',
      { all: true, any: [{ engagedWithinDays: 5 }] },
      'segment.any',
      /stands alone/,
    ],
    ['an empty all', { all: [] }, 'segment.all', /at least one condition/],
    ['an empty any', { any: [] }, 'segment.any', /at least one condition/],
    ['an empty exclude', { all: true, exclude: [] }, 'segment.exclude', /at least one condition/],
    [
      'exclude not a list',
      { all: true, exclude: { engagedWithinDays: 5 } },
      'segment.exclude',
      /list of conditions/,
    ],
    ['a nested all: true', { any: [{ all: true }] }, 'segment.any.0.all', /only allowed at the top level/],
    [
      'a nested exclude',
      { all: [{ engagedWithinDays: 5, exclude: [{ engagedWithinDays: 1 }] }] },
      'segment.all.0.exclude',
      /only allowed at the top level/,
    ],
    [
      'an unknown condition',
      { all: [{ engaged: 90 }] },
      'segment.all.0.engaged',
      /is not a condition: use one of all, any, not/,
    ],
    ['an empty condition', { all: [{}] }, 'segment.all.0', /is empty/],
    ['a condition that is not an object', { any: ['vip'] }, 'segment.any.0', /must be a condition object/],
    [
      'two kinds in one condition',
      { engagedWithinDays: 5, vip: { minOrders: 1 } },
      'segment.vip',
      /exactly one kind; found engagedWithinDays and vip/,
    ],
    [
      'a condition with an unknown key',
      { engagedWithinDays: 5, window: 'days' },
      'segment.window',
      /unknown field\(s\): window/,
    ],
    ['not of a list', { not: [{ engagedWithinDays: 5 }] }, 'segment.not', /must be a condition object/],
    ['0 days', { engagedWithinDays: 0 }, 'segment.engagedWithinDays', /whole number of days from 1 to 3650/],
    ['3651 days', { highIntentWithinDays: 3651 }, 'segment.highIntentWithinDays', /from 1 to 3650/],
    ['fractional days', { engagedWithinDays: 1.5 }, 'segment.engagedWithinDays', /whole number/],
    ['days as a string', { engagedWithinDays: '90' }, 'segment.engagedWithinDays', /whole number/],
    ['an empty vip', { vip: {} }, 'segment.vip', /needs minOrders, minTotalSpent or both/],
    [
      'vip with an unknown key',
      { vip: { minOrders: 2, orders: 3 } },
      'segment.vip.orders',
      /unknown field\(s\): orders/,
    ],
    ['vip minOrders 0', { vip: { minOrders: 0 } }, 'segment.vip.minOrders', /whole number from 1/],
    [
      'vip minTotalSpent negative',
      { vip: { minTotalSpent: -5 } },
      'segment.vip.minTotalSpent',
      /greater than 0/,
    ],
    [
      'a bad operator',
      { all: [{ property: 'tier', contains: 'go' }] },
      'segment.all.0.contains',
      /is not an operator: use exactly one of equals, notEquals, in, exists, gt, gte, lt, lte/,
    ],
    [
      'two operators',
      { property: 'age', gt: 1, lt: 5 },
      'segment.lt',
      /one operator per condition; found gt and lt/,
    ],
    ['no operator', { any: [{ property: 'age' }] }, 'segment.any.0', /needs an operator for property "age"/],
    ['an empty property name', { property: '', equals: 1 }, 'segment.property', /must be a property name/],
    [
      'a property name with spaces',
      { property: 'first name', equals: 'Al' },
      'segment.property',
      /must be a property name/,
    ],
    [
      'a property name that is not a string',
      { property: 3, equals: 1 },
      'segment.property',
      /must be a property name/,
    ],
    [
      'an object value',
      { property: 'a', equals: { b: 1 } },
      'segment.equals',
      /a string .* a number or a boolean/,
    ],
    [
      'a null value',
      { property: 'a', notEquals: null },
      'segment.notEquals',
      /a string .* a number or a boolean/,
    ],
    [
      'a too-long string',
      { property: 'a', equals: 'x'.repeat(201) },
      'segment.equals',
      /at most 200 characters/,
    ],
    ['an empty in', { property: 'a', in: [] }, 'segment.in', /at least one value/],
    ['a bad in value', { property: 'a', in: ['x', [1]] }, 'segment.in.1', /a string/],
    [
      'too many in values',
      { property: 'a', in: Array.from({ length: 101 }, (_, i) => i) },
      'segment.in',
      /at most 100/,
    ],
    ['exists as a string', { property: 'a', exists: 'yes' }, 'segment.exists', /true or false/],
    ['gt a string', { property: 'a', gt: '5' }, 'segment.gt', /must be a number/],
    ['lte Infinity', { property: 'a', lte: Infinity }, 'segment.lte', /must be a number/],
    ['an empty phone list', { phones: [] }, 'segment.phones', /at least one phone number/],
    ['a national phone number', { phones: ['+12125550100', '2125550100'] }, 'segment.phones.1', /E\.164/],
    ['phones not a list', { phones: '+12125550100' }, 'segment.phones', /list of E\.164/],
    [
      '10,001 phones in one list',
      { phones: phones(10_001) },
      'segment',
      /lists 10001 phone numbers; at most 10000/,
    ],
    [
      '10,001 phones over two lists',
      { any: [{ phones: phones(6000) }, { phones: phones(4001) }] },
      'segment',
      /at most 10000/,
    ],
    [
      '5 levels deep',
      { all: [{ any: [{ not: { not: { vip: { minOrders: 1 } } } }] }] },
      'segment.all.0.any.0.not.not',
      /nested too deep: conditions go at most 4 levels/,
    ],
    [
      '5 levels deep in exclude',
      { all: true, exclude: [deep(5)] },
      'segment.exclude.0.not.not.not.not',
      /nested too deep/,
    ],
    [
      '51 conditions',
      { any: Array.from({ length: 50 }, () => ({ engagedWithinDays: 5 })) },
      'segment',
      /has 51 conditions; at most 50/,
    ],
    [
      '51 conditions counting exclude',
      {
        any: Array.from({ length: 49 }, () => ({ engagedWithinDays: 5 })),
        exclude: [{ engagedWithinDays: 1 }],
      },
      'segment',
      /51 conditions/,
    ],
  ])('refuses %s, naming the field', (_case, input, field, message) => {
    const error = refusal(input);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('names the field inside a larger schema', () => {
    const Campaign = z.strictObject({ name: z.string(), segment: SegmentSchema });
    const parsed = parseInput(Campaign, { name: 'BFCM', segment: example }, 'campaign');
    expect(parsed.segment).toEqual(example);
    expect(() =>
      parseInput(Campaign, { name: 'BFCM', segment: { all: [{ vip: { minOrders: 'many' } }] } }, 'campaign'),
    ).toThrow(expect.objectContaining({ field: 'campaign.segment.all.0.vip.minOrders' }));
    expect(() => parseInput(Campaign, { name: 'BFCM' }, 'campaign')).toThrow(
      expect.objectContaining({ field: 'campaign.segment' }),
    );
  });

  it('the limits are the documented ones', () => {
    expect(SEGMENT_LIMITS).toMatchObject({ maxDepth: 4, maxConditions: 50, maxPhones: 10_000 });
  });
});

describe('campaignEligibility', () => {
  const campaign = (overrides: Partial<CampaignAudience> = {}): CampaignAudience => ({
    segment: { all: true },
    defaultTimeZone: 'America/Chicago',
    ...overrides,
  });
  const bfcm = campaign({ pausedProperty: 'Paused-BFCM2025' });

  it.each<[string, Partial<Profile>, CampaignAudience, ReturnType<typeof campaignEligibility>]>([
    ['a subscriber, all: true', {}, campaign(), { eligible: true }],
    [
      'never subscribed',
      { marketing: 'never_subscribed' },
      campaign(),
      { eligible: false, reason: 'not_subscribed' },
    ],
    [
      'pending double opt-in',
      { marketing: 'pending' },
      campaign(),
      { eligible: false, reason: 'not_subscribed' },
    ],
    [
      'unsubscribed',
      { marketing: 'unsubscribed' },
      campaign(),
      { eligible: false, reason: 'not_subscribed' },
    ],
    [
      'opted out (which also unsubscribes)',
      { marketing: 'unsubscribed', optedOutAt: ago(1) },
      campaign(),
      { eligible: false, reason: 'opted_out' },
    ],
    [
      'opted out, still marked subscribed',
      { optedOutAt: ago(1) },
      campaign(),
      { eligible: false, reason: 'opted_out' },
    ],
    [
      'a permanent delivery error',
      { deliveryError: { at: ago(400), permanent: true, reason: 'TEXT_INVALID' } },
      campaign(),
      { eligible: false, reason: 'undeliverable' },
    ],
    [
      'a temporary error 2 days ago',
      { deliveryError: { at: ago(2), permanent: false, reason: 'TEXT_CARRIER_UNREACHABLE' } },
      campaign(),
      { eligible: false, reason: 'error_segment' },
    ],
    [
      'a temporary error exactly 30 days ago',
      { deliveryError: { at: ago(30), permanent: false, reason: 'TEXT_CARRIER_UNREACHABLE' } },
      campaign(),
      { eligible: false, reason: 'error_segment' },
    ],
    [
      'a temporary error 30 days and 1 ms ago',
      { deliveryError: { at: ago(30, 1), permanent: false, reason: 'TEXT_CARRIER_UNREACHABLE' } },
      campaign(),
      { eligible: true },
    ],
    [
      'the campaign’s pause property',
      { properties: { 'Paused-BFCM2025': true } },
      bfcm,
      { eligible: false, reason: 'paused' },
    ],
    [
      'the campaign’s pause property, as a string',
      { properties: { 'Paused-BFCM2025': 'yes' } },
      bfcm,
      { eligible: false, reason: 'paused' },
    ],
    [
      'another campaign’s pause property',
      { properties: { 'Paused-BFCM2024': true } },
      bfcm,
      { eligible: true },
    ],
    ['the pause property set false', { properties: { 'Paused-BFCM2025': false } }, bfcm, { eligible: true }],
    [
      'the generic Paused (PAUSE keyword)',
      { properties: { Paused: true } },
      bfcm,
      { eligible: false, reason: 'paused' },
    ],
    [
      'the generic Paused, no campaign property',
      { properties: { Paused: true } },
      campaign(),
      { eligible: false, reason: 'paused' },
    ],
    ['Paused cleared (RESUME)', { properties: { Paused: 0 } }, campaign(), { eligible: true }],
    [
      'in the batch’s zone (area code 212)',
      {},
      campaign({ timeZone: 'America/New_York' }),
      { eligible: true },
    ],
    [
      'another zone (area code 212)',
      {},
      campaign({ timeZone: 'America/Los_Angeles' }),
      { eligible: false, reason: 'other_time_zone' },
    ],
    [
      'the profile’s zone wins over the number’s',
      { timeZone: 'America/Los_Angeles' },
      campaign({ timeZone: 'America/Los_Angeles' }),
      { eligible: true },
    ],
    [
      'an invalid profile zone falls back to the number’s',
      { timeZone: 'Mars/Olympus' },
      campaign({ timeZone: 'America/New_York' }),
      { eligible: true },
    ],
    [
      'a number without a zone takes the default',
      { phone: '+61412345678' },
      campaign({ timeZone: 'America/Chicago' }),
      { eligible: true },
    ],
    [
      'a number without a zone, other batch',
      { phone: '+61412345678' },
      campaign({ timeZone: 'America/New_York' }),
      { eligible: false, reason: 'other_time_zone' },
    ],
    [
      'a zone without a schedule, dispatched with this one',
      { phone: '+18085550100' },
      campaign({
        timeZone: 'America/Los_Angeles',
        zoneOf: (zone) => (zone === 'Pacific/Honolulu' ? 'America/Los_Angeles' : zone),
      }),
      { eligible: true },
    ],
    [
      'a zone without a schedule, dispatched with another',
      { phone: '+18085550100' },
      campaign({
        timeZone: 'America/New_York',
        zoneOf: (zone) => (zone === 'Pacific/Honolulu' ? 'America/Los_Angeles' : zone),
      }),
      { eligible: false, reason: 'other_time_zone' },
    ],
    [
      'not in the segment',
      {},
      campaign({ segment: { engagedWithinDays: 30 } }),
      { eligible: false, reason: 'not_in_segment' },
    ],
    [
      'excluded from the segment',
      { properties: { tier: 'gold' } },
      campaign({ segment: { all: true, exclude: [{ property: 'tier', equals: 'gold' }] } }),
      { eligible: false, reason: 'not_in_segment' },
    ],
    [
      'in the segment',
      { lastClickAt: ago(3) },
      campaign({ segment: { engagedWithinDays: 30 } }),
      { eligible: true },
    ],
  ])('%s', (_case, overrides, audience, expected) => {
    expect(campaignEligibility(profile(overrides), audience, now)).toEqual(expected);
  });

  it.each<[string, Partial<Profile>, CampaignAudience, string]>([
    [
      'opted out before not subscribed',
      { marketing: 'pending', optedOutAt: ago(1) },
      campaign(),
      'opted_out',
    ],
    [
      'not subscribed before undeliverable',
      { marketing: 'unsubscribed', deliveryError: { at: ago(1), permanent: true, reason: 'x' } },
      campaign(),
      'not_subscribed',
    ],
    [
      'undeliverable before paused',
      { properties: { Paused: true }, deliveryError: { at: ago(1), permanent: true, reason: 'x' } },
      campaign(),
      'undeliverable',
    ],
    [
      'error segment before paused',
      { properties: { Paused: true }, deliveryError: { at: ago(1), permanent: false, reason: 'x' } },
      campaign(),
      'error_segment',
    ],
    [
      'time zone before opted out (each dispatch of a local-time campaign counts only its own zone)',
      { optedOutAt: ago(1) },
      campaign({ timeZone: 'Asia/Tokyo' }),
      'other_time_zone',
    ],
    [
      'time zone before paused',
      { properties: { Paused: true } },
      campaign({ timeZone: 'Asia/Tokyo' }),
      'other_time_zone',
    ],
    [
      'time zone before segment',
      {},
      campaign({ timeZone: 'Asia/Tokyo', segment: { engagedWithinDays: 5 } }),
      'other_time_zone',
    ],
  ])('checks in order: %s', (_case, overrides, audience, reason) => {
    expect(campaignEligibility(profile(overrides), audience, now)).toEqual({ eligible: false, reason });
  });
});

describe('segment algebra (property-based)', () => {
  const iso = fc.integer({ min: -400, max: 5 }).map((days) => ago(days));
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const phonePool = ['+12125550100', '+12125550101', '+13055550100'];
  const value = fc.oneof(
    fc.constantFrom('gold', 'silver', ''),
    fc.integer({ min: -2, max: 5 }),
    fc.boolean(),
  );

  const arbProfile: fc.Arbitrary<Profile> = fc
    .record({
      phone: fc.constantFrom(...phonePool),
      lastClickAt: maybe(iso),
      lastOrderAt: maybe(iso),
      marketingSubscribedAt: maybe(iso),
      lastViewedAt: maybe(iso),
      lastCartAt: maybe(iso),
      orderCount: maybe(fc.integer({ min: 0, max: 6 })),
      totalSpent: maybe(fc.integer({ min: 0, max: 1000 })),
      tier: maybe(value),
      score: maybe(value),
    })
    .map(({ tier, score, ...rest }) => {
      const properties: Record<string, string | number | boolean> = {};
      if (tier !== undefined) properties.tier = tier;
      if (score !== undefined) properties['stats.score'] = score;
      return profile({ ...rest, properties });
    });

  const days = fc.integer({ min: 1, max: 400 });
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    days.map((n) => ({ engagedWithinDays: n })),
    days.map((n) => ({ highIntentWithinDays: n })),
    fc
      .record({
        minOrders: maybe(fc.integer({ min: 1, max: 6 })),
        minTotalSpent: maybe(fc.integer({ min: 1, max: 1000 })),
      })
      .filter((vip) => vip.minOrders !== undefined || vip.minTotalSpent !== undefined)
      .map((vip) => ({
        vip: JSON.parse(JSON.stringify(vip)) as { minOrders?: number; minTotalSpent?: number },
      })),
    fc
      .tuple(fc.constantFrom('tier', 'stats.score', 'missing'), value)
      .map(([property, v]) => ({ property, equals: v })),
    fc
      .tuple(fc.constantFrom('tier', 'stats.score'), value)
      .map(([property, v]) => ({ property, notEquals: v })),
    fc
      .tuple(fc.constantFrom('tier', 'stats.score'), fc.array(value, { minLength: 1, maxLength: 3 }))
      .map(([property, values]) => ({ property, in: values })),
    fc
      .tuple(fc.constantFrom('tier', 'stats.score'), fc.boolean())
      .map(([property, exists]) => ({ property, exists })),
    fc
      .tuple(fc.constantFrom('gt', 'gte', 'lt', 'lte'), fc.integer({ min: -2, max: 5 }))
      .map(([operator, n]) => ({ property: 'stats.score', [operator]: n }) as Condition),
    fc.subarray(phonePool, { minLength: 1 }).map((phones) => ({ phones })),
  );
  /** Conditions at most `levels` deep, with at most 3 children per group (≤ 40 conditions at 4 levels). */
  const condition = (levels: number): fc.Arbitrary<Condition> =>
    levels <= 1
      ? leaf
      : fc.oneof(
          { weight: 2, arbitrary: leaf },
          {
            weight: 1,
            arbitrary: fc
              .array(condition(levels - 1), { minLength: 1, maxLength: 3 })
              .map((all) => ({ all })),
          },
          {
            weight: 1,
            arbitrary: fc
              .array(condition(levels - 1), { minLength: 1, maxLength: 3 })
              .map((any) => ({ any })),
          },
          { weight: 1, arbitrary: condition(levels - 1).map((not) => ({ not })) },
        );
  const matches = (who: Profile, segment: Segment) => matchesSegment(who, segment, now);

  it('every generated condition within the limits is a valid segment', () => {
    fc.assert(fc.property(condition(4), (c) => SegmentSchema.safeParse(c).success));
  });

  it('{ all: [c] } ≡ { any: [c] } ≡ c', () => {
    fc.assert(
      fc.property(arbProfile, condition(3), (who, c) => {
        expect(matches(who, { all: [c] })).toBe(matches(who, c));
        expect(matches(who, { any: [c] })).toBe(matches(who, c));
      }),
    );
  });

  it('not(not c) ≡ c, and not c is the complement', () => {
    fc.assert(
      fc.property(arbProfile, condition(3), (who, c) => {
        expect(matches(who, { not: { not: c } })).toBe(matches(who, c));
        expect(matches(who, { not: c })).toBe(!matches(who, c));
      }),
    );
  });

  it('De Morgan: not(all [a, b]) ≡ any [not a, not b]', () => {
    fc.assert(
      fc.property(arbProfile, condition(2), condition(2), (who, a, b) => {
        expect(matches(who, { not: { all: [a, b] } })).toBe(matches(who, { any: [{ not: a }, { not: b }] }));
      }),
    );
  });

  it('exclude never adds profiles, and removes exactly the excluded ones', () => {
    fc.assert(
      fc.property(
        arbProfile,
        condition(3),
        fc.array(condition(2), { minLength: 1, maxLength: 3 }),
        (who, c, exclude) => {
          const excluded = exclude.some((e) => matches(who, e));
          expect(matches(who, { ...c, exclude } as Segment)).toBe(matches(who, c) && !excluded);
          expect(matches(who, { all: true, exclude })).toBe(!excluded);
        },
      ),
    );
  });

  it('notEquals ≡ not equals', () => {
    fc.assert(
      fc.property(
        arbProfile,
        fc.constantFrom('tier', 'stats.score', 'missing'),
        value,
        (who, property, v) => {
          expect(matches(who, { property, notEquals: v })).toBe(!matches(who, { property, equals: v }));
        },
      ),
    );
  });

  it('a wider window never loses anyone', () => {
    fc.assert(
      fc.property(arbProfile, days, days, (who, a, b) => {
        const [narrow, wide] = a <= b ? [a, b] : [b, a];
        if (matches(who, { engagedWithinDays: narrow }))
          expect(matches(who, { engagedWithinDays: wide })).toBe(true);
        if (matches(who, { highIntentWithinDays: narrow }))
          expect(matches(who, { highIntentWithinDays: wide })).toBe(true);
      }),
    );
  });

  it('eligible implies marketable and in the segment', () => {
    fc.assert(
      fc.property(arbProfile, condition(3), (who, c) => {
        const result = campaignEligibility(who, { segment: c, defaultTimeZone: 'America/Chicago' }, now);
        expect(result.eligible).toBe(matches(who, c));
      }),
    );
  });
});
