/**
 * `flows.definitions` in the config: the flows written as data (docs/flows.md#flow-definitions).
 * The built-in ones (browse abandonment…) are there unless switched off; a deployer's entry with a
 * built-in id and only `enabled` switches it (and `replenishDays` gives a replenishment its
 * products, `lapseDays` a win-back its days), one with a full definition replaces it, any other id
 * adds a flow.
 */
import * as z from './zod';
import { FlowDefinitionShape, type FlowDefinition, type FlowDefinitionInput } from './flow-definition';
import { flowDefinitionProblems } from './flow-validation';
import { TRANSLATED_FLOW_IDS } from './flow-keys';

/** Browse abandonment: a product viewed, two hours without a cart or an order, one text, once in 72 hours. */
export const BROWSE_ABANDONMENT: FlowDefinitionInput = {
  id: 'browseAbandonment',
  trigger: {
    event: 'ProductViewed',
    filters: { productName: { exists: true }, productUrl: { exists: true } },
  },
  exitOn: [{ event: 'CartAbandoned' }, { event: 'OrderPlaced' }],
  limits: { oncePer: { hours: 72 }, deadlineHours: 24 },
  steps: [
    { kind: 'wait', id: 'twoHours', delayMinutes: 120 },
    { kind: 'condition', id: 'noCartOrOrder', if: { noEventSince: ['CartAbandoned', 'OrderPlaced'] } },
    {
      kind: 'send',
      id: 'browseText',
      body: '{{ first_name | default: "Hi" }}, still thinking about {{ event.product_name }}? Take another look: {{ event.product_url }}',
    },
  ],
};

/** Post-purchase thank-you: one text three days after each order. */
export const POST_PURCHASE: FlowDefinitionInput = {
  id: 'postPurchase',
  trigger: { event: 'OrderPlaced' },
  limits: { oncePer: { fields: ['orderId'] }, deadlineHours: 96 },
  steps: [
    { kind: 'wait', id: 'threeDays', until: 'placedAt', delayMinutes: 3 * 24 * 60 },
    {
      kind: 'send',
      id: 'thanksText',
      body: 'Thanks again for your order, {{ first_name | default: "friend" }}! We hope you are enjoying it.',
    },
  ],
};

/**
 * Order updates (transactional): one text when an order ships, with its carrier and tracking link,
 * once per order. It goes to a number with transactional consent, standing or given at checkout for
 * this order (order-consent.ts), marketing subscriber or not; never after an opt-out. At once, at
 * any hour: state calling-hours laws govern solicitations, and a shipping notice is not one
 * (decision 0041).
 */
export const ORDER_SHIPPED: FlowDefinitionInput = {
  id: 'orderShipped',
  trigger: { event: 'OrderShipped' },
  limits: { oncePer: { fields: ['orderId'] }, deadlineHours: 24 },
  steps: [
    {
      kind: 'send',
      id: 'shippedText',
      class: 'transactional',
      quietHours: false,
      smartSending: false,
      body: 'Your order {{ event.order_id }} has shipped with {{ event.carrier }}. Track it: {{ event.tracking_url }}',
    },
  ],
};

/** Order updates (transactional): one text when an order is delivered, once per order. */
export const ORDER_DELIVERED: FlowDefinitionInput = {
  id: 'orderDelivered',
  trigger: { event: 'OrderDelivered' },
  limits: { oncePer: { fields: ['orderId'] }, deadlineHours: 24 },
  steps: [
    {
      kind: 'send',
      id: 'deliveredText',
      class: 'transactional',
      quietHours: false,
      smartSending: false,
      body: 'Your order {{ event.order_id }} has been delivered. Questions about it? {{ support_contact }}',
    },
  ],
};

/**
 * Replenishment: when a product ordered runs out (`replenishDays` after the order, per product id),
 * one text to order it again, unless the customer did since. Marketing, in the day's hours. Starts
 * nothing until the deployer lists products: `{ "id": "replenishment", "replenishDays": { … } }`.
 */
export const REPLENISHMENT: FlowDefinitionInput = {
  id: 'replenishment',
  trigger: { event: 'OrderPlaced' },
  replenishDays: {},
  limits: { oncePer: { fields: ['orderId', 'productId'] }, deadlineHours: 72 },
  steps: [
    { kind: 'wait', id: 'untilRunningLow', until: 'replenishAt' },
    { kind: 'condition', id: 'notReordered', if: { notReordered: true } },
    {
      kind: 'send',
      id: 'replenishText',
      body: '{{ first_name | default: "Hi" }}, running low on {{ event.product_name }}? Time to stock up.{% if event.product_url %} Order again: {{ event.product_url | default: "" }}{% endif %}',
    },
  ],
};

/**
 * Win-back: one text to a customer whose last order is 90 days old (`lapseDays`), found by the daily
 * sweep of the sparse `lastOrders` index; at most one in any 180 days. Marketing, in the day's hours;
 * an order before the text stops it (decision 0044).
 */
export const WIN_BACK: FlowDefinitionInput = {
  id: 'winBack',
  trigger: { event: 'CustomerLapsed' },
  lapseDays: 90,
  exitOn: [{ event: 'OrderPlaced' }],
  limits: { oncePer: { hours: 180 * 24 }, deadlineHours: 48 },
  steps: [
    {
      kind: 'send',
      id: 'winBackText',
      body: '{{ first_name | default: "Hi" }}, we miss you! It has been a while since your last order: come and see what is new.',
    },
  ],
};

export const BUILT_IN_FLOW_DEFINITIONS: readonly FlowDefinitionInput[] = [
  BROWSE_ABANDONMENT,
  POST_PURCHASE,
  ORDER_SHIPPED,
  ORDER_DELIVERED,
  REPLENISHMENT,
  WIN_BACK,
];
/** The built-ins' ids, with those of the flows whose own keys are translated (flow-keys.ts). */
const BUILT_IN_IDS = new Set<string>([...BUILT_IN_FLOW_DEFINITIONS.map((d) => d.id), ...TRANSLATED_FLOW_IDS]);

/**
 * A built-in switched on or off, or given its days: a replenishment's products' days, a win-back's
 * days without an order.
 */
interface Switch {
  readonly id: string;
  readonly enabled?: boolean;
  readonly replenishDays?: Readonly<Record<string, number>>;
  readonly lapseDays?: number;
}
type Entry = { readonly switch: Switch } | { readonly definition: FlowDefinition };

/** The settings an entry may give a built-in that has them, beside its id. */
const SWITCH_SETTINGS = {
  replenishDays: FlowDefinitionShape.shape.replenishDays,
  lapseDays: FlowDefinitionShape.shape.lapseDays,
} as const;

/**
 * A built-in's id with only `enabled` and the settings it has (`replenishDays`, `lapseDays`); the
 * problems of such an entry's settings; or undefined when the entry is something else (a whole
 * definition).
 */
function asSwitch(value: unknown): Switch | { problems: z.core.$ZodIssue[] } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, enabled, replenishDays, lapseDays, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof id !== 'string' || !BUILT_IN_IDS.has(id)) return undefined;
  if (enabled !== undefined && typeof enabled !== 'boolean') return undefined;
  const builtIn = BUILT_IN_FLOW_DEFINITIONS.find((d) => d.id === id);
  const given = Object.entries({ replenishDays, lapseDays }).filter(([, v]) => v !== undefined);
  if (given.length === 0) return typeof enabled === 'boolean' ? { id, enabled } : undefined;
  const settings: Record<string, unknown> = {};
  const problems: z.core.$ZodIssue[] = [];
  for (const [name, setting] of given) {
    const key = name as keyof typeof SWITCH_SETTINGS;
    if (builtIn?.[key] === undefined) return undefined;
    const parsed = SWITCH_SETTINGS[key].safeParse(setting);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(...parsed.error.issues.map((issue) => ({ ...issue, path: [key, ...issue.path] })));
  }
  if (problems.length > 0) return { problems };
  return { id, ...(enabled === undefined ? {} : { enabled }), ...settings };
}

function entries(values: readonly unknown[], issue: (path: PropertyKey[], message: string) => void): Entry[] {
  const out: Entry[] = [];
  const seen = new Set<string>();
  const count = (index: number, id: string) => {
    if (seen.has(id)) issue([index, 'id'], `repeats the flow id "${id}"`);
    seen.add(id);
  };
  values.forEach((value, index) => {
    const toggle = asSwitch(value);
    if (toggle && 'problems' in toggle) {
      for (const problem of toggle.problems) issue([index, ...problem.path], problem.message);
      return;
    }
    if (toggle) {
      count(index, toggle.id);
      out.push({ switch: toggle });
      return;
    }
    const parsed = FlowDefinitionShape.safeParse(value);
    if (!parsed.success) {
      for (const problem of parsed.error.issues) issue([index, ...problem.path], problem.message);
      return;
    }
    const definition = parsed.data;
    count(index, definition.id);
    for (const problem of flowDefinitionProblems(definition))
      issue([index, ...problem.path], problem.message);
    out.push({ definition });
  });
  return out;
}

/**
 * The flows that run: the built-ins (those translated from their own keys last) as switched or
 * replaced, then the deployer's own.
 */
function merge(list: readonly Entry[], translated: readonly FlowDefinitionInput[]): FlowDefinition[] {
  const byId = new Map<string, FlowDefinition>(
    [...BUILT_IN_FLOW_DEFINITIONS, ...translated].map((d) => [d.id, FlowDefinitionShape.parse(d)]),
  );
  for (const entry of list) {
    if ('switch' in entry) {
      const builtIn = byId.get(entry.switch.id);
      const { id, ...changes } = entry.switch;
      if (builtIn) byId.set(id, { ...builtIn, ...changes });
    } else byId.set(entry.definition.id, entry.definition);
  }
  return [...byId.values()];
}

/**
 * The entries as written; checked here, merged with the built-ins by `flowDefinitions` (the config's
 * final transform: a transform at this depth would hide the `flows` defaults from the reference).
 */
export const FlowDefinitionsSchema = z.array(z.unknown()).check(
  z.maxLength(20),
  z.superRefine((values, ctx) => {
    entries(values, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  }),
);

/**
 * The flows that run, from the checked entries of `flows.definitions` and the definitions the
 * flows' own keys translate to (flow-keys.ts).
 */
export function flowDefinitions(
  values: readonly unknown[],
  translated: readonly FlowDefinitionInput[] = [],
): FlowDefinition[] {
  return merge(
    entries(values, (path, message) => {
      throw new Error(`flows.definitions.${path.join('.')}: ${message}`);
    }),
    translated,
  );
}
