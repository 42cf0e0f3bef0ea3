/**
 * Commerce events a store posts to `POST /v1/events`. Validated here (a malformed event is a 400
 * naming the field), stored once as profile activity, and published on the bus, where they start or
 * stop flows.
 */
import * as z from 'zod';

const id = z.string().regex(/^[\w.:/-]{1,100}$/, 'must be 1-100 letters, digits or _ . : / -');
const money = z.number().finite().min(0).max(10_000_000);
const timestamp = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 time such as 2026-11-23T14:00:00Z',
});
const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000);
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must be printable text');

const CartItem = z
  .object({
    productId: id.optional(),
    name: printable(200),
    quantity: z.number().int().min(1).max(10_000),
    price: money,
    imageUrl: url.optional(),
  })
  .strict();

export const CommerceEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('CartAbandoned'),
      phone: z.string().max(32),
      cartId: id,
      cartUrl: url,
      items: z.array(CartItem).min(1).max(100),
      total: money,
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .default('USD'),
      abandonedAt: timestamp,
    })
    .strict(),
  z
    .object({
      type: z.literal('OrderPlaced'),
      phone: z.string().max(32),
      orderId: id,
      cartId: id.optional(),
      total: money,
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .default('USD'),
      placedAt: timestamp,
    })
    .strict(),
  z
    .object({
      type: z.literal('ProductViewed'),
      phone: z.string().max(32),
      productId: id,
      productName: printable(200).optional(),
      productUrl: url.optional(),
      viewedAt: timestamp,
    })
    .strict(),
  z
    .object({
      type: z.literal('BackInStock'),
      phone: z.string().max(32),
      productId: id,
      productName: printable(200),
      productUrl: url,
      at: timestamp,
    })
    .strict(),
  z
    .object({
      type: z.literal('PriceDropped'),
      phone: z.string().max(32),
      productId: id,
      productName: printable(200),
      productUrl: url,
      price: money,
      previousPrice: money,
      at: timestamp,
    })
    .strict(),
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
