import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  COMMERCE_EVENT_TYPES,
  CommerceEventBatchSchema,
  CommerceEventRequestSchema,
  CommerceEventSchema,
  EVENT_FIELD_ALIASES,
  EVENT_LIMITS,
  ITEM_FIELD_ALIASES,
  commerceEventsRequest,
  parseCommerceEvent,
  parseEventBatch,
} from '../../lambdas/domain/commerce-events';
import { ValidationError } from '../../lambdas/domain/errors';
import { FLOW_TRIGGERS, FLOW_VARIABLES } from '../../lambdas/domain/runtime-config';
import { variableName } from '../../lambdas/domain/variable-names';

const item = { productId: 'beans-1', name: 'House Blend', quantity: 2, price: 14.5 };
const cart = {
  type: 'CartAbandoned',
  phone: '+12065550100',
  cartId: 'c-1',
  cartUrl: 'https://acme.example/cart/c-1',
  items: [item],
  total: 29,
  abandonedAt: '2026-10-06T17:00:00Z',
};
/** The cart as parsed: its time in UTC as `toISOString` writes it, the currency filled in. */
const cartAsKept = { ...cart, abandonedAt: '2026-10-06T17:00:00.000Z', currency: 'USD' };

/** The field and message of the ValidationError parsing throws. */
function refusal(input: unknown, root = ''): { field: string | undefined; message: string } {
  try {
    parseCommerceEvent(input, root);
  } catch (error) {
    if (error instanceof ValidationError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

/** The items of a parsed cart or order. */
const itemsOf = (input: unknown) => (parseCommerceEvent(input) as { items: Record<string, unknown>[] }).items;

const deep = (levels: number): unknown => (levels === 0 ? 'x' : { next: deep(levels - 1) });

describe('commerce event schema: known fields', () => {
  it('takes the documented cart event and fills in the currency', () => {
    expect(parseCommerceEvent(cart)).toEqual(cartAsKept);
  });

  it('keeps every time in UTC, so that times compare in order as strings', () => {
    const order = { type: 'OrderPlaced', phone: '+12065550100', orderId: 'A-1', total: 10 };
    // 21:00 in New York is 01:00 the next day in UTC: later than 00:30 UTC, though it sorts first as written.
    const late = parseCommerceEvent({ ...order, placedAt: '2026-11-10T21:00:00-04:00' }) as {
      placedAt: string;
    };
    const early = parseCommerceEvent({ ...order, placedAt: '2026-11-11T00:30:00Z' }) as { placedAt: string };
    expect(late.placedAt).toBe('2026-11-11T01:00:00.000Z');
    expect(late.placedAt > early.placedAt).toBe(true);
    expect(
      (parseCommerceEvent({ ...cart, abandonedAt: '2026-10-06T17:00:00.5+00:00' }) as { abandonedAt: string })
        .abandonedAt,
    ).toBe('2026-10-06T17:00:00.500Z');
  });

  it('takes an item with every documented field', () => {
    const full = {
      ...item,
      imageUrl: 'https://cdn.acme.example/beans.jpg',
      url: 'https://acme.example/p/beans-1',
    };
    expect(parseCommerceEvent({ ...cart, items: [full] }).items).toEqual([full]);
  });

  it('takes whole-number ids (as platforms send them) and keeps them as strings', () => {
    const event = parseCommerceEvent({ ...cart, cartId: 12, items: [{ ...item, productId: 632910392 }] });
    expect(event).toMatchObject({ cartId: '12', items: [{ productId: '632910392' }] });
  });

  it('takes decimal strings for money (as Shopify and WooCommerce send it) and stores numbers', () => {
    const event = parseCommerceEvent({ ...cart, total: '29.00', items: [{ ...item, price: '14.50' }] });
    expect(event).toMatchObject({ total: 29, items: [{ price: 14.5 }] });
  });

  it('reads null as absent: an optional field takes its default, a required one is missing', () => {
    expect(parseCommerceEvent({ ...cart, currency: null }).currency).toBe('USD');
    expect(refusal({ ...cart, cartUrl: null })).toEqual({
      field: 'cartUrl',
      message: 'cartUrl: is required',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a URL that is a number', { cartUrl: 5 }, 'cartUrl'],
    ['a URL of another scheme', { cartUrl: 'javascript:alert(1)' }, 'cartUrl'],
    ['a negative total', { total: -5 }, 'total'],
    ['a total that is text', { total: 'lots' }, 'total'],
    ['a total that is true', { total: true }, 'total'],
    ['an id with spaces', { cartId: 'a b' }, 'cartId'],
    ['a negative id', { cartId: -1 }, 'cartId'],
    ['a time that is not ISO 8601', { abandonedAt: 'yesterday' }, 'abandonedAt'],
    ['a lower-case currency', { currency: 'usd' }, 'currency'],
    ['no items', { items: [] }, 'items'],
    ['a quantity that is text', { items: [{ ...item, quantity: '2' }] }, 'items.0.quantity'],
    ['a price that is an object', { items: [{ ...item, price: {} }] }, 'items.0.price'],
    ['a name with a control character', { items: [{ ...item, name: 'a\u0000b' }] }, 'items.0.name'],
    ['an image URL that is not one', { items: [{ ...item, imageUrl: 'beans.jpg' }] }, 'items.0.imageUrl'],
  ])('refuses %s with a 400 naming the field', (_, change, field) => {
    expect(refusal({ ...cart, ...change }).field).toBe(field);
  });

  it('names an unknown type', () => {
    expect(refusal({ type: 'Refunded', phone: '+12065550100' }).field).toBe('type');
  });

  it('takes items on an order (optional) and checks them as a cart’s', () => {
    const order = {
      type: 'OrderPlaced',
      phone: '+12065550100',
      orderId: 1001,
      total: '29.00',
      placedAt: '2026-10-06T17:00:00Z',
    };
    expect(parseCommerceEvent(order)).toMatchObject({ orderId: '1001', total: 29 });
    expect(
      parseCommerceEvent({ ...order, line_items: [{ title: 'Mug', qty: 1, price: '9.5' }] }),
    ).toMatchObject({
      items: [{ name: 'Mug', quantity: 1, price: 9.5 }],
    });
    expect(refusal({ ...order, items: [{ name: 'Mug', quantity: 0, price: 1 }] }).field).toBe(
      'items.0.quantity',
    );
  });
});

describe('commerce event schema: order updates', () => {
  const order = {
    type: 'OrderPlaced',
    phone: '+12065550100',
    orderId: 'A-1',
    total: 29,
    placedAt: '2026-10-06T17:00:00Z',
  };

  it('takes the checkout’s consent to an order’s updates with its evidence, each field checked', () => {
    const evidence = {
      transactionalConsent: true,
      ip: '2001:db8::7',
      userAgent: 'Mozilla/5.0',
      pageUrl: 'https://acme.example/checkout',
    };
    expect(parseCommerceEvent({ ...order, ...evidence })).toMatchObject(evidence);
    expect(parseCommerceEvent({ ...order, transactional_consent: true, user_agent: 'UA' })).toMatchObject({
      transactionalConsent: true,
      userAgent: 'UA',
    });
    expect(refusal({ ...order, transactionalConsent: 'yes' }).field).toBe('transactionalConsent');
    expect(refusal({ ...order, ip: '300.1.1.1' })).toEqual({
      field: 'ip',
      message: 'ip: must be an IPv4 or IPv6 address',
    });
    expect(refusal({ ...order, page_url: 'javascript:alert(1)' }).field).toBe('page_url');
  });

  it('takes a shipment under the names Shopify, WooCommerce and BigCommerce give its fields', () => {
    const shipped = {
      type: 'OrderShipped',
      phone: '+12065550100',
      order_id: 1001,
      shippedAt: '2026-10-07T09:00:00Z',
    };
    const expected = { orderId: '1001', carrier: 'UPS', trackingUrl: 'https://track.example/1' };
    expect(
      parseCommerceEvent({ ...shipped, tracking_company: 'UPS', tracking_url: 'https://track.example/1' }),
    ).toMatchObject(expected);
    expect(
      parseCommerceEvent({ ...shipped, tracking_provider: 'UPS', tracking_link: 'https://track.example/1' }),
    ).toMatchObject(expected);
    expect(
      parseCommerceEvent({ ...shipped, shipping_provider: 'UPS', trackingUrl: 'https://track.example/1' }),
    ).toMatchObject(expected);
    expect(refusal({ ...shipped, carrier: 'UPS' }).field).toBe('trackingUrl');
  });

  it('takes a delivery, and refuses one without its time', () => {
    const delivered = { type: 'OrderDelivered', phone: '+12065550100', orderId: 'A-1' };
    expect(parseCommerceEvent({ ...delivered, deliveredAt: '2026-10-08T15:00:00Z' })).toMatchObject({
      orderId: 'A-1',
    });
    expect(refusal(delivered).field).toBe('deliveredAt');
  });
});

describe('commerce event schema: other names of the known fields', () => {
  const itemCases = Object.entries(ITEM_FIELD_ALIASES).flatMap(([field, aliases]) =>
    [variableName(field), ...aliases]
      .filter((name) => name !== field)
      .map((name): [string, string] => [name, field]),
  );

  it.each(itemCases)('takes the item field %s as %s', (name, field) => {
    const value = (
      {
        productId: 'beans-1',
        name: 'House Blend',
        quantity: 3,
        price: 9.5,
        imageUrl: 'https://cdn.acme.example/b.jpg',
        url: 'https://acme.example/p/b',
      } as Record<string, unknown>
    )[field];
    const sent: Record<string, unknown> = { ...item, [name]: value };
    delete sent[field];
    const parsed = itemsOf({ ...cart, items: [sent] })[0] ?? {};
    expect(parsed[field]).toEqual(value);
    expect(parsed).not.toHaveProperty(name);
  });

  const eventCases = Object.entries(COMMERCE_EVENT_TYPES).flatMap(([type, schema]) =>
    Object.keys(schema._zod.def.shape).flatMap((field) =>
      [variableName(field), ...(EVENT_FIELD_ALIASES[type as keyof typeof EVENT_FIELD_ALIASES][field] ?? [])]
        .filter((name) => name !== field)
        .map((name): [string, string, string] => [type, name, field]),
    ),
  );

  it('covers every alias and snake_case name', () => {
    expect(eventCases.map(([, name]) => name)).toEqual(
      expect.arrayContaining([
        'cart_url',
        'abandoned_checkout_url',
        'line_items',
        'total_price',
        'previous_price',
      ]),
    );
  });

  it.each(eventCases.filter(([type]) => type === 'CartAbandoned'))(
    'takes the %s field %s as %s',
    (_, name, field) => {
      const sent: Record<string, unknown> = { ...cart, [name]: (cart as Record<string, unknown>)[field] };
      delete sent[field];
      const parsed = parseCommerceEvent(sent) as Record<string, unknown>;
      expect(parsed[field]).toEqual(parseCommerceEvent(cart)[field as keyof typeof cart]);
      expect(parsed).not.toHaveProperty(name);
    },
  );

  it('takes a line item as a platform sends it', () => {
    const shopify = {
      id: 866550311,
      product_id: 632910392,
      variant_id: 808950810,
      title: 'IPod Nano - 8GB',
      name: 'IPod Nano - 8GB - Pink',
      quantity: 1,
      price: '199.00',
      sku: 'IPOD2008PINK',
      variant_title: 'Pink',
    };
    expect(itemsOf({ ...cart, line_items: [shopify], items: undefined })[0]).toEqual({
      id: 866550311,
      productId: '632910392',
      variant_id: 808950810,
      // The known name wins; the alias beside it stays as the shop's own field.
      name: 'IPod Nano - 8GB - Pink',
      title: 'IPod Nano - 8GB',
      quantity: 1,
      price: 199,
      sku: 'IPOD2008PINK',
      variant_title: 'Pink',
    });
  });

  it('uses the first name present, skipping nulls', () => {
    const items = itemsOf({
      ...cart,
      items: [{ productId: 'b', title: null, product_name: 'Decaf', quantity: 1, price: 1 }],
    });
    expect(items[0]).toEqual({ productId: 'b', name: 'Decaf', quantity: 1, price: 1 });
  });

  it('names a wrong field by the name it was sent under, within its batch', () => {
    const sent = { ...cart, items: undefined, line_items: [{ title: 'Mug', qty: 'two', price: 1 }] };
    expect(refusal(sent).field).toBe('line_items.0.qty');
    expect(refusal(sent, 'events.3')).toEqual({
      field: 'events.3.line_items.0.qty',
      message: 'events.3.line_items.0.qty: Invalid input: expected number, received string',
    });
    expect(refusal({ ...cart, cartUrl: undefined, checkout_url: 'nope' }).field).toBe('checkout_url');
  });

  it('refuses a field sent under two names that are one template variable', () => {
    expect(refusal({ ...cart, cart_url: 'https://acme.example/other' })).toEqual({
      field: 'cart_url',
      message: 'cart_url: is the same template variable (cart_url) as cartUrl: send one of them',
    });
    expect(refusal({ ...cart, items: [{ ...item, product_id: 'x' }] }).field).toBe('items.0.product_id');
  });
});

describe('commerce event schema: fields Optline does not use', () => {
  it('keeps them on the event and on its items, as sent', () => {
    const sent = {
      ...cart,
      storeId: 'brooklyn',
      channel: { name: 'web', tags: ['spring', 'promo'] },
      giftNote: 'Happy birthday!\nLove, Ada',
      items: [{ ...item, variantId: 44, options: [{ name: 'Grind', value: 'Espresso' }], sku: null }],
    };
    expect(parseCommerceEvent(sent)).toEqual({
      ...sent,
      abandonedAt: cartAsKept.abandonedAt,
      currency: 'USD',
    });
  });

  it('keeps up to the limits', () => {
    const fields = Object.fromEntries(
      Array.from({ length: EVENT_LIMITS.maxEntries }, (_, i) => [`field${i}`, i]),
    );
    expect(() => parseCommerceEvent({ ...cart, ...fields })).not.toThrow();
    expect(() => parseCommerceEvent({ ...cart, nested: deep(EVENT_LIMITS.maxDepth - 1) })).not.toThrow();
    const name = 'n'.repeat(EVENT_LIMITS.maxNameLength);
    expect(() => parseCommerceEvent({ ...cart, [name]: 1 })).not.toThrow();
    // A few bytes under the limit: {"note":"…"} is 11 bytes more than its text.
    const note = 'x'.repeat(EVENT_LIMITS.maxBytes - 11);
    expect(() => parseCommerceEvent({ ...cart, note })).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'more than 50 fields',
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`field${i}`, i])),
      'body',
      /more than 50 fields/,
    ],
    ['more than 50 entries in one', { tags: Array.from({ length: 51 }, (_, i) => i) }, 'tags', /50 entries/],
    ['fields nested 4 levels deep', { nested: deep(3) }, 'nested.next.next', /deeper than 3 levels/],
    ['lists nested 4 levels deep', { grid: [[[1]]] }, 'grid.0.0', /deeper than 3 levels/],
    ['more than 8 KB', { note: 'x'.repeat(EVENT_LIMITS.maxBytes) }, 'body', /more than 8192 bytes/],
    ['a name longer than 64 characters', { ['n'.repeat(65)]: 1 }, 'n'.repeat(65), /1 to 64 characters/],
    ['an empty name', { '': 1 }, 'body', /1 to 64 characters/],
    ['a name with a control character', { 'a\u0007b': 1 }, 'a\u0007b', /control characters/],
    ['a text with a control character', { note: 'bell\u0007' }, 'note', /control characters/],
    ['a number DynamoDB cannot store', { rank: 1e200 }, 'rank', /1e-130 to 1e126/],
    ['a tiny number DynamoDB cannot store', { meta: { rank: 5e-324 } }, 'meta.rank', /1e-130 to 1e126/],
    ['two names of one variable', { storeId: 1, store_id: 2 }, 'store_id', /same template variable/],
    [
      'two nested names of one variable',
      { meta: { fooBar: 1, foo_bar: 2 } },
      'meta.foo_bar',
      /same template/,
    ],
    ['the id Optline sets', { eventId: 'forged' }, 'eventId', /which Optline sets/],
    ['the attribution Optline sets', { attributed_to: {} }, 'attributed_to', /which Optline sets/],
  ])('refuses %s, naming the field', (_, extras, field, message) => {
    const found = refusal({ ...cart, ...extras });
    expect(found.field).toBe(field);
    expect(found.message).toMatch(message);
  });

  it('counts the items’ extras in the 8 KB of the event', () => {
    const half = 'x'.repeat(EVENT_LIMITS.maxBytes / 2);
    const items = [
      { ...item, note: half },
      { ...item, note: half },
    ];
    expect(() => parseCommerceEvent({ ...cart, items: items.slice(0, 1) })).not.toThrow();
    expect(refusal({ ...cart, items }).message).toMatch(/more than 8192 bytes/);
  });

  it('checks each item’s extras as the event’s', () => {
    expect(refusal({ ...cart, items: [item, { ...item, meta: deep(3) }] }).field).toBe(
      'items.1.meta.next.next',
    );
  });

  it('refuses an event larger than 64 KB as JSON', () => {
    const items = Array.from({ length: 100 }, () => ({
      ...item,
      imageUrl: `https://a.example/${'i'.repeat(700)}`,
    }));
    expect(refusal({ ...cart, items })).toEqual({
      field: 'body',
      message: `body: is larger than ${EVENT_LIMITS.maxEventBytes} bytes as JSON`,
    });
  });

  describe('refuses names every JavaScript object reserves, at any depth', () => {
    it.each([
      ['__proto__ on the event', '{"__proto__":{"admin":true},', '__proto__'],
      ['constructor on the event', '{"constructor":{"prototype":{"admin":true}},', 'constructor'],
      ['prototype nested in an extra', '{"meta":{"a":[{"prototype":1}]},', 'meta.a.0.prototype'],
      ['toString', '{"toString":"x",', 'toString'],
    ])('%s', (_, start, field) => {
      const input: unknown = JSON.parse(JSON.stringify(cart).replace('{', start));
      const found = refusal(input);
      expect(found.field).toBe(field);
      expect(found.message).toMatch(/every JavaScript object reserves/);
    });

    it('on an item', () => {
      const input: unknown = JSON.parse(
        JSON.stringify(cart).replace('{"productId"', '{"__proto__":{},"productId"'),
      );
      expect(refusal(input).field).toBe('items.0.__proto__');
    });

    it('and leaves every prototype alone', () => {
      const input: unknown = JSON.parse(JSON.stringify(cart).replace('{', '{"__proto__":{"polluted":true},'));
      refusal(input);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    });
  });
});

describe('POST /v1/events requests', () => {
  it('tells one event (it has a type) from a batch', () => {
    expect(commerceEventsRequest(cart)).toEqual({ kind: 'single', event: cart });
    expect(commerceEventsRequest({ events: [cart, {}] })).toEqual({ kind: 'batch', events: [cart, {}] });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', [cart], 'body', /expected object/],
    ['text', 'CartAbandoned', 'body', /expected object/],
    ['neither a type nor events', {}, 'events', /is required: post one event/],
    ['events that are not a list', { events: cart }, 'events', /must be an array of events/],
    ['no events', { events: [] }, 'events', /at least one event/],
    ['more than 100 events', { events: Array(101).fill(cart) }, 'events', /at most 100 events/],
    ['other fields beside the events', { events: [cart], dryRun: true }, 'body.dryRun', /unknown field/],
  ])('refuses a batch envelope that is %s', (_, body, field, message) => {
    expect(() => commerceEventsRequest(body)).toThrow(ValidationError);
    try {
      commerceEventsRequest(body);
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
      expect((error as ValidationError).message).toMatch(message);
    }
  });

  it('validates each event of a batch on its own, naming fields under the event’s index', () => {
    const entries = parseEventBatch([cart, { ...cart, total: 'lots' }, { type: 'Nope' }]);
    expect(entries[0]).toEqual({ index: 0, event: cartAsKept });
    expect(entries.slice(1).map((e) => ('error' in e ? [e.index, e.error.field] : e))).toEqual([
      [1, 'events.1.total'],
      [2, 'events.2.type'],
    ]);
  });
});

describe('the schemas as a description', () => {
  it('describe the request as JSON Schema, extras allowed, for the API description', () => {
    // The request schema's preprocessing (platform names) is not part of its description.
    expect(z.toJSONSchema(CommerceEventRequestSchema, { io: 'input' })).toEqual(
      z.toJSONSchema(CommerceEventSchema, { io: 'input' }),
    );
    const single = z.toJSONSchema(CommerceEventSchema, { io: 'input' }) as {
      oneOf?: { properties: Record<string, unknown>; required: string[]; additionalProperties: unknown }[];
      anyOf?: { properties: Record<string, unknown>; required: string[]; additionalProperties: unknown }[];
    };
    const options = single.oneOf ?? single.anyOf ?? [];
    expect(options).toHaveLength(Object.keys(COMMERCE_EVENT_TYPES).length);
    const cartOption = options.find((o) => JSON.stringify(o.properties.type).includes('CartAbandoned'));
    expect(cartOption?.required).toEqual(
      expect.arrayContaining(['type', 'phone', 'cartId', 'cartUrl', 'items', 'total', 'abandonedAt']),
    );
    expect(cartOption?.additionalProperties).toEqual({});
    expect(() => z.toJSONSchema(CommerceEventBatchSchema, { io: 'input' })).not.toThrow();
  });

  it('keep the variables each flow always provides in step with its trigger’s fields', () => {
    for (const [flow, trigger] of Object.entries(FLOW_TRIGGERS)) {
      if (flow === 'welcome') continue;
      const schema = COMMERCE_EVENT_TYPES[trigger as keyof typeof COMMERCE_EVENT_TYPES];
      const always = (shape: Record<string, { _zod: { optout?: string } }>) =>
        Object.entries(shape)
          .filter(([, field]) => field._zod.optout !== 'optional')
          .map(([name]) => variableName(name));
      const shape = schema._zod.def.shape as unknown as Record<string, { _zod: { optout?: string } }>;
      const itemShape = COMMERCE_EVENT_TYPES.CartAbandoned._zod.def.shape.items._zod.def.element._zod.def
        .shape as unknown as Record<string, { _zod: { optout?: string } }>;
      const expected = [
        'event.event_id',
        ...always(shape).flatMap((name) =>
          name === 'items' ? always(itemShape).map((f) => `event.items.*.${f}`) : [`event.${name}`],
        ),
      ];
      expect([...FLOW_VARIABLES[flow as keyof typeof FLOW_VARIABLES]].sort(), flow).toEqual(expected.sort());
    }
  });
});
