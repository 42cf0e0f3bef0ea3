/**
 * The daily lapse sweep on an in-memory index: every shard read page by page, one CustomerLapsed
 * per customer due for each enabled win-back flow's days, nothing when no such flow is on.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../lambdas/domain/clock';
import type { DomainEvent } from '../../lambdas/domain/events';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';
import {
  lastOrderIndexAttributes,
  type LapsedCustomerStore,
  type LastOrder,
} from '../../lambdas/domain/stores/lapsed-customers';
import { sweepLapsedCustomers } from '../../lambdas/services/lapse-sweep';

const NOW = new Date('2026-12-03T17:00:00.000Z');
const DAY = 86_400_000;

/** The index as a list, served one key to a page. */
function indexOf(customers: readonly LastOrder[]): LapsedCustomerStore & { readonly pages: number } {
  const state = { pages: 0 };
  return {
    get pages() {
      return state.pages;
    },
    async lastOrdersBetween(shard, window, startKey) {
      state.pages += 1;
      const inShard = customers.filter(
        (c) =>
          lastOrderIndexAttributes(c.phone, c.lastOrderAt)?.lastOrderShard === shard &&
          c.lastOrderAt >= window.from &&
          c.lastOrderAt <= window.to,
      );
      const from = Number(startKey?.offset ?? 0);
      const page = inShard.slice(from, from + 1);
      return {
        customers: page,
        ...(from + 1 < inShard.length ? { nextKey: { offset: from + 1 } } : {}),
      };
    },
  };
}

const definitions = (entries: unknown[]) =>
  RuntimeConfigSchema.parse({ brand: 'A', supportContact: 'x@y.z', flows: { definitions: entries } }).flows
    .definitions;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

describe('the lapse sweep', () => {
  const customers = Array.from({ length: 40 }, (_, i) => ({
    phone: `+1206555${String(1000 + i)}`,
    // 0..39 days past due, 90 days after the order.
    lastOrderAt: daysAgo(90 + i),
  }));

  it('publishes one CustomerLapsed per customer due in the last seven days, over every shard and page', async () => {
    const published: DomainEvent[] = [];
    const index = indexOf(customers);
    const found = await sweepLapsedCustomers({
      clock: fixedClock(NOW),
      definitions: definitions([]),
      customers: index,
      events: { publish: async (events) => void published.push(...events) },
    });
    const due = customers.slice(0, 8).map((c) => c.phone);
    expect(found).toEqual({ '90': due.length });
    expect(published.map((e) => e.detail.phone).sort()).toEqual([...due].sort());
    expect(published.every((e) => e.type === 'CustomerLapsed' && e.detail.lapseDays === 90)).toBe(true);
    // One page per customer, and an empty one for each shard without.
    const shards = new Set(
      due.map((phone) => lastOrderIndexAttributes(phone, NOW.toISOString())?.lastOrderShard),
    );
    expect(index.pages).toBe(due.length + 16 - shards.size);
  });

  it('sweeps the days of each win-back flow, and nothing with win-back off', async () => {
    const published: DomainEvent[] = [];
    const own = {
      id: 'lateWinBack',
      trigger: { event: 'CustomerLapsed' },
      lapseDays: 120,
      limits: { oncePer: { hours: 4320 } },
      steps: [{ kind: 'send', body: 'Still there?' }],
    };
    const deps = (entries: unknown[]) => ({
      clock: fixedClock(NOW),
      definitions: definitions(entries),
      customers: indexOf(customers),
      events: { publish: async (events: readonly DomainEvent[]) => void published.push(...events) },
    });
    expect(await sweepLapsedCustomers(deps([own]))).toEqual({ '90': 8, '120': 8 });
    published.length = 0;
    expect(await sweepLapsedCustomers(deps([{ id: 'winBack', enabled: false }]))).toEqual({});
    expect(published).toEqual([]);
  });
});
