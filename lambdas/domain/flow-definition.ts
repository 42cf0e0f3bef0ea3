/**
 * Flows as data: a flow is a trigger event, the events that end it, its limits and a list of steps
 * (`wait`, `condition`, `split`, `send`, `exit`). A definition is checked by `flowDefinitionProblems`
 * (flow-validation.ts) and compiled to a state machine by `compileFlow` (flow-compiler.ts). The format
 * is specified in docs/flows.md#flow-definitions.
 *
 * Steps run in order; a step's `next` (or a condition's `else`, a split's branches) jumps forward to
 * another step by id, or to `exit`. Jumps only go forward, so every flow ends.
 */
import * as z from './zod';
import { TopicPropertySchema } from './preference-topics';
import { COMMERCE_EVENT_TYPES, type CommerceEventType } from './commerce-events';
import { SegmentSchema } from './segment-schema';
import { mediaUrls } from './input-fields';
import { CUSTOMER_LAPSED } from './lapsed-customers';

/**
 * Events a flow can start from: the commerce events, a confirmed subscription, and a customer found
 * lapsed by the daily sweep (lapsed-customers.ts).
 */
export const FLOW_TRIGGER_EVENTS = [
  'SubscriptionConfirmed',
  ...Object.keys(COMMERCE_EVENT_TYPES),
  CUSTOMER_LAPSED,
] as ['SubscriptionConfirmed', ...CommerceEventType[], typeof CUSTOMER_LAPSED];
export type FlowTriggerEvent = 'SubscriptionConfirmed' | CommerceEventType | typeof CUSTOMER_LAPSED;

/**
 * Events about the customer's own order: the only triggers a `transactional` text may come from, so
 * that a text sent without marketing consent is always an answer to the person's own purchase, never
 * a view, a cart, a stock or price change or a new subscription (decision 0041).
 */
export const TRANSACTIONAL_TRIGGERS = ['OrderPlaced', 'OrderShipped', 'OrderDelivered'] as const;

/** Events a condition can ask about ("no OrderPlaced since the trigger"): those the profile dates. */
export const DATED_EVENTS = ['CartAbandoned', 'OrderPlaced', 'ProductViewed'] as const;
export type DatedEvent = (typeof DATED_EVENTS)[number];

/** Where a jump lands: a later step's id, or `exit` (the flow ends there). */
export const EXIT = 'exit';

const stepId = z.string().check(
  z.regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'must be a camelCase name such as browseText (letters and digits)'),
  z.refine((id) => id !== EXIT, `must not be "${EXIT}", which ends the flow`),
);
const target = z.string().check(z.regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'must be a step id or "exit"'));
/** An event field name as the shop sends it (`cartId`, `productId`). */
const fieldName = z
  .string()
  .check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a field name such as cartId'));
const minutes = z.int().check(z.gte(0), z.lte(60 * 24 * 90));
const filterValue = z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean()]);

const common = {
  /** Names the step in the state machine and in jumps; `<kind><position>` (`send3`) when left out. */
  id: z.optional(stepId),
  /** The step after this one: a later step's id or `exit`; the following step when left out. */
  next: z.optional(target),
};

export const WaitStepSchema = z.strictObject({
  kind: z.literal('wait'),
  ...common,
  /** Minutes to wait; with `until`, minutes after that time (`abandonedAt` + 60). */
  delayMinutes: z._default(minutes, 0),
  /** A time field of the trigger event to wait for (`abandonedAt`); a time already past does not wait. */
  until: z.optional(fieldName),
});

/** What a condition asks; every part given must hold. */
export const FlowConditionSchema = z.strictObject({
  /** The segment language over the profile (docs/campaigns.md#segments). */
  segment: z.optional(SegmentSchema),
  /** None of these events from the subscriber since the trigger event (the profile's last order, cart, view). */
  noEventSince: z.optional(z.array(z.enum(DATED_EVENTS)).check(z.minLength(1))),
  /**
   * No order from the subscriber since the trigger with an item of the trigger's `productId` (the
   * orders recorded as activity; the trigger's own order does not count).
   */
  notReordered: z.optional(z.literal(true)),
  /**
   * The subscriber has not ordered any of these products (an item with one of the `productIds` in
   * an order recorded as activity), in the last `withinDays` days or, without it, in the two years
   * orders are kept.
   */
  notOrdered: z.optional(
    z.strictObject({
      productIds: z
        .array(z.string().check(z.regex(/^[\w.:/-]{1,100}$/, 'must be a product id as the shop sends it')))
        .check(z.minLength(1), z.maxLength(50)),
      withinDays: z.optional(z.int().check(z.gte(1), z.lte(730))),
    }),
  ),
});
export type FlowCondition = z.output<typeof FlowConditionSchema>;

export const ConditionStepSchema = z.strictObject({
  kind: z.literal('condition'),
  ...common,
  if: FlowConditionSchema,
  /** Where a flow whose condition does not hold goes: `exit` when left out. */
  else: z._default(target, EXIT),
  /**
   * Why the flow's text is skipped when the condition does not hold (`order_placed`): recorded in
   * the message history like every skip; none records nothing.
   */
  skipReason: z.optional(
    z.string().check(z.regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a snake_case reason such as order_placed')),
  ),
});

const branchName = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][\w-]{0,39}$/, 'must be a short name such as a or short-copy'));

export const SplitStepSchema = z.strictObject({
  kind: z.literal('split'),
  ...common,
  /** Random branches, picked by weight; each subscriber's pick is fixed by the execution's name. */
  random: z.optional(
    z
      .array(z.strictObject({ name: branchName, weight: z.int().check(z.gte(1), z.lte(100)), next: target }))
      .check(z.minLength(2), z.maxLength(10)),
  ),
  /** A profile property to branch on (`$source`), with one branch per value in `cases`. */
  property: z.optional(
    z.string().check(z.regex(/^[A-Za-z$][\w.$-]{0,63}$/, 'must be a property name such as $source')),
  ),
  cases: z.optional(
    z.array(z.strictObject({ equals: filterValue, next: target })).check(z.minLength(1), z.maxLength(20)),
  ),
});

export const SendStepSchema = z.strictObject({
  kind: z.literal('send'),
  ...common,
  /** A Liquid template (docs/flows.md#templates). */
  body: z.string().check(z.minLength(1), z.maxLength(1500)),
  /**
   * `marketing` needs marketing consent; `transactional` (order updates, from an order event only)
   * transactional consent, standing or given at checkout for the trigger's order.
   */
  class: z._default(z.enum(['marketing', 'transactional']), 'marketing'),
  /** Hold the text for quiet hours and state calling hours (a transactional text too, unless false). */
  quietHours: z._default(z.boolean(), true),
  /** Marketing: skip the text when the number got one within the smart-sending window. */
  smartSending: z._default(z.boolean(), true),
  /**
   * Marketing: only to a subscription confirmed by double opt-in or a code, else skipped as
   * `no_confirmed_opt_in` (carriers expect it before cart reminders; subscription-engine.ts then
   * asks US numbers for a double opt-in).
   */
  confirmedOptIn: z._default(z.boolean(), false),
  /** Send the contact card (vCard) as MMS when the number can, text otherwise. */
  contactCard: z._default(z.boolean(), false),
  /**
   * Make each URL the text prints a short link of the recipient's own, counted for the flow; `false`
   * sends them as written (the flows translated from their own keys, flow-keys.ts).
   */
  trackLinks: z._default(z.boolean(), true),
  /** An image or other media sent with the text as MMS: one object in the media bucket, `s3://bucket/key`. */
  mediaUrls: mediaUrls(),
  /**
   * Hours after the trigger (after `replenishAt` in a replenishment) past which this text is skipped
   * rather than sent late, when quiet hours or a cap hold it; the flow's `limits.deadlineHours` when
   * left out.
   */
  deadlineHours: z.optional(z.number().check(z.gte(1), z.lte(24 * 90))),
});

export const ExitStepSchema = z.strictObject({
  kind: z.literal('exit'),
  id: z.optional(stepId),
});

export const FlowStepSchema = z.discriminatedUnion('kind', [
  WaitStepSchema,
  ConditionStepSchema,
  SplitStepSchema,
  SendStepSchema,
  ExitStepSchema,
]);
export type FlowStep = z.output<typeof FlowStepSchema>;
export type FlowStepKind = FlowStep['kind'];

/** A flow's id: a built-in definition's (`welcome`, `abandonedCart`…) or a deployer's own. */
export const FLOW_ID_PATTERN = /^[a-z][A-Za-z0-9]{0,29}$/;

export const FlowDefinitionShape = z.strictObject({
  /** Names the flow, its state machine and its executions. */
  id: z.string().check(z.regex(FLOW_ID_PATTERN, 'must be a camelCase name such as browseAbandonment')),
  /** `false` keeps the definition but starts nothing. */
  enabled: z._default(z.boolean(), true),
  trigger: z.strictObject({
    event: z.enum(FLOW_TRIGGER_EVENTS),
    /**
     * Fields the event must carry: with this value, one of a list, or (`{ "exists": true }`) any
     * value, which lets the templates print the field without a default.
     */
    filters: z._default(
      z.record(
        fieldName,
        z.union([
          filterValue,
          z.array(filterValue).check(z.minLength(1)),
          z.strictObject({ exists: z.literal(true) }),
        ]),
      ),
      {},
    ),
  }),
  /** Events that stop a running execution: the same subscriber's, matching the trigger on `fields`. */
  exitOn: z._default(
    z.array(
      z.strictObject({
        event: z.enum(FLOW_TRIGGER_EVENTS),
        /** Fields the stopping event shares with the trigger (`cartId`); the subscriber alone when empty. */
        fields: z._default(z.array(fieldName).check(z.maxLength(3)), []),
      }),
    ),
    [],
  ),
  limits: z._default(
    z.strictObject({
      /**
       * At most one execution per subscriber and per these trigger fields (`productId`), within
       * `hours` (none: within the 90 days Step Functions keeps an execution's name). Past 90 days a
       * name can be used again: with no `fields`, the text's own check of the flow's last text to
       * the number (`flow_limit`) holds the limit.
       */
      oncePer: z.optional(
        z.strictObject({
          fields: z._default(z.array(fieldName).check(z.maxLength(3)), []),
          hours: z.optional(z.int().check(z.gte(1), z.lte(24 * 365))),
        }),
      ),
      /** Texts quiet hours or caps would push past this many hours after the trigger are skipped. */
      deadlineHours: z._default(z.number().check(z.gte(1), z.lte(24 * 90)), 48),
    }),
    { deadlineHours: 48 },
  ),
  /**
   * Days after an order each product runs out (`{ "beans-1": 30 }`), for an `OrderPlaced` flow:
   * each item of the order whose `productId` is listed starts an execution of its own, whose event
   * is the order plus the item's `productId`, `productName`, `productUrl` (when the item has one)
   * and `replenishAt` (the order's time plus the product's days). `limits.deadlineHours` then counts
   * from `replenishAt`.
   */
  replenishDays: z.optional(
    z.record(
      z.string().check(z.regex(/^[\w.:/-]{1,100}$/, 'must be a product id as the shop sends it')),
      z.int().check(z.gte(1), z.lte(365)),
    ),
  ),
  /**
   * Days without an order after which a customer has lapsed, for a `CustomerLapsed` flow (win-back):
   * the daily sweep publishes a `CustomerLapsed` with these days for each customer whose last order
   * is that old, and the flow starts from the events with its own days.
   */
  lapseDays: z.optional(z.int().check(z.gte(1), z.lte(3 * 365))),
  /**
   * The preference topic its texts are about (one of `preferences.topics`): a subscriber who turned
   * it off gets none of its marketing texts (`topic_off`); none: every subscriber.
   */
  topic: z.optional(TopicPropertySchema),
  steps: z.array(FlowStepSchema).check(z.minLength(1), z.maxLength(30)),
});
export type FlowDefinition = z.output<typeof FlowDefinitionShape>;
export type FlowDefinitionInput = z.input<typeof FlowDefinitionShape>;

/** Whether a trigger event passes the definition's filters. */
export function passesFilters(
  definition: Pick<FlowDefinition, 'trigger'>,
  event: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(definition.trigger.filters).every(([field, wanted]) => {
    const value = event[field];
    if (Array.isArray(wanted)) return wanted.some((w) => w === value);
    if (typeof wanted === 'object') return value !== undefined && value !== null && value !== '';
    return value === wanted;
  });
}

/** Each step's id: its own, or `<kind><position>` (`wait1`, `send2`). */
export function stepIds(definition: Pick<FlowDefinition, 'steps'>): string[] {
  return definition.steps.map((step, index) => step.id ?? `${step.kind}${index + 1}`);
}

/** Where each step can go next, by step index (`exit` and the flow's end are left out). */
export function stepTargets(step: FlowStep, following: string | undefined): string[] {
  switch (step.kind) {
    case 'exit':
      return [];
    case 'condition':
      return [step.next ?? following, step.else].filter(isDefined);
    case 'split':
      if (step.random) return step.random.map((b) => b.next);
      return [...(step.cases ?? []).map((c) => c.next), step.next ?? following].filter(isDefined);
    default:
      return [step.next ?? following].filter(isDefined);
  }
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
