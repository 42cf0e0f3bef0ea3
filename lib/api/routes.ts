/**
 * The one registry of the HTTP API's description: each route of the catalog (lib/catalog.ts) with
 * its request schema (the same zod schema the handler validates with), its answers, headers, the
 * events it publishes and a complete example. The OpenAPI document, docs/api.md's tables, the
 * client's method table and the tests are built from it. Describing a new route is one entry here;
 * the compiler refuses a registry that misses a catalog route.
 *
 * Read by tests, scripts, the client's types and the CLI; never by a Lambda handler (the description
 * route serves the generated docs/openapi.json).
 */
import * as z from 'zod';
import { CampaignRequestSchema } from '../../lambdas/domain/campaign-request';
import {
  COMMERCE_EVENT_TYPES,
  CommerceEventBatchSchema,
  CommerceEventSchema,
} from '../../lambdas/domain/commerce-events';
import { ConversationCloseSchema, ConversationReplySchema } from '../../lambdas/domain/conversation-request';
import { ImportBatchSchema, ImportUploadSchema } from '../../lambdas/domain/import-request';
import { MessageRequestSchema } from '../../lambdas/domain/message-request';
import { NumberChangeRequestSchema } from '../../lambdas/domain/number-change';
import { OptOutRequestSchema } from '../../lambdas/domain/opt-out-request';
import {
  SubscriptionSchema,
  VerificationCheckSchema,
  VerificationSchema,
} from '../../lambdas/domain/subscription-request';
import { functions, type FunctionId, type HttpRoute } from '../catalog';
import {
  ClickToTextQuery,
  ClickToTextSchema,
  CampaignCreatedSchema,
  CampaignRacedSchema,
  CampaignRepeatedSchema,
  CampaignSchema,
  ConsentLogSchema,
  ConversationListSchema,
  ConversationReplyResultSchema,
  ConversationSchema,
  ConversationThreadSchema,
  CertificatePublicKeySchema,
  ErasureSchema,
  DownloadLinkSchema,
  ProfileExportSchema,
  SignedCertificateSchema,
  EventAcceptedSchema,
  EventBatchResultSchema,
  HistoryQuery,
  ImportBatchResultSchema,
  ImportStatusSchema,
  FlowStatsSchema,
  ImportUploadAnswerSchema,
  MessageHistorySchema,
  MessageResultSchema,
  NumberChangeProgressSchema,
  NumberChangeSchema,
  OptOutResultSchema,
  PathParams,
  PreferencesLinkSchema,
  ProfileViewSchema,
  SubscriptionResultSchema,
  VerificationStartedSchema,
} from './responses';

type HttpFunction = Extract<(typeof functions)[FunctionId]['trigger'], { kind: 'http' }>;
type KeyOf<R> = R extends { page: true }
  ? never
  : R extends { method: infer M extends string; path: infer P extends string }
    ? `${M} ${P}`
    : never;
/** `METHOD /path` of every API route in the catalog (pages are described in docs/pages.md). */
export type RouteKey = KeyOf<HttpFunction['routes'][number]>;

export type Header = 'Retry-After' | 'Location';

export interface ResponseDescription {
  readonly description: string;
  /** The body (JSON); none for a redirect. `error` is the `{ error: { code, message, field? } }` shape. */
  readonly schema?: z.core.$ZodType | 'error' | 'openapi';
  readonly headers?: readonly Header[];
  /** Also answered as `application/pdf` (a binary document) to a request that asks for it first. */
  readonly pdf?: string;
}

export interface RouteDescription {
  /** The client's method name, and the OpenAPI operationId. */
  readonly operationId: string;
  readonly tag:
    | 'Profiles'
    | 'Subscriptions'
    | 'Messages'
    | 'Conversations'
    | 'Events'
    | 'Campaigns'
    | 'Flows'
    | 'Links'
    | 'Number changes'
    | 'Imports'
    | 'API';
  readonly summary: string;
  readonly description: string;
  /** Path parameters, by name as in the path. */
  readonly params?: Readonly<Record<string, z.core.$ZodType>>;
  /** Query parameters, all optional. */
  readonly query?: Readonly<Record<string, z.core.$ZodType>>;
  readonly request?: {
    readonly schema: z.core.$ZodType;
    /** A complete body that the schema accepts (a test checks it), for the docs' examples. */
    readonly example: unknown;
  };
  /**
   * How a retry is made safe: `header`, an `Idempotency-Key` header (the client sets one on every
   * call); `body`, the body's `idempotencyKey` (the client fills it in when it is missing).
   */
  readonly idempotency?: 'header' | 'body';
  /** Detail types this route publishes on the bus (docs/events/<type>.json). */
  readonly publishes?: readonly string[];
  /** Reads nothing but state: a support role may be given these routes alone. */
  readonly readOnly?: boolean;
  readonly responses: Readonly<Record<number, ResponseDescription>>;
}

const COMPLIANT_DISCLOSURE =
  'By checking this box you agree to receive recurring automated marketing texts from Acme Coffee at the number provided. ' +
  'Consent is not a condition of purchase. Up to 6 msgs/mo. Msg & data rates may apply. Reply HELP for help and STOP to cancel. ' +
  'Terms: https://acme-coffee.example/sms-terms Privacy: https://acme-coffee.example/privacy';

const consentExample = {
  method: 'form',
  classes: ['marketing'],
  disclosure: { text: COMPLIANT_DISCLOSURE, version: '2026-05' },
  pageUrl: 'https://acme-coffee.example/',
  checkedByUser: true,
};

const invalid = (what: string): ResponseDescription => ({
  description: `Invalid ${what}: \`field\` names the culprit (\`invalid_json\`, \`validation_failed\`, \`invalid_phone_number\`, \`country_not_allowed\`…)`,
  schema: 'error',
});
const rateLimited: ResponseDescription = {
  description:
    'Over a rate limit (per number, number block, source IP or overall, per hour): nothing was texted; `Retry-After` says when the window ends',
  schema: 'error',
  headers: ['Retry-After'],
};

export const routes = {
  'GET /v1/profiles/{phone}': {
    operationId: 'getProfile',
    tag: 'Profiles',
    summary: 'Read a profile',
    description: 'Consent per message class, properties, time zone and engagement of one number.',
    params: { phone: PathParams.phone },
    readOnly: true,
    responses: {
      200: { description: 'The profile', schema: ProfileViewSchema },
      400: invalid('phone number'),
      404: { description: 'No profile for the number (`not_found`)', schema: 'error' },
    },
  },
  'GET /v1/profiles/{phone}/consent-log': {
    operationId: 'getConsentLog',
    tag: 'Profiles',
    summary: "Read a number's consent log",
    description:
      'Every consent change in the order recorded, with its evidence (method, disclosure, inbound text, IP…) and where it stands; entries are never updated or deleted.',
    params: { phone: PathParams.phone },
    readOnly: true,
    responses: {
      200: { description: 'The log, oldest first', schema: ConsentLogSchema },
      400: invalid('phone number'),
      404: { description: 'The number has neither a profile nor a log (`not_found`)', schema: 'error' },
    },
  },
  'GET /v1/profiles/{phone}/messages': {
    operationId: 'getMessages',
    tag: 'Profiles',
    summary: "Read a number's messages",
    description:
      'Every text sent, skipped or failed and the free texts received, newest first, a page at a time: why a number did or did not get a text. A number with no messages answers an empty list, not 404.',
    params: { phone: PathParams.phone },
    query: HistoryQuery,
    readOnly: true,
    responses: {
      200: { description: 'A page of messages', schema: MessageHistorySchema },
      400: invalid('phone number, `limit` or `cursor`'),
    },
  },
  'GET /v1/profiles/{phone}/preferences-link': {
    operationId: 'getPreferencesLink',
    tag: 'Profiles',
    summary: "Make a link to a number's preference page",
    description:
      'A signed, expiring link to the page where the subscriber pauses, chooses fewer texts or topics, or unsubscribes (docs/preferences.md), for a support agent to send. Making one changes nothing; each call makes a fresh link.',
    params: { phone: PathParams.phone },
    readOnly: true,
    responses: {
      200: { description: 'The link and when it expires', schema: PreferencesLinkSchema },
      400: invalid('phone number'),
      404: { description: 'No profile for the number (`not_found`)', schema: 'error' },
    },
  },
  'GET /v1/profiles/{phone}/export': {
    operationId: 'exportProfile',
    tag: 'Profiles',
    summary: 'Export everything held about a number',
    description:
      'A privacy request for access: the profile, its properties, the consent log, every message, activity and short-link clicks, as one JSON document (docs/privacy.md).',
    params: { phone: PathParams.phone },
    readOnly: true,
    responses: {
      200: {
        description:
          'The export; or, when it is larger than a response carries (5 MB), a link to download it that works for 15 minutes',
        schema: z.union([ProfileExportSchema, DownloadLinkSchema]),
      },
      400: invalid('phone number'),
      404: { description: 'Nothing is held about the number (`not_found`)', schema: 'error' },
    },
  },
  'DELETE /v1/profiles/{phone}': {
    operationId: 'eraseProfile',
    tag: 'Profiles',
    summary: 'Erase a number',
    description:
      'A privacy request for erasure: the profile, messages, activity and short links go; a suppression record keyed by a keyed hash of the number keeps its opt-out state, and the consent log is kept as the evidence of consent and opt-out (docs/privacy.md). Every subscription ends: a later JOIN starts a new double opt-in. Repeating the request finishes it and changes nothing more.',
    params: { phone: PathParams.phone },
    responses: {
      200: { description: 'What was erased and what is kept', schema: ErasureSchema },
      400: invalid('phone number'),
      404: { description: 'Nothing is held about the number (`not_found`)', schema: 'error' },
    },
  },
  'GET /v1/profiles/{phone}/consent-certificate': {
    operationId: 'getConsentCertificate',
    tag: 'Profiles',
    summary: "Issue a number's consent certificate",
    description:
      'The full consent history (every consent log entry with its evidence and hashes), the texts sent with their classes, the current state and the hash chain’s head, signed with the stack’s KMS key over the SHA-256 of the certificate’s canonical JSON. Check it with the public key (`npx optline consent check-certificate`; docs/consent-evidence.md#certificates). `Accept: application/pdf` (as the first type) answers a PDF of the same certificate, with the signed JSON attached; no `Accept`, `application/json` or `*/*` answers JSON.',
    params: { phone: PathParams.phone },
    readOnly: true,
    responses: {
      200: {
        description:
          'The signed certificate (JSON), or its PDF (`Accept: application/pdf`); or, when the one asked for is larger than a response carries (5 MB), a JSON link to download it that works for 15 minutes',
        schema: z.union([SignedCertificateSchema, DownloadLinkSchema]),
        pdf: 'The certificate for a reader, one consent log entry per row, with the signed JSON attached as `consent-certificate.json`',
      },
      400: invalid('phone number'),
      404: { description: 'No consent is recorded for the number (`not_found`)', schema: 'error' },
      406: {
        description: 'The `Accept` header asks for a type not served (`not_acceptable`)',
        schema: 'error',
      },
    },
  },
  'GET /v1/consent-certificates/public-key': {
    operationId: 'getCertificatePublicKey',
    tag: 'Profiles',
    summary: 'Read the public key that checks consent certificates',
    description:
      'The public half of the KMS key that signs consent certificates (PEM), for anyone holding a certificate to check its signature. Public: a public key is no secret.',
    readOnly: true,
    responses: {
      200: { description: 'The public key', schema: CertificatePublicKeySchema },
    },
  },
  'POST /v1/subscriptions': {
    operationId: 'subscribe',
    tag: 'Subscriptions',
    summary: 'Record consent from a form, a checkout or a server',
    description:
      'Marketing consent carries the disclosure the person saw; with double opt-in the request is texted (202 `pending`) and YES completes it. Transactional consent applies at once. An opted-out number is never silently resubscribed. Without an `Idempotency-Key`, an identical body within the hour counts as the same request.',
    request: {
      schema: SubscriptionSchema,
      example: {
        phone: '+12065550100',
        source: 'footer-form',
        consent: consentExample,
        properties: { first_name: 'Ada' },
        timeZone: 'America/Los_Angeles',
      },
    },
    idempotency: 'header',
    publishes: ['SubscriptionRequested', 'SubscriptionConfirmed'],
    responses: {
      200: {
        description: 'Subscribed (single opt-in or transactional), or already subscribed',
        schema: SubscriptionResultSchema,
      },
      202: {
        description: 'Marketing `pending`: the double opt-in request was texted',
        schema: SubscriptionResultSchema,
      },
      400: invalid('request (a disclosure missing a required element names `consent.disclosure.text`)'),
      409: {
        description: '`consent_required`: an opted-out number cannot be resubscribed this way',
        schema: 'error',
      },
      429: rateLimited,
    },
  },
  'POST /v1/verifications': {
    operationId: 'startVerification',
    tag: 'Subscriptions',
    summary: 'Text a one-time code',
    description: 'A 6-digit code, valid for 10 minutes and 5 attempts, stored only as a salted hash.',
    request: { schema: VerificationSchema, example: { phone: '+12065550100' } },
    idempotency: 'header',
    responses: {
      202: { description: 'The code was texted', schema: VerificationStartedSchema },
      400: invalid('phone number'),
      409: {
        description: '`consent_required`: the code could not be sent (an opted-out number)',
        schema: 'error',
      },
      429: rateLimited,
    },
  },
  'POST /v1/verifications/check': {
    operationId: 'checkVerification',
    tag: 'Subscriptions',
    summary: 'Subscribe with a one-time code',
    description:
      'A correct code subscribes at once (method `otp`, no double opt-in text). Wrong: `code_incorrect`; expired: `code_expired`; used or never requested: `code_not_found`.',
    request: {
      schema: VerificationCheckSchema,
      example: { phone: '+12065550100', code: '123456', source: 'checkout', consent: consentExample },
    },
    idempotency: 'header',
    publishes: ['SubscriptionConfirmed'],
    responses: {
      200: { description: 'Subscribed', schema: SubscriptionResultSchema },
      400: invalid('request or code'),
      409: { description: '`consent_required`', schema: 'error' },
      429: { ...rateLimited, description: 'Too many attempts at the code, or over a rate limit' },
    },
  },
  'POST /v1/opt-outs': {
    operationId: 'recordOptOut',
    tag: 'Subscriptions',
    summary: 'Record a revocation received outside SMS',
    description:
      "A revocation by a call, an email, a web form, in person or by mail, applied like STOP (every class unsubscribed, the number on the opt-out list) with the channel as its consent method. No text is sent unless `confirmBySms` is true and the request comes within 5 minutes of `receivedAt` (the one confirmation the FCC allows). `receivedAt` may not be in the future nor before the number's first consent event. The same `Idempotency-Key` (or, without one, the same number, channel and `receivedAt`) records it once.",
    request: {
      schema: OptOutRequestSchema,
      example: {
        phone: '+12065550100',
        channel: 'phone_call',
        receivedAt: '2026-11-23T14:00:00Z',
        agent: 'support-17',
        note: 'Asked on a support call to stop all texts',
      },
    },
    idempotency: 'header',
    responses: {
      200: { description: 'Recorded before (the same request again)', schema: OptOutResultSchema },
      201: { description: 'Recorded and applied', schema: OptOutResultSchema },
      400: invalid('request (`receivedAt` in the future or before the first consent event names it)'),
    },
  },
  'GET /v1/click-to-text': {
    operationId: 'clickToText',
    tag: 'Subscriptions',
    summary: 'Make a click-to-text link or its QR code',
    description:
      "An `sms:` link to the program's number with an opt-in keyword as the text (`sms:+1…?&body=SPRING`, the form iOS and Android both open), for a button or a poster; with `format=svg`, its QR code as `image/svg+xml`. Texting the keyword opts in as any keyword does, with the keyword's `source`.",
    query: ClickToTextQuery,
    readOnly: true,
    responses: {
      200: {
        description: 'The link (JSON), or with `format=svg` its QR code (`image/svg+xml`)',
        schema: ClickToTextSchema,
      },
      400: invalid('`keyword` (not an opt-in keyword) or `format`'),
    },
  },
  'POST /v1/messages': {
    operationId: 'sendMessage',
    tag: 'Messages',
    summary: 'Send one transactional text',
    description:
      'Through the one outbound path (`send()`): needs transactional consent and no opt-out. The same `idempotencyKey` never texts twice; the client fills it in when it is missing.',
    request: {
      schema: MessageRequestSchema,
      example: {
        phone: '+12065550100',
        body: 'Acme Coffee: your order A1001 is ready for pickup.',
        idempotencyKey: 'order-A1001-ready',
      },
    },
    idempotency: 'body',
    responses: {
      200: {
        description: '`duplicate`: this key was used already; nothing was sent',
        schema: MessageResultSchema,
      },
      202: { description: '`sent` (End User Messaging took it)', schema: MessageResultSchema },
      400: invalid('request'),
      409: { description: '`consent_required`: no transactional consent, or opted out', schema: 'error' },
      503: {
        description: '`sms_unavailable`: End User Messaging refused it for now; retry with the same key',
        schema: 'error',
        headers: ['Retry-After'],
      },
      504: {
        description:
          '`sms_outcome_unknown`: End User Messaging did not answer; the text may have gone, and a retry with the same key sends nothing',
        schema: 'error',
      },
    },
  },
  'GET /v1/conversations': {
    operationId: 'listConversations',
    tag: 'Conversations',
    summary: 'List the open conversations',
    description:
      'Numbers whose conversation is open (a free text opened it, and no close or `conversations.autoCloseHours` of silence ended it), the most recent message first, a page at a time.',
    query: {
      state: z.enum(['open']).meta({ description: 'Only `open` (the default)' }),
      limit: z
        .string()
        .regex(/^\d{1,3}$/)
        .meta({ description: 'Conversations per page, 1 to 100 (default 50)' }),
      cursor: z.string().meta({ description: '`nextCursor` of the previous page' }),
    },
    readOnly: true,
    responses: {
      200: { description: 'A page of open conversations', schema: ConversationListSchema },
      400: invalid('`state`, `limit` or `cursor`'),
    },
  },
  'GET /v1/conversations/{phone}': {
    operationId: 'getConversation',
    tag: 'Conversations',
    summary: "Read a number's conversation",
    description:
      'The latest conversation (open or closed) and its messages in both directions since it opened, oldest first (the newest 100). A STOP that closed it is its last message.',
    params: { phone: PathParams.phone },
    readOnly: true,
    responses: {
      200: { description: 'The conversation and its messages', schema: ConversationThreadSchema },
      400: invalid('phone number'),
      404: { description: 'The number never sent a free text (`not_found`)', schema: 'error' },
    },
  },
  'POST /v1/conversations/{phone}/close': {
    operationId: 'closeConversation',
    tag: 'Conversations',
    summary: 'Close a conversation',
    description:
      'Closes the open conversation (`closedBy` `agent` when the body names one, else `api`) and publishes `ConversationClosed`; closing a closed one changes nothing. Marketing to the number resumes.',
    params: { phone: PathParams.phone },
    request: { schema: ConversationCloseSchema, example: { agent: 'ada' } },
    publishes: ['ConversationClosed'],
    responses: {
      200: { description: 'The conversation, closed', schema: ConversationSchema },
      400: invalid('phone number or agent'),
      404: { description: 'The number never sent a free text (`not_found`)', schema: 'error' },
    },
  },
  'POST /v1/conversations/{phone}/replies': {
    operationId: 'replyToConversation',
    tag: 'Conversations',
    summary: 'Reply in a conversation',
    description:
      "A conversational text through the one outbound path (`send()`), answering the person's last text; a closed conversation reopens. Within `conversations.replyWindowHours` of that text quiet hours do not hold it (a state's calling-hours law still does). Limited per `agent` per minute (`conversations.repliesPerAgentPerMinute`). The same `idempotencyKey` never texts twice.",
    params: { phone: PathParams.phone },
    request: {
      schema: ConversationReplySchema,
      example: {
        body: 'Hi Ada, your order A1001 left our roastery yesterday: https://acme-coffee.example/track/A1001',
        agent: 'ada',
        idempotencyKey: 'ticket-4711-reply-1',
      },
    },
    idempotency: 'body',
    publishes: ['ConversationMessage'],
    responses: {
      200: {
        description: '`duplicate`: this key was used already; nothing more was sent',
        schema: ConversationReplyResultSchema,
      },
      202: { description: '`sent` (End User Messaging took it)', schema: ConversationReplyResultSchema },
      400: invalid('request'),
      404: { description: 'The number never sent a free text (`not_found`)', schema: 'error' },
      409: {
        description:
          '`consent_required`: the number opted out (STOP); `quiet_hours`: held until the time the message names; `undeliverable`: End User Messaging reported the number invalid',
        schema: 'error',
      },
      429: {
        description: "Over the agent's replies per minute: nothing was texted; `Retry-After` says when",
        schema: 'error',
        headers: ['Retry-After'],
      },
      503: {
        description: '`sms_unavailable`: End User Messaging refused it for now; retry with the same key',
        schema: 'error',
        headers: ['Retry-After'],
      },
      504: {
        description:
          '`sms_outcome_unknown`: End User Messaging did not answer; the text may have gone, and a retry with the same key sends nothing',
        schema: 'error',
      },
    },
  },
  'POST /v1/events': {
    operationId: 'postEvent',
    tag: 'Events',
    summary: 'Post commerce events',
    description:
      'Carts, orders and their shipments and deliveries, product views, stock and price changes, one event or `{ "events": [ … ] }` (up to 100, each validated on its own): stored once as profile activity and published on the bus, where they start or stop flows. A repeat of the same cart, order or change is stored once and gets the same `eventId`. Fields besides the known ones are kept with the event; common shop-platform spellings of the known ones (`product_id`, `qty`, `line_items`…) are accepted (docs/api.md, Commerce events).',
    request: {
      schema: z.union([CommerceEventSchema, CommerceEventBatchSchema]),
      example: {
        type: 'CartAbandoned',
        phone: '+12065550100',
        cartId: 'c-9',
        cartUrl: 'https://acme-coffee.example/cart/c-9',
        items: [{ productId: 'sku-12', name: 'Ethiopia Guji, 12 oz', quantity: 2, price: 18.5 }],
        total: 37,
        currency: 'USD',
        abandonedAt: '2026-11-23T14:00:00Z',
      },
    },
    // Every commerce event, as posted.
    publishes: Object.keys(COMMERCE_EVENT_TYPES),
    responses: {
      202: { description: 'One event, recorded and published', schema: EventAcceptedSchema },
      207: {
        description: 'A batch: one result per event, in order (202, or the 4xx that event alone would get)',
        schema: EventBatchResultSchema,
      },
      400: invalid('event, or batch envelope'),
    },
  },
  'POST /v1/campaigns': {
    operationId: 'createCampaign',
    tag: 'Campaigns',
    summary: 'Create a campaign',
    description:
      'Validates the body (Liquid), estimates the audience and schedules the dispatch. An audience too large to count within the call answers 202 `estimating` (poll GET). Exactly one of `sendAt` and `sendAtLocalTime`.',
    request: {
      schema: CampaignRequestSchema,
      example: {
        name: 'Spring blend',
        body: 'Hi {{ first_name | default: "there" }}, the spring blend is back: https://acme-coffee.example/spring',
        segment: { all: [{ engagedWithinDays: 90 }], exclude: [{ property: 'Paused-Spring', exists: true }] },
        sendAtLocalTime: '2026-12-01T10:00',
        tags: ['spring'],
      },
    },
    idempotency: 'header',
    responses: {
      200: {
        description:
          'Made before with the same `Idempotency-Key`: that campaign (only its id while a concurrent call still stores it)',
        schema: z.union([CampaignRepeatedSchema, CampaignRacedSchema]),
      },
      201: { description: 'Scheduled', schema: CampaignCreatedSchema },
      202: {
        description: '`estimating`: the audience is being counted; schedules follow',
        schema: CampaignCreatedSchema,
      },
      400: invalid('campaign (a template problem names `body`)'),
    },
  },
  'GET /v1/campaigns/{campaignId}': {
    operationId: 'getCampaign',
    tag: 'Campaigns',
    summary: 'Read a campaign and its counters',
    description:
      'The definition, the state (`estimating`, `scheduled`, `sending`, `dispatched`, `cancelled`) and the counters.',
    params: { campaignId: PathParams.campaignId },
    readOnly: true,
    responses: {
      200: { description: 'The campaign', schema: CampaignSchema },
      400: invalid('campaign id'),
      404: { description: 'No such campaign', schema: 'error' },
    },
  },
  'POST /v1/campaigns/{campaignId}/cancel': {
    operationId: 'cancelCampaign',
    tag: 'Campaigns',
    summary: 'Cancel a campaign',
    description:
      'Deletes its schedules and stops the sender within a quarter second; cancelling again changes nothing.',
    params: { campaignId: PathParams.campaignId },
    responses: {
      200: { description: 'The campaign, `cancelled`', schema: CampaignSchema },
      400: invalid('campaign id'),
      404: { description: 'No such campaign', schema: 'error' },
    },
  },
  'GET /r/{code}': {
    operationId: 'followLink',
    tag: 'Links',
    summary: 'Follow a short link',
    description: 'Redirects to the original URL and records the click. Only links Optline made are targets.',
    params: { code: PathParams.code },
    publishes: ['LinkClicked'],
    responses: {
      302: { description: 'To the original URL', headers: ['Location'] },
      404: { description: 'Unknown code', schema: 'error' },
    },
  },
  'POST /v1/number-changes': {
    operationId: 'createNumberChange',
    tag: 'Number changes',
    summary: 'Schedule a change of sending number',
    description:
      'The final message from the old number about a week before `switchAt`, the switch, and the first message from the new number a minute after it.',
    request: {
      schema: NumberChangeRequestSchema,
      example: {
        newOriginationIdentity:
          'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef',
        newPhoneNumber: '+18885550123',
        switchAt: '2026-12-15T16:00:00Z',
      },
    },
    idempotency: 'header',
    responses: {
      200: { description: 'Scheduled before with the same `Idempotency-Key`', schema: NumberChangeSchema },
      201: { description: 'Scheduled', schema: NumberChangeSchema },
      400: invalid('request (a message missing a required element names it)'),
    },
  },
  'GET /v1/number-changes/{changeId}': {
    operationId: 'getNumberChange',
    tag: 'Number changes',
    summary: 'Read the progress of a number change',
    description: "The stage and each message's sends and opt-out rate beside the ~2.5% baseline.",
    params: { changeId: PathParams.changeId },
    readOnly: true,
    responses: {
      200: { description: 'The change and its messages', schema: NumberChangeProgressSchema },
      400: invalid('change id'),
      404: { description: 'No such number change', schema: 'error' },
    },
  },
  'POST /v1/imports': {
    operationId: 'createImportUpload',
    tag: 'Imports',
    summary: 'Start an import by upload',
    description:
      "Names the source and the options as `npx optline import` takes them (`from`, `map` as `target=column` pairs, the value lists, `acceptUndatedConsent`) and answers the import's id and a presigned POST of the file into the stack's import bucket (KMS-encrypted, TLS only, up to `maxBytes`, valid for an hour). The file is kept for `imports.retentionDays`: the consent evidence cites it. The `Idempotency-Key` (required) is the upload: the same key answers the same import id with a fresh form; with another body it is a conflict.",
    request: {
      schema: ImportUploadSchema,
      example: {
        from: 'klaviyo',
        fileName: 'klaviyo-profiles.csv',
        map: ['first_name=First Name'],
        acceptUndatedConsent: false,
      },
    },
    idempotency: 'header',
    responses: {
      200: {
        description: 'Made before with the same `Idempotency-Key`: the same import, a fresh form',
        schema: ImportUploadAnswerSchema,
      },
      201: { description: 'The import and its upload form', schema: ImportUploadAnswerSchema },
      400: invalid('request, options (`map`: a pair or a missing phone column) or `Idempotency-Key`'),
      409: {
        description: '`import_conflict`: the `Idempotency-Key` was used for another source or options',
        schema: 'error',
      },
    },
  },
  'POST /v1/imports/{importId}/batches': {
    operationId: 'importBatch',
    tag: 'Imports',
    summary: 'Import a batch of rows of an audience',
    description:
      'Up to 100 rows read from a source (numbers as written), each recorded through the consent recorder with method `import` and its evidence; nothing is texted. The import id is derived from the input (`npx optline import` does it). A batch sent again is answered from its stored report (`replayed`) and writes nothing; with `dryRun` the rows are decided and reported, not written.',
    params: { importId: PathParams.importId },
    request: {
      schema: ImportBatchSchema,
      example: {
        batch: 1,
        source: {
          system: 'klaviyo',
          fileName: 'klaviyo-profiles.csv',
          sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        },
        rows: [
          {
            line: 2,
            phone: '+12065550100',
            consent: 'opted_in',
            consentAt: '2025-04-02T10:00:00Z',
            consentMethod: 'FORM',
            email: 'ada@example.com',
            properties: { first_name: 'Ada' },
          },
        ],
      },
    },
    responses: {
      200: {
        description: 'The batch, recorded (or replayed, or decided in a dry run), and its report',
        schema: ImportBatchResultSchema,
      },
      400: invalid('batch (a row names its index: `rows.3.consentAt`)'),
      409: {
        description:
          '`import_conflict`: the import id belongs to another input, or the batch held other lines',
        schema: 'error',
      },
    },
  },
  'GET /v1/flows/{flowId}/stats': {
    operationId: 'getFlowStats',
    tag: 'Flows',
    summary: "Read a flow's counters",
    description:
      "Texts sent, first clicks on their short links, and orders and revenue within five days of a click, for the whole flow and per branch of each split (with the executions that entered the branch): a flow's A/B test. A flow's links are short links unless its texts send them as written (the built-in `welcome`, `abandonedCart`, `backInStock` and `priceDrop`): those count no clicks.",
    params: { flowId: PathParams.flowId },
    readOnly: true,
    responses: {
      200: { description: "The flow's counters", schema: FlowStatsSchema },
      400: invalid('flow id'),
      404: { description: 'No such flow (`not_found`)', schema: 'error' },
    },
  },
  'GET /v1/imports/{importId}': {
    operationId: 'getImport',
    tag: 'Imports',
    summary: 'Read an import and its report',
    description:
      'What is imported (source system, file name, SHA-256), for an import by upload its state (`uploaded`, `running`, `succeeded`, `failed`, with the error), and the report of the batches done so far: counts by outcome, skipped rows by reason with their first lines. An upload answers as soon as `POST /v1/imports` made it, before its file arrives.',
    params: { importId: PathParams.importId },
    readOnly: true,
    responses: {
      200: { description: 'The import', schema: ImportStatusSchema },
      400: invalid('import id'),
      404: { description: 'No such import (`not_found`)', schema: 'error' },
    },
  },
  'GET /v1/openapi.json': {
    operationId: 'getApiDescription',
    tag: 'API',
    summary: 'This API description',
    description: 'The OpenAPI 3.1 document of the API (docs/openapi.json).',
    readOnly: true,
    responses: { 200: { description: 'The OpenAPI document', schema: 'openapi' } },
  },
} as const satisfies Record<RouteKey, RouteDescription>;

export interface CatalogRoute extends HttpRoute {
  readonly key: RouteKey;
  readonly functionId: FunctionId;
}

/** Every HTTP route of the catalog's API (pages left out), in catalog order. */
export function catalogRoutes(): CatalogRoute[] {
  return (Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]).flatMap(
    ([functionId, f]) =>
      f.trigger.kind === 'http'
        ? (f.trigger.routes as readonly HttpRoute[])
            .filter((route) => !route.page)
            .map((route) => ({
              ...route,
              key: `${route.method} ${route.path}` as RouteKey,
              functionId,
            }))
        : [],
  );
}
