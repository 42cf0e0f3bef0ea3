/**
 * Delivery events from the configuration set's event destination (the same JSON End User Messaging
 * streams to SNS, Firehose, CloudWatch or EventBridge):
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
 */
import * as z from './zod';

export const DeliveryEventSchema = z.looseObject({
  eventType: z.string(),
  eventVersion: z.optional(z.string()),
  eventTimestamp: z.number(),
  isFinal: z.optional(z.boolean()),
  originationPhoneNumber: z.optional(z.string()),
  destinationPhoneNumber: z.optional(z.string()),
  messageId: z.string(),
  messageStatus: z.optional(z.string()),
  messageStatusDescription: z.optional(z.string()),
  messageType: z.optional(z.string()),
  totalMessageParts: z.optional(z.number()),
  totalMessagePrice: z.optional(z.number()),
  totalCarrierFee: z.optional(z.number()),
  /** The `Context` map Optline sent with the message: `messageId`, `campaignId`, `flowId`. */
  context: z.optional(z.record(z.string(), z.string())),
});

export type DeliveryEvent = z.infer<typeof DeliveryEventSchema>;

export type DeliveryVerdict =
  | { readonly kind: 'intermediate' }
  | { readonly kind: 'delivered' }
  /** The number could not be reached now (switched off, out of coverage): the error segment. */
  | { readonly kind: 'temporary' }
  /** The number is invalid or deactivated: nothing more is sent to it. */
  | { readonly kind: 'permanent' }
  /** Refused for the content or by a filter: not the number's fault. */
  | { readonly kind: 'rejected' };

const DELIVERED = new Set(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL', 'MEDIA_DELIVERED', 'MEDIA_SUCCESSFUL']);
const PERMANENT = new Set(['TEXT_INVALID', 'MEDIA_INVALID']);
const TEMPORARY = new Set([
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_UNREACHABLE',
  'TEXT_TTL_EXPIRED',
  'TEXT_UNKNOWN',
  'MEDIA_CARRIER_UNREACHABLE',
  'MEDIA_UNREACHABLE',
  'MEDIA_TTL_EXPIRED',
  'MEDIA_UNKNOWN',
]);
const INTERMEDIATE = new Set([
  'TEXT_PENDING',
  'TEXT_QUEUED',
  'TEXT_SENT',
  'MEDIA_PENDING',
  'MEDIA_QUEUED',
  'MEDIA_SENT',
]);

export function classifyDeliveryEvent(eventType: string): DeliveryVerdict {
  if (DELIVERED.has(eventType)) return { kind: 'delivered' };
  if (INTERMEDIATE.has(eventType)) return { kind: 'intermediate' };
  if (PERMANENT.has(eventType)) return { kind: 'permanent' };
  if (TEMPORARY.has(eventType)) return { kind: 'temporary' };
  // TEXT_BLOCKED, TEXT_CARRIER_BLOCKED, TEXT_SPAM, TEXT_INVALID_MESSAGE, TEXT_PROTECT_BLOCKED…
  return { kind: 'rejected' };
}
