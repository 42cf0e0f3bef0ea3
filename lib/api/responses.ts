/**
 * What the API answers, as zod schemas: the response bodies of every route, the error shapes and the
 * path parameters. They describe what the services return today (lambdas/services), and the API
 * description (docs/openapi.json), the client's types and a test that checks every answer of the
 * local runtime against them are built from them. Never imported by a handler: a Lambda bundle does
 * not carry the description.
 */
import * as z from 'zod';
import type { CampaignState } from '../../lambdas/domain/campaigns';
import type { ClosedBy } from '../../lambdas/domain/conversations';
import {
  REVOCATION_CHANNELS,
  type ConsentAction,
  type ConsentChangeStatus,
  type ConsentMethod,
} from '../../lambdas/domain/consent';
import {
  CommerceEventAcceptedSchema,
  CommerceEventBatchResultSchema,
} from '../../lambdas/domain/commerce-events';
import { IMPORT_SKIP_REASONS } from '../../lambdas/domain/import-rules';
import { FLOW_ID_PATTERN } from '../../lambdas/domain/flow-definition';
import { MARKETING_STATES, TRANSACTIONAL_STATES } from '../../lambdas/domain/profile';

/** Every member of a union type, listed: the compiler fails when the domain adds one. */
const allOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : 'missing a member')) =>
    list;

const CONSENT_ACTIONS = allOf<ConsentAction>()([
  'opt_in_requested',
  'opt_in_confirmed',
  'opted_out',
  'resubscribed',
  'resubscribe_deferred',
  'unsubscribed',
  'property_changed',
  'transactional_consent_given',
  'order_updates_consent_given',
  'suppressed',
  'profile_erased',
]);
const CONSENT_METHODS = allOf<ConsentMethod>()([
  'keyword',
  'form',
  'checkout',
  'api',
  'otp',
  'import',
  'preference_page',
  ...REVOCATION_CHANNELS,
]);
const CONSENT_CHANGE_STATUSES = allOf<ConsentChangeStatus>()([
  'done',
  'in_progress',
  'not_applied',
  'effects_incomplete',
]);

const instant = z
  .string()
  .meta({ description: 'ISO 8601 time (UTC)', examples: ['2026-11-23T14:00:00.000Z'] });
const e164 = z.string().meta({ description: 'E.164 phone number', examples: ['+12065550100'] });
const propertyValue = z.union([z.string(), z.number(), z.boolean()]);

/** Every 4xx and 5xx the handlers answer. */
export const ErrorResponseSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. `consent_required`' }),
      message: z.string().meta({ description: 'What went wrong, naming the field' }),
      field: z.optional(
        z.string().meta({ description: 'The request field at fault, e.g. `consent.disclosure.text`' }),
      ),
    }),
  })
  .meta({
    description: 'Every error the API itself answers: `{ error: { code, message, field? } }`',
  });

/**
 * API Gateway's own refusals (IAM auth, throttling, the WAF) go through the stack's DEFAULT_4XX
 * gateway response (lib/constructs/http-api.ts): the same `{ error: { code, message } }` shape, with
 * the gateway response type as the code and the exception in an `x-amzn-errortype` header.
 */
export const GatewayErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({
        description: 'The gateway response type: MISSING_AUTHENTICATION_TOKEN, INVALID_SIGNATURE, THROTTLED…',
      }),
      message: z.string(),
    }),
  })
  .meta({
    description:
      "API Gateway's own answer before the handler runs (a missing, wrong or expired signature; throttling)",
  });

export const ProfileViewSchema = z.strictObject({
  phone: e164,
  marketing: z.enum(MARKETING_STATES),
  transactional: z.enum(TRANSACTIONAL_STATES),
  optedOut: z.boolean().meta({ description: 'An opt-out blocks every class until a resubscription' }),
  optedOutAt: z.nullable(instant),
  marketingConfirmedBy: z.nullable(z.enum(['double_opt_in', 'otp', 'single_opt_in', 'import'])),
  properties: z.record(z.string(), propertyValue),
  timeZone: z.nullable(z.string()),
  pausedUntil: z.nullable(instant).meta({
    description:
      'A pause from the preference page: no marketing text until then (it may be over); also the `$pausedUntil` property',
  }),
  maxMarketingPerWeek: z.nullable(z.number().int().min(1)).meta({
    description:
      '"Fewer texts" from the preference page: at most this many marketing texts in any 7 days (skip reason `subscriber_frequency_cap`); also the `$maxMarketingPerWeek` property',
  }),
  lastSmsAt: z.nullable(instant),
  lastInboundAt: z.nullable(instant),
  consentUpdatedAt: z.nullable(instant),
  engagement: z.strictObject({
    lastOrderAt: z.nullable(instant),
    lastCartAt: z.nullable(instant),
    lastViewedAt: z.nullable(instant),
    lastClickAt: z.nullable(instant),
    orderCount: z.number(),
    totalSpent: z.number(),
  }),
  createdAt: instant,
  updatedAt: instant,
});

export const PreferencesLinkSchema = z.strictObject({
  url: z.string().meta({
    description:
      "The number's preference page: `<link base>/p/<token>`, 22 characters of token, no number in it",
    examples: ['https://links.acme-coffee.example/p/xUq0cM3v9kLQm1b2TzA7wA'],
  }),
  expiresAt: instant.meta({ description: 'When the link stops opening the page' }),
});

const consentStateSchema = z.looseObject({
  marketing: z.enum(MARKETING_STATES),
  transactional: z.enum(TRANSACTIONAL_STATES),
  properties: z.record(z.string(), propertyValue),
});

const ConsentChangeSchema = z
  .looseObject({
    phone: e164,
    eventKey: z.string(),
    seq: z.number(),
    eventId: z.string(),
    at: instant,
    recordedAt: instant,
    action: z.enum(CONSENT_ACTIONS),
    classes: z.array(z.enum(['marketing', 'transactional'])),
    previous: consentStateSchema,
    next: consentStateSchema,
    applied: z.boolean(),
    note: z.optional(z.string()),
    evidence: z.looseObject({ method: z.enum(CONSENT_METHODS) }),
    status: z.enum(CONSENT_CHANGE_STATUSES).meta({ description: 'Where the change stands' }),
    prevHash: z.optional(z.string()).meta({
      description:
        'Hash of the entry before (64 zeros for the first): the hash chain, docs/consent-evidence.md',
    }),
    hash: z
      .optional(z.string())
      .meta({ description: 'SHA-256 of the entry (RFC 8785 canonical JSON, prevHash included)' }),
  })
  .meta({ description: 'A consent change with its evidence (append-only)' });

const ConsentOutcomeSchema = z
  .looseObject({
    phone: e164,
    eventKey: z.string(),
    seq: z.number(),
    eventId: z.string(),
    at: instant,
    recordedAt: instant,
    outcome: z.enum(['not_applied', 'effects_incomplete']),
    of: z.strictObject({ seq: z.number(), eventId: z.string() }),
    failed: z.array(z.looseObject({ step: z.string(), reason: z.string() })),
    prevHash: z.optional(z.string()).meta({
      description:
        'Hash of the entry before (64 zeros for the first): the hash chain, docs/consent-evidence.md',
    }),
    hash: z
      .optional(z.string())
      .meta({ description: 'SHA-256 of the entry (RFC 8785 canonical JSON, prevHash included)' }),
  })
  .meta({ description: 'What became of an earlier change' });

/**
 * A document too large for a response (a certificate, an export), answered as a short-lived link to
 * it instead (decision 0038).
 */
export const DownloadLinkSchema = z.strictObject({
  download: z
    .strictObject({
      url: z.string().meta({
        description: 'A presigned S3 GET: fetch it without credentials before `expiresAt`',
      }),
      expiresAt: instant.meta({ description: 'When the link stops working (15 minutes after it is made)' }),
      contentType: z.enum(['application/json', 'application/pdf']).meta({
        description: 'What the link downloads: the type the request asked for',
      }),
      bytes: z.number().meta({ description: 'The size of the document' }),
    })
    .meta({ description: 'Where to download the document; the file itself expires a day after it is made' }),
});

/** `GET /v1/profiles/{phone}/export`: everything held about a number, in one document. */
export const ProfileExportSchema = z.strictObject({
  phone: e164,
  exportedAt: instant,
  profile: z
    .nullable(z.looseObject({}))
    .meta({ description: 'The profile as stored; null when there is none' }),
  properties: z.record(z.string(), propertyValue),
  consentLog: z.array(z.looseObject({})).meta({ description: 'Every entry, oldest first, as stored' }),
  messages: z
    .array(z.looseObject({}))
    .meta({ description: 'Every message sent, skipped or received, newest first' }),
  activity: z.array(z.looseObject({})).meta({ description: 'Carts, orders, views and clicks recorded' }),
  clicks: z
    .array(z.looseObject({}))
    .meta({ description: 'Short links made for the number, with their clicks' }),
});

/** `DELETE /v1/profiles/{phone}`: what was erased and what is kept. */
export const ErasureSchema = z.strictObject({
  phoneHash: z.string().meta({ description: 'HMAC-SHA256 of the number: the suppression record’s key' }),
  erasedAt: instant,
  erased: z.strictObject({
    profile: z.boolean(),
    messages: z.number(),
    activity: z.number(),
    links: z.number(),
  }),
  kept: z.strictObject({
    consentLogEntries: z
      .number()
      .meta({ description: 'The consent log, the evidence of consent and opt-out' }),
    suppression: z.strictObject({
      marketing: z.enum(MARKETING_STATES),
      transactional: z.enum(TRANSACTIONAL_STATES),
      optedOutAt: z.nullable(instant),
    }),
  }),
});

/** `GET /v1/profiles/{phone}/consent-certificate` (JSON): the certificate, its hash and signature. */
export const SignedCertificateSchema = z.strictObject({
  certificate: z
    .looseObject({
      type: z.literal('optline-consent-certificate'),
      version: z.literal(1),
      phone: e164,
      issuedAt: instant,
      brand: z.string(),
      programName: z.nullable(z.string()),
      currentState: z.nullable(z.looseObject({ marketing: z.string(), transactional: z.string() })).meta({
        description: 'The state now; null when no profile is held (never subscribed, or erased)',
      }),
      consentLog: z
        .array(z.looseObject({ seq: z.number(), eventKey: z.string() }))
        .meta({ description: 'Every consent log entry as stored, oldest first, with prevHash and hash' }),
      messages: z
        .array(
          z.looseObject({
            messageId: z.string(),
            at: instant,
            messageClass: z.nullable(z.string()),
            status: z.string(),
            body: z.string(),
          }),
        )
        .meta({ description: 'Texts sent to the number and still kept, oldest first, with their classes' }),
      chain: z.looseObject({ entries: z.number(), head: z.nullable(z.string()), intact: z.boolean() }),
    })
    .meta({ description: 'The signed document (docs/consent-evidence.md#certificates)' }),
  hash: z.string().meta({ description: 'SHA-256 of the certificate’s RFC 8785 canonical JSON, hex' }),
  signature: z.string().meta({ description: 'The KMS key’s signature of that digest, base64' }),
  keyId: z.string().meta({ description: 'ARN of the KMS key that signed it' }),
  algorithm: z.literal('RSASSA_PKCS1_V1_5_SHA_256'),
});

/** `GET /v1/consent-certificates/public-key`. */
export const CertificatePublicKeySchema = z.strictObject({
  keyId: z.string().meta({ description: 'ARN of the KMS key' }),
  keySpec: z.string(),
  algorithm: z.literal('RSASSA_PKCS1_V1_5_SHA_256'),
  publicKey: z.string().meta({ description: 'SubjectPublicKeyInfo, PEM' }),
});

export const ConsentLogSchema = z.strictObject({
  phone: e164,
  events: z.array(z.union([ConsentChangeSchema, ConsentOutcomeSchema])).meta({
    description: 'In the order recorded, oldest first',
  }),
});

/** `POST /v1/subscriptions` and `/v1/verifications/check`: the profile as it stands after the call. */
export const MessageHistorySchema = z.strictObject({
  phone: e164,
  messages: z.array(
    z.strictObject({
      messageId: z.string(),
      at: instant,
      direction: z.enum(['outbound', 'inbound']),
      status: z
        .string()
        .meta({ description: '`sending`, `sent`, `delivered`, `failed`, `skipped`, `received`…' }),
      reason: z
        .nullable(z.string())
        .meta({ description: 'Why it was skipped or failed (`smart_sending`, `opted_out`…)' }),
      messageClass: z.nullable(z.string()),
      campaignId: z.nullable(z.string()),
      variant: z.nullable(z.string()).meta({ description: 'The A/B variant of the campaign this text was' }),
      flowId: z.nullable(z.string()),
      inReplyTo: z.nullable(z.string()),
      body: z.string(),
      segments: z.nullable(z.number()),
      awsMessageId: z.nullable(z.string()),
    }),
  ),
  nextCursor: z
    .nullable(z.string())
    .meta({ description: 'Pass as `?cursor=` for the next page; null on the last' }),
});

/** Query parameters, as the handlers check them. */
export const HistoryQuery = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .meta({ description: 'Messages per page, 1 to 100 (default 20)' }),
  cursor: z.string().meta({ description: '`nextCursor` of the previous page' }),
} as const;

export const SubscriptionResultSchema = z.strictObject({
  ...ProfileViewSchema.partial().shape,
  phone: e164,
  marketing: z.enum(MARKETING_STATES),
  transactional: z.enum(TRANSACTIONAL_STATES),
  textSent: z.boolean().meta({ description: 'Whether a confirmation or opt-in request was texted' }),
  consentEventId: z.optional(z.string().meta({ description: 'The consent log entry this call appended' })),
});

export const VerificationStartedSchema = z.strictObject({
  phone: e164,
  expiresAt: instant.meta({ description: 'When the code stops working (10 minutes)' }),
});

export const MessageResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ messageId: z.string(), status: z.literal('sent'), body: z.string() }),
  z.strictObject({ messageId: z.string(), status: z.literal('duplicate') }),
  z.strictObject({ messageId: z.string(), status: z.literal('deferred'), until: instant }),
]);

/** The events route's answers are the domain's own (lambdas/domain/commerce-events.ts). */
export const EventAcceptedSchema = CommerceEventAcceptedSchema;
export const EventBatchResultSchema = CommerceEventBatchResultSchema;

const openingSchema = z.strictObject({
  timeZone: z.string(),
  at: instant,
  localTime: z.string().meta({ description: "`YYYY-MM-DDTHH:MM` in the recipients' zone" }),
  recipients: z.number(),
});
/** A lint warning of the body (`code`, `message`), or an audience warning with its figures. */
const warningSchema = z.union([
  z.strictObject({ code: z.string(), message: z.string() }),
  z
    .strictObject({
      code: z.enum(['quiet_hours', 'smart_sending']),
      message: z.string(),
      recipients: z.number().meta({ description: 'Recipients concerned' }),
      audience: z.number().meta({ description: "The estimate's recipients" }),
      complete: z.boolean(),
      opens: z.optional(z.array(openingSchema)),
      smartSendingHours: z.optional(z.number()),
    })
    .meta({ description: 'What quiet hours or smart sending will do to the audience' }),
]);
const scheduleSchema = z.strictObject({
  name: z.string(),
  timeZone: z.optional(z.string()),
  at: instant,
});
const estimateSchema = z.strictObject({
  recipients: z.number(),
  segmentsPerMessage: z.number().meta({ description: 'Segments of the body as written' }),
  segments: z.optional(
    z
      .strictObject({
        min: z.number(),
        p50: z.number(),
        max: z.number(),
        mean: z.number().meta({ description: 'The cost is the audience times this, per segment' }),
        sampled: z.number().meta({ description: 'Recipients whose text was rendered' }),
      })
      .meta({
        description:
          'Segments of the text as each sampled recipient gets it (personalisation, links, opt-out language); absent with no recipient',
      }),
  ),
  costUsd: z.number(),
  complete: z.boolean().meta({ description: 'False while the audience is still being counted' }),
  quietHours: z.optional(
    z
      .strictObject({
        recipients: z.number(),
        opens: z.array(openingSchema),
      })
      .meta({
        description: 'Recipients whose sending window is closed when their dispatch runs, and when it opens',
      }),
  ),
  smartSending: z.optional(
    z
      .strictObject({ recipients: z.number(), hours: z.number() })
      .meta({ description: 'Recipients smart sending would skip when their text goes' }),
  ),
});
export const CAMPAIGN_STATES = allOf<CampaignState>()([
  'estimating',
  'scheduled',
  'sending',
  'dispatched',
  'cancelled',
]);

export const CampaignCreatedSchema = z.strictObject({
  campaignId: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  estimate: estimateSchema,
  warnings: z.array(warningSchema),
  schedules: z.array(scheduleSchema),
});

export const CampaignSchema = z.strictObject({
  campaignId: z.string(),
  name: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  body: z.string().meta({ description: 'The text; with variants, the first variant’s' }),
  variants: z
    .nullable(
      z.array(
        z.strictObject({
          name: z.string(),
          body: z.string(),
          weight: z.number(),
          counters: z
            .strictObject({
              sent: z.number(),
              delivered: z.number(),
              clicks: z.number(),
              orders: z.number(),
              revenue: z.number(),
            })
            .meta({ description: 'This variant’s share of the campaign counters of the same names' }),
        }),
      ),
    )
    .meta({ description: 'The A/B variants with their counters; null for a campaign with one body' }),
  winner: z
    .nullable(
      z.strictObject({
        metric: z.enum(['clicks', 'orders', 'revenue']),
        testFraction: z.number(),
        decideAfterHours: z.number(),
        decideAt: z
          .nullable(instant)
          .meta({ description: 'When the winner is decided and sent to the rest' }),
        variant: z.nullable(z.string()).meta({ description: 'The winner; null until decided' }),
        decidedAt: z.nullable(instant),
        scores: z
          .nullable(z.record(z.string(), z.number()))
          .meta({ description: 'Each variant’s metric when the winner was decided' }),
      }),
    )
    .meta({ description: 'A test group gets the variants, the rest the winner; null without' }),
  segment: z.unknown().meta({ $ref: '#/components/schemas/Segment' }),
  sendAt: z.nullable(instant),
  sendAtLocalTime: z.nullable(z.string()),
  schedules: z.array(scheduleSchema),
  tags: z.array(z.string()),
  smartSending: z.boolean(),
  excludePausedProperty: z.nullable(z.string()),
  messageType: z.enum(['PROMOTIONAL', 'TRANSACTIONAL']),
  estimate: estimateSchema,
  counters: z.strictObject({
    targeted: z.number(),
    sent: z.number(),
    segments: z.nullable(z.number()).meta({
      description:
        'SMS segments of the texts sent, as billed (each text counted as sent, after smart encoding); null on campaigns sent before it was kept',
    }),
    skipped: z.record(z.string(), z.number()).meta({ description: 'Recipients skipped, by reason' }),
    pending: z.nullable(z.number()).meta({ description: 'Dispatched but neither sent nor skipped yet' }),
    pendingBy: z.nullable(z.strictObject({ waiting_for_quiet_hours: z.number(), queued: z.number() })).meta({
      description: "`pending` split: held by the recipients' quiet hours, or queued for the sender",
    }),
    nextSendAt: z.nullable(instant).meta({ description: 'When the first text held by quiet hours may go' }),
    delivered: z.number(),
    failed: z.number(),
    clicks: z.number(),
    optOuts: z.number(),
    orders: z.number(),
    revenue: z.number(),
  }),
  createdAt: instant,
  cancelledAt: z.nullable(instant),
});

/** A create whose campaign a concurrent call with the same key stored and is not readable yet. */
export const CampaignRacedSchema = z.strictObject({
  campaignId: z.string(),
  warnings: z.array(warningSchema),
});

/** A create that found its campaign already made (the same Idempotency-Key): the campaign, with warnings. */
export const CampaignRepeatedSchema = z.strictObject({
  ...CampaignSchema.shape,
  warnings: z.array(warningSchema),
});

const numberChangeView = {
  changeId: z.string(),
  oldPhoneNumber: e164,
  newPhoneNumber: e164,
  switchAt: instant,
  finalAt: instant,
  finalCampaignId: z.string(),
  firstCampaignId: z.string(),
  state: z.enum(['scheduled', 'switched']),
  switchedAt: z.nullable(instant),
};
export const NumberChangeSchema = z.strictObject(numberChangeView);

export const NumberChangeProgressSchema = z.strictObject({
  ...numberChangeView,
  stage: z.enum(['scheduled', 'final_message_sent', 'switched', 'first_message_sent']),
  messages: z.array(
    z.strictObject({
      kind: z.enum(['final', 'first']),
      campaignId: z.string(),
      from: e164,
      sendAt: instant,
      state: z.union([z.enum(CAMPAIGN_STATES), z.literal('unknown')]),
      targeted: z.number(),
      sent: z.number(),
      delivered: z.number(),
      optOuts: z.number(),
      optOutRate: z.nullable(z.number()),
      baselineOptOutRate: z.number(),
    }),
  ),
});

/** Path parameters, as the handlers check them. */
const CLOSED_BY = allOf<ClosedBy>()(['agent', 'api', 'opt_out', 'inactivity']);

export const ConversationSchema = z.strictObject({
  phone: e164,
  state: z.enum(['open', 'closed']),
  openedAt: instant,
  lastMessageAt: instant,
  lastInboundAt: z.nullable(instant).meta({ description: "The person's last free text" }),
  closedAt: z.nullable(instant),
  closedBy: z.nullable(z.enum(CLOSED_BY)).meta({
    description:
      '`agent` (a close naming one), `api`, `opt_out` (a STOP), `inactivity` (no message for `conversations.autoCloseHours`)',
  }),
  closesAt: z
    .nullable(instant)
    .meta({ description: 'When an open conversation closes by itself unless a message comes' }),
});

export const ConversationListSchema = z.strictObject({
  conversations: z.array(ConversationSchema),
  nextCursor: z.nullable(z.string()).meta({ description: 'Pass as `cursor` for the next page' }),
});

export const ConversationThreadSchema = z.strictObject({
  conversation: ConversationSchema,
  messages: z.array(
    z.strictObject({
      messageId: z.string(),
      at: instant,
      direction: z.enum(['inbound', 'outbound']),
      body: z.string(),
      status: z.string().meta({ description: '`processed` (received), `sent`, `delivered`, `failed`…' }),
      reason: z.nullable(z.string()),
      agent: z.nullable(z.string()),
    }),
  ),
});

export const ConversationReplyResultSchema = z.strictObject({
  messageId: z.string(),
  status: z.enum(['sent', 'duplicate']),
  body: z.string(),
  conversation: z.nullable(ConversationSchema),
});

const lineSample = z.strictObject({ count: z.int(), lines: z.array(z.int()) });

const ImportReportSchema = z
  .strictObject({
    rows: z.int(),
    created: z.int().meta({ description: 'New profiles, subscribed' }),
    updated: z.int().meta({ description: 'Existing profiles subscribed or given the imported properties' }),
    optedOut: z.int(),
    suppressed: z.int().meta({ description: 'Inactive numbers: not to be texted, not an opt-out' }),
    alreadyImported: z.int().meta({ description: 'Lines an earlier run of the same import recorded' }),
    skipped: z
      .partialRecord(z.enum(IMPORT_SKIP_REASONS), lineSample)
      .meta({ description: 'By reason: the count and the first lines' }),
    failed: z.strictObject({
      count: z.int(),
      lines: z.array(z.strictObject({ line: z.int(), error: z.string() })),
    }),
  })
  .meta({ description: 'Every row counted once, under one outcome (docs/import.md)' });

export const ImportBatchResultSchema = z.strictObject({
  importId: z.string(),
  batch: z.int(),
  replayed: z
    .boolean()
    .meta({ description: 'Answered from the report of an earlier run: nothing was written' }),
  dryRun: z.boolean(),
  report: ImportReportSchema,
});

/** An import by upload (`POST /v1/imports`): its id and the presigned POST of its file. */
export const ImportUploadAnswerSchema = z.strictObject({
  importId: z.string().regex(/^imp-[0-9a-f]{20}$/),
  from: z.string(),
  fileName: z.string(),
  upload: z.strictObject({
    method: z.literal('POST'),
    url: z.string().meta({ description: "The import bucket's URL: POST the form there" }),
    fields: z.record(z.string(), z.string()).meta({
      description: 'Form fields to send as they are, before the file (in the field `file`, last)',
    }),
    maxBytes: z.int().meta({ description: 'The largest file S3 accepts with this form' }),
    expiresAt: instant.meta({ description: 'The form is refused after this time' }),
  }),
});

export const ImportStatusSchema = z.strictObject({
  importId: z.string(),
  via: z.enum(['command', 'upload']).meta({
    description:
      "`command`: batches sent by `npx optline import`; `upload`: a file uploaded with `POST /v1/imports`, imported by the account's state machine",
  }),
  state: z.optional(
    z.enum(['uploaded', 'running', 'succeeded', 'failed']).meta({
      description:
        'An import by upload: `uploaded` until its file is read (or while no file arrived), `running`, `succeeded` or `failed`',
    }),
  ),
  error: z.optional(
    z
      .strictObject({ error: z.string(), cause: z.string() })
      .meta({ description: 'Why an import by upload failed: the error name and its cause' }),
  ),
  source: z.strictObject({
    system: z.string(),
    fileName: z.string(),
    sha256: z
      .nullable(z.string())
      .meta({ description: "The file's SHA-256; null until an uploaded file is read" }),
  }),
  acceptUndatedConsent: z.boolean(),
  createdAt: instant,
  startedAt: z.optional(instant.meta({ description: 'When the import of an uploaded file began' })),
  finishedAt: z.optional(instant.meta({ description: 'When it succeeded or failed' })),
  batches: z.int().meta({ description: 'Batches done' }),
  lastLine: z.int().meta({ description: 'The last line the batches done reached' }),
  report: ImportReportSchema,
});

export const PathParams = {
  phone: z.string().meta({
    description:
      'The number: E.164 with its `+` encoded (`%2B12065550100`), or its digits with the country code (`12065550100`)',
    examples: ['12065550100'],
  }),
  campaignId: z.string().regex(/^cmp_[0-9a-z]{8,40}$/),
  changeId: z.string().regex(/^nch_[0-9a-z]{8,40}$/),
  code: z.string().meta({ description: 'Short-link code from a text' }),
  importId: z.string().regex(/^imp-[0-9a-f]{20}$/),
  flowId: z
    .string()
    .regex(FLOW_ID_PATTERN)
    .meta({
      description: 'A flow: the id of a built-in definition (`welcome`, `abandonedCart`…) or your own',
      examples: ['browseAbandonment'],
    }),
} as const;

const flowCounts = {
  sent: z.int().meta({ description: 'Texts sent' }),
  clicks: z.int().meta({ description: "Recipients' first clicks on the texts' short links" }),
  orders: z.int().meta({ description: 'Orders within five days of such a click' }),
  revenue: z.number().meta({ description: "Those orders' totals" }),
};

/** A flow's counters (`GET /v1/flows/{flowId}/stats`, lambdas/domain/flow-stats.ts). */
export const FlowStatsSchema = z.strictObject({
  flowId: z.string(),
  ...flowCounts,
  splits: z.array(
    z.strictObject({
      step: z.string().meta({ description: "The split step's id" }),
      kind: z.enum(['random', 'property']),
      branches: z.array(
        z.strictObject({
          name: z.string().meta({
            description: "A random branch's name, a property case's value, or `other` for the rest",
          }),
          weight: z.optional(z.int().meta({ description: "A random branch's weight" })),
          entered: z.int().meta({ description: 'Executions that took the branch' }),
          ...flowCounts,
        }),
      ),
    }),
  ),
});

export const IdempotencyKeySchema = z.string().regex(/^[\w-]{8,100}$/);

/** A revocation recorded (`POST /v1/opt-outs`). */
export const OptOutResultSchema = z
  .strictObject({
    phone: e164,
    channel: z.enum(REVOCATION_CHANNELS),
    receivedAt: instant,
    recordedAt: instant,
    latencySeconds: z.number().meta({ description: 'Seconds from `receivedAt` to `recordedAt`' }),
    applied: z.boolean().meta({
      description: 'False when the number was already opted out (or opted in again since): kept as evidence',
    }),
    confirmation: z.enum(['sent', 'not_requested', 'too_late', 'already_opted_out']).meta({
      description:
        'The confirmation text: `sent` (asked, within 5 minutes of `receivedAt`), `not_requested`, `too_late` (asked after 5 minutes: not sent) or `already_opted_out`',
    }),
  })
  .meta({ description: 'The revocation as recorded in the consent log' });

export const ClickToTextSchema = z.strictObject({
  keyword: z.string().meta({ description: 'The opt-in keyword as configured' }),
  number: z.string().meta({ description: "The program's number, E.164" }),
  link: z.string().meta({
    description: 'The `sms:` link that opens a text of the keyword to the number on iOS and Android',
    examples: ['sms:+12065550100?&body=SPRING'],
  }),
});

export const ClickToTextQuery = {
  keyword: z.string().meta({ description: 'An opt-in keyword of the config (any case)' }),
  format: z.enum(['json', 'svg']).meta({ description: '`svg`: the QR code of the link, as `image/svg+xml`' }),
} as const;
