/**
 * The `detail` of the events the API routes publish on the `optline` bus, as zod schemas: the JSON
 * Schemas in docs/events/ are generated from them, and a test checks what the local runtime's bus
 * carried against them. The commerce events are the request schema of `POST /v1/events` (with the
 * defaults applied and the phone normalised) plus the event id, so a change of the request flows
 * through.
 */
import * as z from 'zod';
import { CommerceEventSchema, ORDER_CONSENT_EVIDENCE_FIELDS } from '../../lambdas/domain/commerce-events';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/);
const eventId = z.string().meta({
  description:
    'The same for a repeat of the same change: EventBridge delivers at least once, drop duplicates by it',
});
/** Set on events that come from a consent change: the consent log entry (`eventKey`) behind them. */
const consentEventKey = z.string().meta({ description: 'The consent log entry behind the event' });

type CommerceOption = (typeof CommerceEventSchema.def.options)[number];
type CommerceType = CommerceOption['def']['shape']['type']['def']['values'][number];

/** An event's fields as published: an order's consent evidence stays in the consent log. */
function publishedShape(option: CommerceOption): Record<string, z.core.$ZodType> {
  const evidence: readonly string[] = ORDER_CONSENT_EVIDENCE_FIELDS;
  return Object.fromEntries(Object.entries(option.def.shape).filter(([field]) => !evidence.includes(field)));
}

const commerce: Record<string, z.core.$ZodType> = Object.fromEntries(
  CommerceEventSchema.def.options.map((option: CommerceOption) => [
    typeOf(option),
    z
      .looseObject({
        ...publishedShape(option),
        phone: e164,
        eventId,
        attributedTo: z.optional(
          z
            .strictObject({
              messageId: z.string(),
              campaignId: z.optional(z.string()),
              flowId: z.optional(z.string()),
            })
            .meta({ description: 'OrderPlaced within 5 days of a click: the clicked message' }),
        ),
      })
      .meta({ description: `\`${typeOf(option)}\` as posted to POST /v1/events, phone in E.164` }),
  ]),
);

function typeOf(option: CommerceOption): CommerceType {
  return option.def.shape.type.def.values[0] as CommerceType;
}

/** Detail schemas by detail type. */
export const BusEventSchemas: Record<string, z.core.$ZodType> = {
  SubscriptionRequested: z
    .looseObject({ phone: e164, source: z.nullable(z.string()), eventId, consentEventKey })
    .meta({ description: 'Marketing double opt-in requested: the request was texted, YES completes it' }),
  SubscriptionConfirmed: z
    .looseObject({
      phone: e164,
      source: z.nullable(z.string()),
      confirmedBy: z.enum(['double_opt_in', 'otp', 'single_opt_in']),
      eventId,
      consentEventKey,
    })
    .meta({ description: 'Marketing subscription confirmed (starts the welcome series)' }),
  ...commerce,
  ConversationMessage: z
    .strictObject({
      eventId,
      phone: e164,
      messageId: z.string(),
      direction: z.enum(['inbound', 'outbound']),
      body: z.string(),
      at: z.string().meta({ description: 'When it was received or sent (ISO 8601)' }),
      agent: z.nullable(z.string()).meta({ description: 'Who replied (outbound), when named' }),
      mediaUrls: z.array(z.string()),
      conversation: z.strictObject({
        openedAt: z.string(),
        opened: z.boolean().meta({ description: 'This message opened (or reopened) the conversation' }),
        path: z.string().meta({ description: 'The conversation in the API: `/v1/conversations/<digits>`' }),
      }),
    })
    .meta({ description: 'A free text received, or a reply sent, in a conversation' }),
  ConversationClosed: z
    .strictObject({
      eventId,
      phone: e164,
      openedAt: z.string(),
      closedAt: z.string(),
      closedBy: z.enum(['agent', 'api', 'opt_out', 'inactivity']),
      agent: z.nullable(z.string()),
      conversation: z.strictObject({ path: z.string() }),
    })
    .meta({ description: 'A conversation closed: by an agent or the API, by a STOP, or after its silence' }),
  LinkClicked: z
    .strictObject({
      eventId,
      phone: e164,
      url: z.string(),
      messageId: z.string(),
      campaignId: z.nullable(z.string()),
      firstClick: z.boolean().meta({ description: "The recipient's first click on this link" }),
    })
    .meta({ description: 'A short link was followed (GET /r/{code})' }),
};
