/**
 * Lapsed customers, for win-back flows: a customer has lapsed `lapseDays` after their last order
 * when no order came since. A daily sweep finds them in the sparse `lastOrders` index of the
 * profiles table (a window of last-order times, never a Scan) and publishes one `CustomerLapsed`
 * each, which starts the flows written for it (docs/flows.md#win-back, decision 0044).
 */
import { createHash } from 'node:crypto';
import * as z from './zod';
import type { DomainEvent } from './events';
import type { FlowDefinition } from './flow-definition';

export const CUSTOMER_LAPSED = 'CustomerLapsed' as const;

/**
 * How far back past the due day each sweep looks: a customer stays findable for this many daily
 * sweeps, so missed runs (an outage, a failed invocation past its retries) lose nobody. The
 * duplicates the overlap makes start nothing: an execution is named for the subscriber and the
 * flow's `oncePer` window, and its text is skipped (`flow_limit`) within `oncePer.hours` of the last.
 */
export const LAPSE_LOOKBACK_DAYS = 7;

const DAY_MS = 86_400_000;

const time = z.iso.datetime({ offset: true });

/**
 * `CustomerLapsed`, as the sweep publishes it: the subscriber, their last order's time (UTC), the
 * days without an order that made them lapsed, and `at`, when the sweep found them.
 */
export const CustomerLapsedSchema = z.looseObject({
  type: z.literal(CUSTOMER_LAPSED),
  phone: z.string(),
  /** The last order's time (UTC), the one the lapse counts from. */
  lastOrderAt: time,
  /** Days without an order after which the customer lapsed (the flow's `lapseDays`). */
  lapseDays: z.int(),
  /** When the sweep found the customer lapsed: the trigger's time, from which deadlines count. */
  at: time,
});

/**
 * The last-order times a sweep at `now` looks for (UTC ISO, both ends included): those that fell
 * due, `lapseDays` old, since the lookback began.
 */
export function lapseWindow(now: Date, lapseDays: number): { readonly from: string; readonly to: string } {
  const to = now.getTime() - lapseDays * DAY_MS;
  return {
    from: new Date(to - LAPSE_LOOKBACK_DAYS * DAY_MS).toISOString(),
    to: new Date(to).toISOString(),
  };
}

/** The `CustomerLapsed` event of one customer found by a sweep. */
export function customerLapsedEvent(
  customer: { readonly phone: string; readonly lastOrderAt: string },
  lapseDays: number,
  now: Date,
): DomainEvent {
  const at = now.toISOString();
  return {
    type: CUSTOMER_LAPSED,
    at,
    detail: {
      // One id per customer, last order and lapse: a repeat of the same lapse carries the same id.
      eventId: createHash('sha256')
        .update(`lapsed#${customer.phone}#${customer.lastOrderAt}#${lapseDays}`)
        .digest('hex')
        .slice(0, 32),
      type: CUSTOMER_LAPSED,
      phone: customer.phone,
      lastOrderAt: customer.lastOrderAt,
      lapseDays,
      at,
    },
  };
}

/** The lapses the sweep looks for: each enabled `CustomerLapsed` flow's `lapseDays`, once each. */
export function lapseDaysToSweep(
  definitions: readonly Pick<FlowDefinition, 'enabled' | 'trigger' | 'lapseDays'>[],
): number[] {
  const days = definitions
    .filter((d) => d.enabled && d.trigger.event === CUSTOMER_LAPSED && d.lapseDays !== undefined)
    .map((d) => d.lapseDays as number);
  return [...new Set(days)].sort((a, b) => a - b);
}
