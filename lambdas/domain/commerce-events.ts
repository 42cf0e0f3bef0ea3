/**
 * Commerce events a store posts to `POST /v1/events`. Validated here (a malformed event is a 400
 * naming the field), stored once as profile activity, and published on the bus, where they start or
 * stop flows.
 */
import { phoneInput, printable, storableNumber } from './input-fields';
import * as z from './zod';

const id = z.string().check(z.regex(/^[\w.:/-]{1,100}$/, 'must be 1-100 letters, digits or _ . : / -'));
const money = storableNumber().check(z.gte(0), z.lte(10_000_000));
const timestamp = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 time such as 2026-11-23T14:00:00Z',
});
const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).check(z.maxLength(2000));
const phone = phoneInput();
const currency = z._default(z.string().check(z.regex(/^[A-Z]{3}$/)), 'USD');

const CartItem = z.strictObject({
  productId: z.optional(id),
  name: printable(200),
  quantity: z.int().check(z.gte(1), z.lte(10_000)),
  price: money,
  imageUrl: z.optional(url),
});

export const CommerceEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('CartAbandoned'),
    phone,
    cartId: id,
    cartUrl: url,
    items: z.array(CartItem).check(z.minLength(1), z.maxLength(100)),
    total: money,
    currency,
    abandonedAt: timestamp,
  }),
  z.strictObject({
    type: z.literal('OrderPlaced'),
    phone,
    orderId: id,
    cartId: z.optional(id),
    total: money,
    currency,
    placedAt: timestamp,
  }),
  z.strictObject({
    type: z.literal('ProductViewed'),
    phone,
    productId: id,
    productName: z.optional(printable(200)),
    productUrl: z.optional(url),
    viewedAt: timestamp,
  }),
  z.strictObject({
    type: z.literal('BackInStock'),
    phone,
    productId: id,
    productName: printable(200),
    productUrl: url,
    at: timestamp,
  }),
  z.strictObject({
    type: z.literal('PriceDropped'),
    phone,
    productId: id,
    productName: printable(200),
    productUrl: url,
    price: money,
    previousPrice: money,
    at: timestamp,
  }),
]);

export type CommerceEvent = z.output<typeof CommerceEventSchema>;

/** When the event happened. */
export function occurredAt(event: CommerceEvent): string {
  switch (event.type) {
    case 'CartAbandoned':
      return event.abandonedAt;
    case 'OrderPlaced':
      return event.placedAt;
    case 'ProductViewed':
      return event.viewedAt;
    case 'BackInStock':
    case 'PriceDropped':
      return event.at;
  }
}

/** The activity record's key: one per cart, order, product view, or product change per day. */
export function activityKey(event: CommerceEvent): string {
  switch (event.type) {
    case 'CartAbandoned':
      return `cart#${event.cartId}`;
    case 'OrderPlaced':
      return `order#${event.orderId}`;
    case 'ProductViewed':
      return `view#${event.productId}#${event.viewedAt}`;
    case 'BackInStock':
      return `stock#${event.productId}#${event.at.slice(0, 10)}`;
    case 'PriceDropped':
      return `price#${event.productId}#${event.at.slice(0, 10)}`;
  }
}
