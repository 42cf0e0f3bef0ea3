/**
 * The sparse `lastOrders` index of the profiles table and its reader: only profiles with an order
 * carry `lastOrderShard` ("0".."15", spreading the daily sweep's reads) and `lastOrderUtc` (the last
 * order's time in UTC, the sort key), written by the same conditional update that moves
 * `lastOrderAt` forward, and gone with the profile when it is erased.
 * Implemented by lambdas/adapters/lapsed-customer-store.ts.
 */
import { MARKETING_SHARDS, marketingShardOf } from './profile';

export const LAST_ORDERS_INDEX = 'lastOrders';

/** The sweep reads this many shards of the index, one Query each (paginated). */
export const LAST_ORDER_SHARDS = MARKETING_SHARDS;

/** What the index holds of a profile (keys only): the number and its last order's time. */
export interface LastOrder {
  readonly phone: string;
  readonly lastOrderAt: string;
}

export interface LapsedCustomerStore {
  /** One page of a shard's profiles whose last order fell between `from` and `to` (UTC ISO, inclusive). */
  lastOrdersBetween(
    shard: string,
    window: { readonly from: string; readonly to: string },
    startKey?: Record<string, unknown>,
  ): Promise<{ readonly customers: LastOrder[]; readonly nextKey?: Record<string, unknown> }>;
}

/** The index attributes a profile carries for its last order at `lastOrderAt` (any ISO offset). */
export function lastOrderIndexAttributes(
  phone: string,
  lastOrderAt: string,
): { readonly lastOrderShard: string; readonly lastOrderUtc: string } | undefined {
  const at = Date.parse(lastOrderAt);
  if (Number.isNaN(at)) return undefined;
  // The same spread as the marketing index: a hash of the number over 16 shards.
  return { lastOrderShard: marketingShardOf(phone), lastOrderUtc: new Date(at).toISOString() };
}
