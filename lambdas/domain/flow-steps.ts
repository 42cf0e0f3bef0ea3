/**
 * What a flow's condition and split steps decide, and when its waits end: pure functions of the
 * definition, the profile, the trigger event and the time passed in.
 */
import { createHash } from 'node:crypto';
import type { DatedEvent, FlowCondition, FlowDefinition, FlowStep } from './flow-definition';
import { stepIds } from './flow-definition';
import type { Profile } from './profile';
import type { MessageRecord } from './stores/message';
import { matchesSegment, propertyValue } from './segments';
import { CUSTOMER_LAPSED } from './lapsed-customers';

const LAST_AT: Readonly<Record<DatedEvent, keyof Profile>> = {
  CartAbandoned: 'lastCartAt',
  OrderPlaced: 'lastOrderAt',
  ProductViewed: 'lastViewedAt',
};

/**
 * Whether the condition holds for the profile now. `noEventSince` reads the profile's last cart,
 * order and view: an event at or after the trigger's time counts (the trigger itself excepted when
 * it is of the same type: its own time is the profile's last one).
 */
export function conditionHolds(
  condition: FlowCondition,
  context: {
    profile: Profile | undefined;
    trigger: string;
    eventAt: string;
    now: Date;
    /** The trigger event (`notReordered` reads its `productId` and `orderId`). */
    event?: Readonly<Record<string, unknown>>;
    /** For `notReordered`: the subscriber's orders at or after the trigger's time, as posted. */
    laterOrders?: readonly Readonly<Record<string, unknown>>[];
    /** For `notOrdered`: the subscriber's orders in its `withinDays` (all those kept without it). */
    recentOrders?: readonly Readonly<Record<string, unknown>>[];
  },
): boolean {
  const { profile, trigger, eventAt, now } = context;
  if (condition.segment && !(profile && matchesSegment(profile, condition.segment, now))) return false;
  if (condition.notReordered) {
    // Without the orders to read, the condition errs on sending less.
    if (!context.event || !context.laterOrders) return false;
    if (reordered(context.laterOrders, context.event)) return false;
  }
  if (condition.notOrdered) {
    if (!context.recentOrders) return false;
    if (orderedAny(context.recentOrders, condition.notOrdered.productIds)) return false;
  }
  for (const event of condition.noEventSince ?? []) {
    if (datedSince(profile, event, trigger, eventAt, context.event)) return false;
  }
  return true;
}

/**
 * Whether the profile dates an event of this type since the trigger: at or after the trigger's time,
 * or strictly after it when the trigger's own time is the profile's last of that type (an order
 * trigger and the last order), and for a `CustomerLapsed` trigger, an order after the last order it
 * lapsed from (one posted late, dated before the sweep, counts too).
 */
function datedSince(
  profile: Profile | undefined,
  event: DatedEvent,
  trigger: string,
  eventAt: string,
  detail: Readonly<Record<string, unknown>> | undefined,
): boolean {
  const at = Date.parse(String(profile?.[LAST_AT[event]] ?? ''));
  if (Number.isNaN(at)) return false;
  if (trigger === CUSTOMER_LAPSED && event === 'OrderPlaced' && typeof detail?.lastOrderAt === 'string')
    return at > Date.parse(detail.lastOrderAt);
  const since = Date.parse(eventAt);
  return event === trigger ? at > since : at >= since;
}

/**
 * Whether one of the orders (other than the trigger's own) has an item of the trigger's product: the
 * customer ordered it again, so a reminder to reorder it would come too late.
 */
export function reordered(
  orders: readonly Readonly<Record<string, unknown>>[],
  trigger: Readonly<Record<string, unknown>>,
): boolean {
  const productId = trigger.productId;
  if (typeof productId !== 'string' || productId === '') return false;
  return orderedAny(
    orders.filter((order) => order.orderId !== trigger.orderId),
    [productId],
  );
}

/** Whether one of the orders has an item of one of the products. */
export function orderedAny(
  orders: readonly Readonly<Record<string, unknown>>[],
  productIds: readonly string[],
): boolean {
  const wanted = new Set(productIds);
  return orders.some(
    (order) =>
      Array.isArray(order.items) &&
      (order.items as readonly Readonly<Record<string, unknown>>[]).some(
        (item) => typeof item.productId === 'string' && wanted.has(item.productId),
      ),
  );
}

/** Since when a `notOrdered` condition reads orders: `withinDays` before now, or every order kept. */
export function notOrderedSince(condition: { readonly withinDays?: number }, now: Date): string {
  return condition.withinDays === undefined
    ? ''
    : new Date(now.getTime() - condition.withinDays * 86_400_000).toISOString();
}

/**
 * When a send step's text stops being worth sending: the flow's deadline (`task.deadline`, which
 * the flow starter set `limits.deadlineHours` after the trigger), or the step's own `deadlineHours`
 * counted from the same moment.
 */
export function sendDeadline(
  definition: Pick<FlowDefinition, 'limits'>,
  step: { readonly deadlineHours?: number },
  flowDeadline: string,
): Date {
  const at = Date.parse(flowDeadline);
  if (step.deadlineHours === undefined) return new Date(at);
  return new Date(at + (step.deadlineHours - definition.limits.deadlineHours) * 3_600_000);
}

/**
 * The branch a split takes, by position: a random split's pick is fixed by the execution's name and
 * the step (the same subscriber and trigger always take the same branch, a retry too); a property
 * split takes its first matching case, else the one after the last case.
 */
export function splitBranch(
  step: Extract<FlowStep, { kind: 'split' }>,
  context: { profile: Profile | undefined; executionName: string; stepId: string },
): number {
  if (step.random) {
    const total = step.random.reduce((sum, branch) => sum + branch.weight, 0);
    const digest = createHash('sha256').update(`${context.executionName}#${context.stepId}`).digest();
    let pick = digest.readUInt32BE(0) % total;
    for (const [index, branch] of step.random.entries()) {
      if (pick < branch.weight) return index;
      pick -= branch.weight;
    }
    return step.random.length - 1;
  }
  const value = propertyValue(context.profile?.properties ?? {}, step.property ?? '');
  const index = (step.cases ?? []).findIndex((c) => c.equals === value);
  return index === -1 ? (step.cases ?? []).length : index;
}

/** The time each `until` wait ends, by step id: the event's field plus the wait's minutes. */
export function waitTimes(
  definition: Pick<FlowDefinition, 'steps'>,
  event: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const ids = stepIds(definition);
  const times: Record<string, string> = {};
  definition.steps.forEach((step, index) => {
    if (step.kind !== 'wait' || step.until === undefined) return;
    const base = Date.parse(String(event[step.until]));
    if (Number.isNaN(base)) throw new RangeError(`event field ${step.until} is not a time`);
    times[ids[index] ?? ''] = new Date(base + step.delayMinutes * 60_000).toISOString();
  });
  return times;
}

/** The step of a definition by its id. */
export function stepById(definition: FlowDefinition, id: string): FlowStep | undefined {
  return definition.steps[stepIds(definition).indexOf(id)];
}

/**
 * Whether one of the flow's `exitOn` events that the profile dates (a cart, an order, a view) came
 * from the subscriber since the trigger: the send step's own check, for an exit event whose stop
 * could not reach the execution. Exit events matched on fields are left to the starter's stop.
 */
export function exitEventSince(
  definition: Pick<FlowDefinition, 'exitOn' | 'trigger'>,
  profile: Profile | undefined,
  eventAt: string,
  event?: Readonly<Record<string, unknown>>,
): boolean {
  return definition.exitOn.some(
    (exit) =>
      exit.fields.length === 0 &&
      isDated(exit.event) &&
      datedSince(profile, exit.event, definition.trigger.event, eventAt, event),
  );
}

function isDated(event: string): event is DatedEvent {
  return Object.hasOwn(LAST_AT, event);
}

/**
 * Whether the flow already texted the number within `hours` before now (a sliding window, whatever
 * the order the trigger events came in): any of its messages but skips, failures and this step's own.
 */
export function flowLimitReached(
  recent: readonly Pick<MessageRecord, 'messageId' | 'flowId' | 'status' | 'at'>[],
  flowId: string,
  hours: number,
  now: Date,
  ownMessageId: string,
): boolean {
  const since = new Date(now.getTime() - hours * 3_600_000).toISOString();
  return recent.some(
    (m) =>
      m.flowId === flowId &&
      m.status !== 'skipped' &&
      m.status !== 'failed' &&
      m.messageId !== ownMessageId &&
      m.at > since,
  );
}
