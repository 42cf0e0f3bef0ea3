/**
 * A/B variant assignment: the same recipient always gets the same variant of a campaign, the
 * audience splits by the weights, and campaigns split independently of each other.
 */
import { describe, expect, it } from 'vitest';
import {
  assignmentPoint,
  decideWinner,
  inTestGroup,
  recipientVariant,
  variantDelta,
  variantFor,
  variantNameFor,
  variantsView,
} from '../../lambdas/domain/campaign-variants';
import { CampaignRequestSchema } from '../../lambdas/domain/campaign-request';
import { phoneNumbers } from '../support/seed';

const A = { name: 'A', body: 'Hello from A', weight: 1 };
const B = { name: 'B', body: 'Hello from B', weight: 1 };
const phones = phoneNumbers('206', 4_000);

const shares = (campaignId: string, variants: readonly (typeof A)[]) => {
  const counts = new Map<string, number>();
  for (const phone of phones) {
    const name = variantFor(campaignId, phone, variants)!.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].map(([name, n]) => [name, n / phones.length]));
};

describe('campaign variants', () => {
  it('gives a recipient the same variant every time, whatever the order of the calls', () => {
    const first = phones.map((phone) => variantFor('cmp_1', phone, [A, B])!.name);
    const again = [...phones].reverse().map((phone) => variantFor('cmp_1', phone, [A, B])!.name);
    expect(again.reverse()).toEqual(first);
    expect(variantNameFor({ campaignId: 'cmp_1', variants: [A, B] }, phones[7]!)).toBe(first[7]);
  });

  it('splits the audience by the weights', () => {
    const even = shares('cmp_1', [A, B]);
    expect(even.A).toBeGreaterThan(0.47);
    expect(even.A).toBeLessThan(0.53);
    const skewed = shares('cmp_1', [{ ...A, weight: 3 }, B]);
    expect(skewed.A).toBeGreaterThan(0.72);
    expect(skewed.A).toBeLessThan(0.78);
    const three = shares('cmp_1', [A, B, { name: 'C', body: 'C', weight: 2 }]);
    expect(three.C).toBeGreaterThan(0.47);
    expect(three.C).toBeLessThan(0.53);
  });

  it('splits each campaign independently: the same people are not always in variant A', () => {
    const inA = (campaignId: string) =>
      new Set(phones.filter((phone) => variantFor(campaignId, phone, [A, B])!.name === 'A'));
    const one = inA('cmp_1');
    const other = inA('cmp_2');
    const both = [...one].filter((phone) => other.has(phone)).length;
    // Independent halves overlap about a quarter of the audience, not half.
    expect(both / phones.length).toBeGreaterThan(0.21);
    expect(both / phones.length).toBeLessThan(0.29);
  });

  it('places numbers uniformly in [0, 1)', () => {
    const points = phones.map((phone) => assignmentPoint('cmp_1', phone));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...points)).toBeLessThan(1);
    const mean = points.reduce((sum, p) => sum + p, 0) / points.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('counts under the variant, and reports every variant with its counters', () => {
    expect(variantDelta(undefined, { clicks: 1 })).toEqual({});
    expect(variantDelta('B', { orders: 1, revenue: 12.5 })).toEqual({
      variantCounts: { 'B:orders': 1, 'B:revenue': 12.5 },
    });
    expect(variantsView([A, B], { 'A:sent': 3, 'B:clicks': 1 })).toEqual([
      { ...A, counters: { sent: 3, delivered: 0, clicks: 0, orders: 0, revenue: 0 } },
      { ...B, counters: { sent: 0, delivered: 0, clicks: 1, orders: 0, revenue: 0 } },
    ]);
  });
});

describe('campaign winner', () => {
  const winner = { metric: 'clicks', testFraction: 0.2, decideAfterHours: 4 } as const;

  it('takes a test group of testFraction of the audience, apart from the variant split', () => {
    const test = phones.filter((phone) => inTestGroup('cmp_1', phone, 0.2));
    expect(test.length / phones.length).toBeGreaterThan(0.17);
    expect(test.length / phones.length).toBeLessThan(0.23);
    // Not the same hash as the variant's: the test group holds both variants about evenly.
    const inA = test.filter((phone) => variantFor('cmp_1', phone, [A, B])!.name === 'A').length;
    expect(inA / test.length).toBeGreaterThan(0.42);
    expect(inA / test.length).toBeLessThan(0.58);
  });

  it('picks the variant with the most of the metric, the first listed on a tie', () => {
    expect(decideWinner([A, B], 'clicks', { 'A:clicks': 2, 'B:clicks': 3 }, 'T')).toEqual({
      variant: 'B',
      decidedAt: 'T',
      scores: { A: 2, B: 3 },
    });
    expect(decideWinner([A, B], 'clicks', { 'A:clicks': 3, 'B:clicks': 3 }, 'T').variant).toBe('A');
    expect(decideWinner([A, B], 'revenue', { 'A:clicks': 9, 'B:revenue': 12.5 }, 'T').variant).toBe('B');
    expect(decideWinner([A, B], 'orders', undefined, 'T')).toMatchObject({
      variant: 'A',
      scores: { A: 0, B: 0 },
    });
  });

  it('gives the test group its own variant and, once decided, the rest the winner', () => {
    const campaign = { campaignId: 'cmp_1', variants: [A, B], winner };
    const decided = { ...campaign, winnerDecision: { variant: 'B', decidedAt: 'T', scores: {} } };
    for (const phone of phones.slice(0, 200)) {
      const own = variantFor('cmp_1', phone, [A, B]);
      expect(recipientVariant(campaign, phone)).toBe(own);
      expect(recipientVariant(decided, phone)).toBe(inTestGroup('cmp_1', phone, 0.2) ? own : B);
    }
  });
});

describe('campaign request with variants', () => {
  const base = { name: 'Spring', segment: { all: true }, sendAt: '2026-11-12T16:00:00Z' };
  const problems = (request: object) => {
    const parsed = CampaignRequestSchema.safeParse(request);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes variants instead of a body, weight 1 unless given', () => {
    const parsed = CampaignRequestSchema.parse({ ...base, variants: [{ name: 'A', body: 'a' }, B] });
    expect(parsed.variants).toEqual([{ name: 'A', body: 'a', weight: 1 }, B]);
    expect(parsed.body).toBeUndefined();
  });

  it.each([
    [
      'both a body and variants',
      { body: 'x', variants: [A, B] },
      'variants: give exactly one of body and variants',
    ],
    ['neither', {}, 'body: give exactly one of body and variants'],
    ['one variant', { variants: [A] }, 'variants:'],
    ['six variants', { variants: 'ABCDEF'.split('').map((name) => ({ ...A, name })) }, 'variants:'],
    ['a name twice', { variants: [A, { ...B, name: 'A' }] }, 'variants: names a variant twice (A)'],
    ['a bad name', { variants: [A, { ...B, name: 'B 2' }] }, 'variants.1.name:'],
    ['a zero weight', { variants: [A, { ...B, weight: 0 }] }, 'variants.1.weight:'],
    ['a fractional weight', { variants: [A, { ...B, weight: 0.5 }] }, 'variants.1.weight:'],
    ['a bad template', { variants: [A, { ...B, body: 'Hi {{ first_name ' }] }, 'variants.1.body:'],
    [
      'a winner without variants',
      { body: 'x', winner: { metric: 'clicks', testFraction: 0.2, decideAfterHours: 4 } },
      'winner: needs variants to choose from',
    ],
    [
      'a winner of a local-time campaign',
      {
        variants: [A, B],
        sendAt: undefined,
        sendAtLocalTime: '2026-11-27T10:00',
        winner: { metric: 'clicks', testFraction: 0.2, decideAfterHours: 4 },
      },
      'winner: needs sendAt',
    ],
    [
      'a test fraction of 1',
      { variants: [A, B], winner: { metric: 'clicks', testFraction: 1, decideAfterHours: 4 } },
      'winner.testFraction:',
    ],
    [
      'an unknown metric',
      { variants: [A, B], winner: { metric: 'views', testFraction: 0.2, decideAfterHours: 4 } },
      'winner.metric:',
    ],
  ])('refuses %s, naming the field', (_, fields, problem) => {
    expect(problems({ ...base, ...fields }).join('\n')).toContain(problem);
  });
});
