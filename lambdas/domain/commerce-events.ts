/**
 * Commerce events a store posts to `POST /v1/events`, one at a time or up to 100 in a batch.
 * The fields Optline uses are validated (a wrong one is a 400 naming it); the shop's other fields
 * ("extras") are kept with the event, within the bounds of event-extras.ts, and templates read both
 * in snake_case (`event.cart_url`, `event.store_id`). Common spellings of shop platforms (Shopify,
 * WooCommerce, BigCommerce: `product_id`, `qty`, `title`, `line_items`…) are accepted for the known
 * fields and renamed to them. Each event is stored once as profile activity and published on the
 * bus, where it starts or stops flows. Described in docs/api.md (Commerce events).
 */
import {
  EXTRA_LIMITS,
  extrasBytes,
  extrasOf,
  extrasProblems,
  jsonBytes,
  refusedName,
  type ExtraProblem,
  type TakenName,
} from './event-extras';
import { phoneInput, printable, storableNumber } from './input-fields';
import { ValidationError } from './errors';
import { parseInput } from './validation';
import { variableName } from './variable-names';
import * as z from './zod';

export const EVENT_LIMITS = {
  /** One event as JSON: well inside EventBridge's 256 KB entry and DynamoDB's 400 KB item. */
  maxEventBytes: 64 * 1024,
  /** Events in one request (`{ events: [ … ] }`). */
  maxBatchEvents: 100,
  /** A request body to `POST /v1/events` (other routes take 64 KB). */
  maxBodyBytes: 1024 * 1024,
  /** Items in a cart or order. */
  maxItems: 100,
  ...EXTRA_LIMITS,
} as const;

/*
 * The kinds of field, each with the description the docs and the API description show
 * (`kind: what it takes`; scripts/generate-docs.ts lists them).
 */

/**
 * An id: the shop's string, or the whole number Shopify, WooCommerce and BigCommerce send for
 * products, variants and orders (stored as its decimal string).
 */
const id = z
  .union(
    [z.string().check(z.regex(/^[\w.:/-]{1,100}$/)), z.pipe(z.int().check(z.gte(0)), z.transform(String))],
    { error: 'must be 1-100 letters, digits or _ . : / -, or a whole number' },
  )
  .check(
    z.describe('id: 1 to 100 letters, digits or _ . : / -, or a whole number (kept as its decimal text)'),
  );

const amount = storableNumber().check(z.gte(0), z.lte(10_000_000));
/** An amount of money: a number, or the decimal string Shopify and WooCommerce send ("19.99"). */
const money = z
  .union(
    [
      amount,
      z.pipe(
        z.string().check(z.regex(/^\d{1,8}(\.\d{1,4})?$/, 'must be an amount such as 19.99')),
        z.pipe(z.transform(Number), amount),
      ),
    ],
    { error: 'must be an amount such as 19.99: a number or a decimal string' },
  )
  .check(z.describe('amount: a number, or a decimal string such as "19.99", from 0 to 10,000,000'));
/**
 * A time as the shop sends it, with any offset, kept in UTC (`toISOString`): profiles, activity and
 * flows compare these times as strings, which only orders them in one offset.
 */
const timestamp = z
  .pipe(
    z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-11-23T14:00:00Z' }),
    z.transform((at: string) => new Date(at).toISOString()),
  )
  .check(z.describe('time: ISO 8601 with its offset, such as 2026-11-23T14:00:00Z; kept in UTC'));
const url = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .check(z.maxLength(2000), z.describe('URL: http or https, up to 2,000 characters'));
const phone = phoneInput().check(
  z.describe(
    "phone: the subscriber's number, in E.164 (+12065550100) or as written in the program's country",
  ),
);
const text = printable(200).check(z.describe('text: 1 to 200 printable characters'));
const currency = z._default(
  z
    .string()
    .check(
      z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
      z.describe('currency: an ISO 4217 code such as USD (USD when absent)'),
    ),
  'USD',
);
const quantity = z.int().check(z.gte(1), z.lte(10_000), z.describe('count: a whole number from 1 to 10,000'));
const yesNo = z.boolean().check(z.describe('yes/no: true or false'));
const ip = z
  .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })
  .check(z.describe("IP address: the customer's, IPv4 or IPv6"));
const userAgent = printable(500).check(
  z.describe("user agent: the customer's browser, up to 500 characters"),
);

const ITEM_SHAPE = {
  productId: z.optional(id),
  name: text,
  quantity,
  /** Unit price. */
  price: money,
  imageUrl: z.optional(url),
  /** The product's page. */
  url: z.optional(url),
};

/**
 * Other names each known field is accepted under, besides its snake_case spelling (`image_url`),
 * in the order they are looked for. The first one present (not null) is used; the known name
 * always comes first. Item names are those of Shopify's line items (`title`), WooCommerce's
 * (`product_id`, `permalink`), BigCommerce's cart items (`sale_price`, `image_url`, `url`).
 */
export const ITEM_FIELD_ALIASES: Readonly<Record<keyof typeof ITEM_SHAPE, readonly string[]>> = {
  productId: [],
  name: ['title', 'product_name'],
  quantity: ['qty'],
  price: ['unit_price', 'sale_price'],
  imageUrl: [],
  url: ['product_url', 'permalink'],
};

const ITEM_KNOWN = new Set(Object.keys(ITEM_SHAPE));
const ITEM_NAMES = takenNames(Object.keys(ITEM_SHAPE));

export const CommerceItemSchema = z.looseObject(ITEM_SHAPE).check(
  z.superRefine((item, ctx) => {
    for (const problem of extrasProblems(extrasOf(item, ITEM_KNOWN), ITEM_NAMES))
      addIssue(ctx, item, problem);
  }),
);

const items = z
  .array(CommerceItemSchema)
  .check(
    z.minLength(1),
    z.maxLength(EVENT_LIMITS.maxItems),
    z.describe(`items: a list of 1 to ${EVENT_LIMITS.maxItems} items (below)`),
  );

/** Names Optline adds to an event's detail on the bus: no field of the shop's may take them. */
const ADDED_BY_OPTLINE = ['eventId', 'attributedTo'];

/** An event type: its fields Optline uses, and the shop's other fields checked against the bounds. */
function eventType<T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) {
  const known = new Set(['type', ...Object.keys(shape)]);
  const names = takenNames([...known], ADDED_BY_OPTLINE);
  return z.looseObject({ type: z.literal(type), ...shape }).check(
    z.superRefine((event, ctx) => {
      const extras = extrasOf(event, known);
      for (const problem of extrasProblems(extras, names)) addIssue(ctx, event, problem);
      const itemList: unknown = (event as Record<string, unknown>).items;
      const itemExtras = Array.isArray(itemList)
        ? itemList.map((item) => extrasOf(item as Record<string, unknown>, ITEM_KNOWN))
        : [];
      if (extrasBytes([extras, ...itemExtras]) > EVENT_LIMITS.maxBytes) {
        addIssue(ctx, event, {
          path: [],
          message: `carries more than ${EVENT_LIMITS.maxBytes} bytes of fields Optline does not use`,
        });
      }
    }),
  );
}

export const CartAbandonedSchema = eventType('CartAbandoned', {
  phone,
  cartId: id,
  cartUrl: url,
  items,
  total: money,
  currency,
  abandonedAt: timestamp,
});

export const OrderPlacedSchema = eventType('OrderPlaced', {
  phone,
  orderId: id,
  /** The cart the order came from: stops that cart's abandoned-cart flow. */
  cartId: z.optional(id),
  items: z.optional(items),
  total: money,
  currency,
  placedAt: timestamp,
  /**
   * The checkout's "text me about this order" tick: express consent to this order's updates only,
   * recorded in the consent log with the evidence below (lambdas/domain/order-consent.ts).
   */
  transactionalConsent: z.optional(yesNo),
  /** Evidence of the tick: the customer's IP address, browser and the checkout page. */
  ip: z.optional(ip),
  userAgent: z.optional(userAgent),
  pageUrl: z.optional(url),
});

/** The fields of an order that are consent evidence: kept in the consent log, not on the bus. */
export const ORDER_CONSENT_EVIDENCE_FIELDS = ['ip', 'userAgent', 'pageUrl'] as const;

export const OrderShippedSchema = eventType('OrderShipped', {
  phone,
  orderId: id,
  /** The carrier's name as the customer knows it (UPS, USPS, DHL). */
  carrier: text,
  trackingUrl: url,
  shippedAt: timestamp,
});

export const OrderDeliveredSchema = eventType('OrderDelivered', {
  phone,
  orderId: id,
  deliveredAt: timestamp,
});

export const ProductViewedSchema = eventType('ProductViewed', {
  phone,
  productId: id,
  productName: z.optional(text),
  productUrl: z.optional(url),
  /** The price shown, for the browse-abandonment text. */
  price: z.optional(money),
  viewedAt: timestamp,
});

export const BackInStockSchema = eventType('BackInStock', {
  phone,
  productId: id,
  productName: text,
  productUrl: url,
  at: timestamp,
});

export const PriceDroppedSchema = eventType('PriceDropped', {
  phone,
  productId: id,
  productName: text,
  productUrl: url,
  price: money,
  previousPrice: money,
  at: timestamp,
});

/** Each event type's schema, by type. */
export const COMMERCE_EVENT_TYPES = {
  CartAbandoned: CartAbandonedSchema,
  OrderPlaced: OrderPlacedSchema,
  OrderShipped: OrderShippedSchema,
  OrderDelivered: OrderDeliveredSchema,
  ProductViewed: ProductViewedSchema,
  BackInStock: BackInStockSchema,
  PriceDropped: PriceDroppedSchema,
} as const;
export type CommerceEventType = keyof typeof COMMERCE_EVENT_TYPES;

/** Other names of each event type's known fields (besides snake_case), as ITEM_FIELD_ALIASES. */
export const EVENT_FIELD_ALIASES: Readonly<
  Record<CommerceEventType, Readonly<Record<string, readonly string[]>>>
> = {
  CartAbandoned: {
    cartUrl: ['checkout_url', 'abandoned_checkout_url'],
    items: ['line_items'],
    total: ['total_price'],
  },
  OrderPlaced: { items: ['line_items'], total: ['total_price'] },
  // Shopify's fulfillment (`tracking_company`), WooCommerce Shipment Tracking (`tracking_provider`,
  // `tracking_link`), BigCommerce's shipment (`shipping_provider`).
  OrderShipped: {
    carrier: ['tracking_company', 'tracking_provider', 'shipping_provider'],
    trackingUrl: ['tracking_link'],
  },
  OrderDelivered: {},
  ProductViewed: {},
  BackInStock: {},
  PriceDropped: {},
};

/** Every name each known field is accepted under, the known name first. */
function acceptedNames(
  shape: Readonly<Record<string, unknown>>,
  aliases: Readonly<Record<string, readonly string[]>>,
): ReadonlyMap<string, readonly string[]> {
  return new Map(
    Object.keys(shape)
      .filter((field) => field !== 'type')
      .map((field) => [field, [...new Set([field, variableName(field), ...(aliases[field] ?? [])])]]),
  );
}

/** Every name each known field of an item is accepted under, the known name first. */
export const ITEM_NAMES_ACCEPTED = acceptedNames(ITEM_SHAPE, ITEM_FIELD_ALIASES);
/** Every name each known field of each event type is accepted under, the known name first. */
export const EVENT_NAMES_ACCEPTED = Object.fromEntries(
  Object.entries(COMMERCE_EVENT_TYPES).map(([type, schema]) => [
    type,
    acceptedNames(schema._zod.def.shape, EVENT_FIELD_ALIASES[type as CommerceEventType]),
  ]),
) as Record<CommerceEventType, ReadonlyMap<string, readonly string[]>>;

/**
 * The event as Optline reads it: each known field under its own name, from the first of its names
 * that is present; null counts as absent. Names not used stay as they were (extras). Fields with
 * refused names (`__proto__`…) and events over the size limit stop here.
 */
const normalised = z.transform((input: unknown, ctx) => {
  if (!isRecord(input)) return input;
  if (jsonBytes(input) > EVENT_LIMITS.maxEventBytes) {
    ctx.issues.push({
      code: 'custom',
      message: `is larger than ${EVENT_LIMITS.maxEventBytes} bytes as JSON`,
      input,
      path: [],
    });
    return z.NEVER;
  }
  const refused = refusedName(input);
  if (refused) {
    ctx.issues.push({ code: 'custom', message: refused.message, input, path: [...refused.path] });
    return z.NEVER;
  }
  const names = EVENT_NAMES_ACCEPTED[input.type as CommerceEventType];
  if (!names) return input;
  const event = renamed(input, names);
  if (Array.isArray(event.items))
    event.items = event.items.map((item: unknown) =>
      isRecord(item) ? renamed(item, ITEM_NAMES_ACCEPTED) : item,
    );
  return event;
});

/**
 * One commerce event with its known fields under their own names (and the shop's own fields, within
 * bounds): the contract a client sends to, and what Optline stores and publishes.
 */
export const CommerceEventSchema = z.discriminatedUnion('type', [
  CartAbandonedSchema,
  OrderPlacedSchema,
  OrderShippedSchema,
  OrderDeliveredSchema,
  ProductViewedSchema,
  BackInStockSchema,
  PriceDroppedSchema,
]);

/**
 * One event as `POST /v1/events` takes it: known fields under any accepted name (renamed), null as
 * absent, then CommerceEventSchema. Its JSON Schema (input) is CommerceEventSchema's.
 */
export const CommerceEventRequestSchema = z.pipe(normalised, CommerceEventSchema);

export type CommerceEvent = z.output<typeof CommerceEventSchema>;
export type CommerceItem = z.output<typeof CommerceItemSchema>;

/** The batch form: `{ events: [ … ] }`, 1 to 100 events, each validated on its own. */
export const CommerceEventBatchSchema = z.strictObject({
  events: z.array(CommerceEventRequestSchema).check(z.minLength(1), z.maxLength(EVENT_LIMITS.maxBatchEvents)),
});

/**
 * The envelope of a batch, checked before its events: a malformed envelope is a 400 for the whole
 * request, a malformed event only that event's result.
 */
const BatchEnvelopeSchema = z.strictObject({
  events: z
    .array(z.unknown(), {
      error: (issue) =>
        issue.input === undefined
          ? 'is required: post one event (with its type) or { "events": [ … ] }'
          : 'must be an array of events',
    })
    .check(
      z.minLength(1, 'must hold at least one event'),
      z.maxLength(EVENT_LIMITS.maxBatchEvents, `must hold at most ${EVENT_LIMITS.maxBatchEvents} events`),
    ),
});

/** The answer for an accepted event (202, or one result of a batch). */
export const CommerceEventAcceptedSchema = z.object({
  eventId: z.string(),
  type: z.enum(Object.keys(COMMERCE_EVENT_TYPES) as [CommerceEventType, ...CommerceEventType[]]),
  phone: z.string(),
});

/** The 207 answer to a batch: one result per event, in order. */
export const CommerceEventBatchResultSchema = z.object({
  results: z.array(
    z.object({
      index: z.int(),
      /** 202 accepted, or the 4xx the event alone would have had. */
      status: z.int(),
      eventId: z.optional(z.string()),
      error: z.optional(z.object({ code: z.string(), message: z.string(), field: z.optional(z.string()) })),
    }),
  ),
});
export type CommerceEventBatchResult = z.output<typeof CommerceEventBatchResultSchema>;

/** A request to `POST /v1/events`: one event (it has a `type`) or a batch. */
export type CommerceEventsRequest =
  | { readonly kind: 'single'; readonly event: unknown }
  | { readonly kind: 'batch'; readonly events: readonly unknown[] };

/** Tells one event from a batch; a malformed batch envelope throws a ValidationError (400). */
export function commerceEventsRequest(body: unknown): CommerceEventsRequest {
  if (isRecord(body) && Object.hasOwn(body, 'type')) return { kind: 'single', event: body };
  return { kind: 'batch', events: parseInput(BatchEnvelopeSchema, body).events };
}

/**
 * Validates one event; a failure is a ValidationError naming the field as the caller sent it
 * (`items.0.qty`, not the `quantity` it stands for), under `root` (`events.3`) in a batch.
 */
export function parseCommerceEvent(input: unknown, root = ''): CommerceEvent {
  return parseInput(CommerceEventRequestSchema, input, root, (path) => sentPath(input, path));
}

/** One event of a batch: parsed, or refused with the error it alone would have had. */
export type BatchEntry =
  | { readonly index: number; readonly event: CommerceEvent }
  | { readonly index: number; readonly error: ValidationError };

/** Validates each event of a batch on its own: a bad one does not stop the others. */
export function parseEventBatch(events: readonly unknown[]): BatchEntry[] {
  return events.map((input, index) => {
    try {
      return { index, event: parseCommerceEvent(input, `events.${index}`) };
    } catch (error) {
      if (error instanceof ValidationError) return { index, error };
      throw error;
    }
  });
}

/** The path of a field as it was sent: a known field's segment becomes the name it came under. */
export function sentPath(input: unknown, path: readonly PropertyKey[]): PropertyKey[] {
  if (!isRecord(input)) return [...path];
  const eventNames = EVENT_NAMES_ACCEPTED[input.type as CommerceEventType];
  if (!eventNames) return [...path];
  const out: PropertyKey[] = [];
  let node: unknown = input;
  let names: ReadonlyMap<string, readonly string[]> | undefined = eventNames;
  for (const [depth, segment] of path.entries()) {
    let sent = segment;
    const object = isRecord(node) ? node : undefined;
    if (typeof segment === 'string' && names && object) {
      sent = (names.get(segment) ?? [segment]).find((name) => present(object, name)) ?? segment;
    }
    out.push(sent);
    node = isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[sent] : undefined;
    // Item names apply inside `items.<index>`.
    names = depth === 1 && path[0] === 'items' ? ITEM_NAMES_ACCEPTED : undefined;
  }
  return out;
}

/** When the event happened. */
export function occurredAt(event: CommerceEvent): string {
  switch (event.type) {
    case 'CartAbandoned':
      return event.abandonedAt;
    case 'OrderPlaced':
      return event.placedAt;
    case 'OrderShipped':
      return event.shippedAt;
    case 'OrderDelivered':
      return event.deliveredAt;
    case 'ProductViewed':
      return event.viewedAt;
    case 'BackInStock':
    case 'PriceDropped':
      return event.at;
  }
}

/**
 * The activity record's key: one per cart, order, order's shipment and delivery, product view, or
 * product change per day.
 */
export function activityKey(event: CommerceEvent): string {
  switch (event.type) {
    case 'CartAbandoned':
      return `cart#${event.cartId}`;
    case 'OrderPlaced':
      return `order#${event.orderId}`;
    case 'OrderShipped':
      return `shipped#${event.orderId}`;
    case 'OrderDelivered':
      return `delivered#${event.orderId}`;
    case 'ProductViewed':
      return `view#${event.productId}#${event.viewedAt}`;
    case 'BackInStock':
      return `stock#${event.productId}#${event.at.slice(0, 10)}`;
    case 'PriceDropped':
      return `price#${event.productId}#${event.at.slice(0, 10)}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function present(object: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.hasOwn(object, name) && object[name] !== null && object[name] !== undefined;
}

/** Known fields moved to their own names (see `normalised`); a new object, the input untouched. */
function renamed(
  object: Readonly<Record<string, unknown>>,
  accepted: ReadonlyMap<string, readonly string[]>,
): Record<string, unknown> {
  const out = Object.fromEntries(Object.entries(object));
  for (const [field, names] of accepted) {
    for (const name of names) if (Object.hasOwn(out, name) && out[name] === null) delete out[name];
    const from = names.find((name) => present(out, name));
    if (from === undefined || from === field) continue;
    out[field] = out[from];
    delete out[from];
  }
  return out;
}

/** Template names of the known fields (and of what Optline adds), each with the field that has it. */
function takenNames(known: readonly string[], addedByOptline: readonly string[] = []) {
  return new Map<string, TakenName>([
    ...known.map((field): [string, TakenName] => [variableName(field), { field }]),
    ...addedByOptline.map((field): [string, TakenName] => [
      variableName(field),
      { field, addedByOptline: true },
    ]),
  ]);
}

function addIssue(
  ctx: { addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[]; input: unknown }): void },
  input: unknown,
  problem: ExtraProblem,
) {
  ctx.addIssue({ code: 'custom', message: problem.message, path: [...problem.path], input });
}
