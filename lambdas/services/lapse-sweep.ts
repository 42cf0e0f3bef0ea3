/**
 * The daily sweep of lapsed customers (win-back): for each lapse the enabled `CustomerLapsed` flows ask for (`lapseDays`),
 * reads the customers whose last order fell due in the sweep's window from the sparse `lastOrders`
 * index, shard by shard and page by page, and publishes a `CustomerLapsed` for each. The flow
 * starter starts the flows from those events like from any other, so their limits, exits and every
 * check of send() apply unchanged (decision 0044).
 */
import type { Clock } from '../domain/clock';
import type { FlowDefinition } from '../domain/flow-definition';
import { customerLapsedEvent, lapseDaysToSweep, lapseWindow } from '../domain/lapsed-customers';
import type { EventPublisher } from '../domain/ports/event-publisher';
import { LAST_ORDER_SHARDS, type LapsedCustomerStore } from '../domain/stores/lapsed-customers';

export interface LapseSweepDeps {
  readonly clock: Clock;
  readonly definitions: readonly FlowDefinition[];
  readonly customers: LapsedCustomerStore;
  readonly events: EventPublisher;
}

/** Publishes a `CustomerLapsed` for every customer due; how many, per `lapseDays`. */
export async function sweepLapsedCustomers(deps: LapseSweepDeps): Promise<Record<string, number>> {
  const now = deps.clock.now();
  const found: Record<string, number> = {};
  for (const lapseDays of lapseDaysToSweep(deps.definitions)) {
    const window = lapseWindow(now, lapseDays);
    let count = 0;
    for (let shard = 0; shard < LAST_ORDER_SHARDS; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await deps.customers.lastOrdersBetween(String(shard), window, startKey);
        await deps.events.publish(page.customers.map((c) => customerLapsedEvent(c, lapseDays, now)));
        count += page.customers.length;
        startKey = page.nextKey;
      } while (startKey);
    }
    found[`${lapseDays}`] = count;
  }
  return found;
}
