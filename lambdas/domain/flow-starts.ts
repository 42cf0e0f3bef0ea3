/**
 * Which defined flows an event starts, and which of their executions it stops, by deterministic
 * execution name: Step Functions refuses a second execution of a name, so `limits.oncePer` is a
 * name made of the subscriber, the trigger's `oncePer.fields` and, with `oncePer.hours`, the window
 * of that many hours the trigger falls in. Without `oncePer`, one execution per trigger event.
 */
import { passesFilters, type FlowDefinition } from './flow-definition';
import type { FlowExecutionInput } from './flow-compiler';
import { flowExecutionName } from './flow-names';

const HOUR_MS = 3_600_000;

function str(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The time fields of the events flows start from (commerce-events.ts, `occurredAt`). */
const TIME_FIELDS = ['abandonedAt', 'placedAt', 'shippedAt', 'deliveredAt', 'viewedAt', 'at'] as const;

/** When the event happened: its own time field, else the bus event's time. */
export function eventTime(detail: Readonly<Record<string, unknown>>, busTime: string): string {
  for (const field of TIME_FIELDS) if (str(detail[field])) return str(detail[field]);
  return busTime;
}

function executionName(definition: FlowDefinition, phone: string, values: readonly string[], bucket: string) {
  return flowExecutionName(definition.id, phone, ...values, bucket);
}

export interface DefinedFlowStart {
  readonly definition: FlowDefinition;
  readonly name: string;
  readonly input: Omit<FlowExecutionInput, 'waits'>;
}

/**
 * The events a replenishment flow (`replenishDays`) runs on for one order: one per product of the
 * order with days listed (the first item of each), the order plus the item's `productId`,
 * `productName`, `productUrl` and the `replenishAt` the product runs out.
 */
export function replenishEvents(
  replenishDays: Readonly<Record<string, number>>,
  order: Readonly<Record<string, unknown>>,
): Record<string, unknown>[] {
  const placedAt = Date.parse(str(order.placedAt));
  if (Number.isNaN(placedAt) || !Array.isArray(order.items)) return [];
  const events = new Map<string, Record<string, unknown>>();
  for (const item of order.items as readonly Record<string, unknown>[]) {
    const productId = str(item.productId);
    const days = Object.hasOwn(replenishDays, productId) ? replenishDays[productId] : undefined;
    if (!productId || days === undefined || events.has(productId)) continue;
    events.set(productId, {
      ...order,
      productId,
      productName: str(item.name),
      ...(str(item.url) ? { productUrl: str(item.url) } : {}),
      replenishAt: new Date(placedAt + days * 24 * HOUR_MS).toISOString(),
    });
  }
  return [...events.values()];
}

export function definedFlowStarts(
  definitions: readonly FlowDefinition[],
  type: string,
  detail: Readonly<Record<string, unknown>>,
  busTime: string,
): DefinedFlowStart[] {
  const phone = str(detail.phone);
  if (!phone) return [];
  const eventAt = eventTime(detail, busTime);
  return definitions
    .filter(
      (d) =>
        d.enabled &&
        d.trigger.event === type &&
        passesFilters(d, detail) &&
        // A win-back flow answers the lapses of its own days only.
        (d.lapseDays === undefined || d.lapseDays === detail.lapseDays),
    )
    .flatMap((definition) =>
      definition.replenishDays
        ? replenishEvents(definition.replenishDays, detail).map((event) => ({ definition, event }))
        : [{ definition, event: detail }],
    )
    .map(({ definition, event }) => {
      const limit = definition.limits.oncePer;
      const name = limit
        ? executionName(
            definition,
            phone,
            limit.fields.map((field) => str(event[field])),
            limit.hours === undefined
              ? ''
              : String(Math.floor(Date.parse(eventAt) / (limit.hours * HOUR_MS))),
          )
        : executionName(
            definition,
            phone,
            [],
            [
              str(detail.eventId) || str(detail.consentEventKey) || JSON.stringify(detail),
              str(event.productId),
            ]
              .filter(Boolean)
              .join('#'),
          );
      // A replenishment's deadline counts from the day the product runs out.
      const from = str(event.replenishAt) || eventAt;
      const deadline = new Date(Date.parse(from) + definition.limits.deadlineHours * HOUR_MS).toISOString();
      return { definition, name, input: { flow: definition.id, phone, event, eventAt, deadline } };
    });
}

/**
 * The executions an event stops through `exitOn`: those whose name it can tell, the oncePer fields
 * being among the exit's `fields`, in each window a running execution can have started in (its
 * waits and its deadline long). Others end at their next text, which checks the exit events the
 * profile dates (flow-steps.ts, `exitEventSince`).
 */
export function definedFlowExecutionNames(
  definitions: readonly FlowDefinition[],
  type: string,
  detail: Readonly<Record<string, unknown>>,
  busTime: string,
): { flow: string; name: string }[] {
  const phone = str(detail.phone);
  if (!phone) return [];
  const at = Date.parse(eventTime(detail, busTime));
  const names: { flow: string; name: string }[] = [];
  for (const definition of definitions) {
    const limit = definition.limits.oncePer;
    if (!limit) continue;
    for (const exit of definition.exitOn) {
      if (exit.event !== type || !limit.fields.every((field) => exit.fields.includes(field))) continue;
      const values = limit.fields.map((field) => str(detail[field]));
      if (values.some((value) => value === '')) continue;
      if (limit.hours === undefined) {
        names.push({ flow: definition.id, name: executionName(definition, phone, values, '') });
        continue;
      }
      const waited = definition.steps.reduce((sum, s) => sum + (s.kind === 'wait' ? s.delayMinutes : 0), 0);
      const lifetime = (Math.max(definition.limits.deadlineHours * 60, waited) + 60) * 60_000;
      const window = limit.hours * HOUR_MS;
      const last = Math.floor(at / window);
      for (let bucket = Math.floor((at - lifetime) / window); bucket <= last; bucket++)
        names.push({ flow: definition.id, name: executionName(definition, phone, values, String(bucket)) });
    }
  }
  return names;
}
