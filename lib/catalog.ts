/**
 * The one list of Optline's tables and functions. CDK builds the AWS resources from it and the local
 * runtime (local/) builds its peers from it, so the two cannot drift: a function added here is
 * deployed, granted, routed, given its environment (lib/function-environment.ts) and run locally
 * without another list to update.
 *
 * Plain data only: no CDK imports, so the local runtime can load it cheaply.
 */
import type { SettingKey } from './function-environment';

export type KeyType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * `all` (default): items are read from the index as they are. `keys-only`: the index holds the
   * table's and its own keys, so an update that changes neither costs no index write; readers fetch
   * the items by key.
   */
  readonly projection?: 'all' | 'keys-only';
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly timeToLiveAttribute?: string;
  readonly indexes: readonly IndexDefinition[];
  /** Stream of changes (new images) for exports and projections. */
  readonly stream?: boolean;
  readonly description: string;
}

export const tables = {
  /**
   * pk `phone` (E.164). Sparse GSIs: only marketing subscribers carry `marketingShard`, only numbers
   * with an open conversation carry `conversationOpen`, only customers with an order carry
   * `lastOrderShard`.
   */
  profiles: {
    partitionKey: { name: 'phone', type: 'S' },
    indexes: [
      {
        indexName: 'marketingSubscribers',
        // `marketingShard` = "0".."15", set only while marketing is subscribed, spreads campaign reads.
        partitionKey: { name: 'marketingShard', type: 'S' },
        sortKey: { name: 'phone', type: 'S' },
      },
      {
        indexName: 'openConversations',
        // `conversationOpen` = "open", set only while the number's conversation is open; sorted by its
        // last message, so the open ones and the ones due to close are each one Query.
        partitionKey: { name: 'conversationOpen', type: 'S' },
        sortKey: { name: 'conversationLastMessageAt', type: 'S' },
      },
      {
        indexName: 'lastOrders',
        // `lastOrderShard` = "0".."15" and `lastOrderUtc`, the last order's time in UTC, set with
        // `lastOrderAt` only once the number has ordered: the daily win-back sweep reads the
        // customers whose last order fell due as one Query per shard (keys only: the number and the time).
        partitionKey: { name: 'lastOrderShard', type: 'S' },
        sortKey: { name: 'lastOrderUtc', type: 'S' },
        projection: 'keys-only',
      },
    ],
    description: 'Subscription state per message class, properties, time zone, engagement, conversation',
  },
  /** pk `phone`, sk `eventKey` = zero-padded sequence number (1, 2, 3…): append-only consent evidence. */
  consentLog: {
    partitionKey: { name: 'phone', type: 'S' },
    sortKey: { name: 'eventKey', type: 'S' },
    indexes: [],
    stream: true,
    description: 'Append-only consent evidence; PutItem and Query only',
  },
  /**
   * pk `messageId` (ours, deterministic per send); GSI `byPhone` (`phone`, `at`), keys only: a message
   * changes status two or three times (sending, sent, delivered), none of which touches the index.
   */
  messages: {
    partitionKey: { name: 'messageId', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [
      {
        indexName: 'byPhone',
        partitionKey: { name: 'phone', type: 'S' },
        sortKey: { name: 'at', type: 'S' },
        projection: 'keys-only',
      },
    ],
    description: 'Every send, skip and inbound message with its outcome',
  },
  /** pk `campaignId`: definition, schedule, state and counters. */
  campaigns: {
    partitionKey: { name: 'campaignId', type: 'S' },
    indexes: [],
    description: 'Campaign definitions, states and counters',
  },
  /** pk `changeId`: sending-number changes; the item `@current` names the identity in use now. */
  numberChanges: {
    partitionKey: { name: 'changeId', type: 'S' },
    indexes: [],
    description: 'Sending-number changes and the current origination identity',
  },
  /** pk `code`: per-recipient short links; only links Optline created can be redirect targets. */
  links: {
    partitionKey: { name: 'code', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
    description: 'Short links: target URL, message, campaign, clicks',
  },
  /** pk `phone`, sk `activityKey` = `<type>#<id>` (`order#A1001`, `cart#c-9`): commerce events, once each. */
  activity: {
    partitionKey: { name: 'phone', type: 'S' },
    sortKey: { name: 'activityKey', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
    description: 'Carts, orders, product views and clicks per profile (engagement, attribution)',
  },
  /**
   * pk `key`: short-lived records that expire by TTL: rate-limit counters (`rl#…`), OTP codes
   * (`otp#<phone>`), the campaign senders' leases on a number's throughput (`senders#<identity>`).
   */
  ephemeral: {
    partitionKey: { name: 'key', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
    description:
      "Rate-limit counters, verification codes and campaign senders' throughput leases, expired by TTL",
  },
  /**
   * pk `importId` (`imp-` + 20 hex: the input's SHA-256, source and options, or an upload's
   * Idempotency-Key), sk `itemKey`: `#import` (what is imported: source system, file name and hash),
   * `#upload` (an upload's source and options, before its file arrives), `#run` (an upload's import:
   * the state its state machine's steps reached) and `batch#0000000001`… (each batch's report,
   * written once when the batch is done: a resumed import finds the batches already done).
   */
  imports: {
    partitionKey: { name: 'importId', type: 'S' },
    sortKey: { name: 'itemKey', type: 'S' },
    indexes: [],
    description: 'Imports of audiences: what was imported and the report of each batch',
  },
  /**
   * pk `flowId`, sk `statKey`: `#counters` (texts sent, clicks, orders, revenue, and per split branch
   * the executions that entered it: docs/flows.md#ab-tests-of-flows) and `claim#…` items that make a
   * count happen once, expired by TTL.
   */
  flowStats: {
    partitionKey: { name: 'flowId', type: 'S' },
    sortKey: { name: 'statKey', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    indexes: [],
    description: "Flows' counters: texts, clicks, orders and revenue, per split branch too",
  },
  /**
   * pk `phoneHash` = HMAC-SHA256 of the E.164 number under the privacy key: what is kept of an
   * erased number (docs/privacy.md), its opt-out state without the number itself.
   */
  suppressions: {
    partitionKey: { name: 'phoneHash', type: 'S' },
    indexes: [],
    description: 'Erased numbers, by keyed hash: the opt-out state kept after erasure',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableId = keyof typeof tables;

/** An S3 bucket the functions use (CDK builds it; the local runtime serves it from its S3 emulator). */
export interface BucketDefinition {
  readonly description: string;
}

export const buckets = {
  /**
   * Keys `uploads/<importId>`: files uploaded for an import through `POST /v1/imports` (a presigned
   * POST), kept for `imports.retentionDays`: the consent evidence of each imported row cites its file.
   */
  imports: {
    description: 'Audience files uploaded for import, kept as the evidence their consent events cite',
  },
  /**
   * Keys `<prefix><random id>.<pdf|json>`: a consent certificate or privacy export too large for an
   * API response, served through a presigned GET that expires in minutes; each object expires after
   * a day. No key names a phone number.
   */
  downloads: {
    description: 'Certificates and exports too large for an API response, behind short-lived links',
  },
} as const satisfies Record<string, BucketDefinition>;

export type BucketId = keyof typeof buckets;

/**
 * What a function may do with a bucket:
 * - `upload`: PutObject under `uploads/` only, so the presigned POSTs it signs can write there (the
 *   uploader acts with the signer's permissions).
 * - `prepare`: GetObject under `uploads/` and PutObject (with AbortMultipartUpload) under `expanded/`:
 *   read an uploaded file, and write the gunzipped copy the import's item reader reads.
 * - `{ serve: prefix }`: PutObject and GetObject under that prefix only: it writes a document there
 *   and signs the presigned GET that downloads it (the downloader acts with the signer's
 *   permissions, so the signer needs GetObject and the key's Decrypt).
 */
export type BucketAccess = 'upload' | 'prepare' | { readonly serve: DownloadPrefix };

/** The key prefixes of the downloads bucket: one per function that serves documents through it. */
export const DOWNLOAD_PREFIXES = ['certificates/', 'exports/'] as const;
export type DownloadPrefix = (typeof DOWNLOAD_PREFIXES)[number];

/** The key prefix uploads land under (`uploads/<importId>`): an object created here starts its import. */
export const UPLOAD_PREFIX = 'uploads/';
/**
 * Gunzipped copies of gzipped uploads (`expanded/<importId>`): the Distributed Map's item
 * reader reads an object as it is stored, so a gzipped Pinpoint export is expanded first.
 */
export const EXPANDED_PREFIX = 'expanded/';
/** Where the import's Distributed Map writes its results (`results/<importId>/<map run id>/…`). */
export const RESULTS_PREFIX = 'results/';

/**
 * What a function may do with a table:
 * - `read`: GetItem, Query, BatchGetItem
 * - `readwrite`: read plus PutItem, UpdateItem, DeleteItem
 * - `append`: read plus PutItem only (the consent log: evidence is never updated or deleted)
 */
export type TableAccess = 'read' | 'readwrite' | 'append';

/** An SQS queue with its consumer (event source mapping) and dead-letter queue. */
export interface QueueDefinition {
  readonly description: string;
  /** Messages per consumer invocation. */
  readonly batchSize: number;
  /** Seconds a received message stays invisible (longer than the consumer's timeout). */
  readonly visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Consumer invocations at once (1: one paced sender owns the number's throughput). */
  readonly maxConcurrency: number;
  /** Seconds the event source mapping may wait to fill a batch (required above 10 messages). */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * An SNS topic that feeds the queue (raw message delivery: each message body is the published
   * JSON); without it, functions fill the queue (`sendsTo`).
   */
  readonly subscribesTo?: 'delivery-events';
}

export const queues = {
  /** Body: `{ campaignId, recipients: string[] }` (up to 50 E.164 numbers). */
  campaignSends: {
    description: "Campaign recipients waiting to be texted, drained at the number's messages per second",
    batchSize: 10,
    visibilityTimeoutSeconds: 960,
    maxReceiveCount: 5,
    maxConcurrency: 2,
  },
  /**
   * Body: one End User Messaging event (the configuration set's event destination topic, raw). A
   * queue between the topic and the function turns one invocation and one counter write per text
   * into one per batch: at 1,000 MPS the campaign item takes a few writes a second, not 1,000.
   */
  deliveryEvents: {
    description: 'Delivery events of the configuration set, recorded in batches',
    batchSize: 100,
    maximumBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    maxConcurrency: 5,
    subscribesTo: 'delivery-events',
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueId = keyof typeof queues;

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** API Gateway resource path, e.g. `/v1/profiles/{phone}`. */
  readonly path: string;
  /** `iam`: SigV4-signed server-to-server calls; `public`: browser-facing, rate-limited. */
  readonly auth: 'iam' | 'public';
  /** Optional query-string parameters (declared on the method; the handler validates them). */
  readonly query?: readonly string[];
  /**
   * A subscriber page or its asset (HTML, script, image, or a form post from a browser), served by
   * the same API but outside its JSON description and the client: public, rate limited, answered
   * with its own content type (docs/pages.md).
   */
  readonly page?: true;
}

export type Trigger =
  /** Subscribed to the SNS topic of the phone number's two-way channel. */
  | { readonly kind: 'inbound-sms' }
  /** Target of EventBridge Scheduler schedules (created at run time by another function). */
  | { readonly kind: 'schedule' }
  /**
   * Target of recurring EventBridge Scheduler schedules the stack creates, one per sweep, each
   * invoking the function with `{ "sweep": <name> }`.
   */
  | { readonly kind: 'recurring'; readonly sweeps: Readonly<Record<string, RecurringSweep>> }
  /** Consumer of an SQS queue through an event source mapping (see `queues`). */
  | { readonly kind: 'queue'; readonly queue: QueueId }
  /** Target of rules on the `optline` bus (see `eventRules`). */
  | { readonly kind: 'event-rule' }
  /** Invoked by Step Functions tasks (the compiled flows, lib/constructs/flows.ts, and `importStateMachine`). */
  | { readonly kind: 'state-machine-task' }
  /** Target of the rule on the import bucket's Object Created events under `uploads/` (default bus). */
  | { readonly kind: 'import-upload' }
  /** Routes of the HTTP API. */
  | { readonly kind: 'http'; readonly routes: readonly HttpRoute[] };

/** A recurring schedule of a function: `rate(<minutes> minutes)`, or `rate(<n> days)` for whole days. */
export interface RecurringSweep {
  readonly description: string;
  readonly rateMinutes: number;
}

export interface FunctionDefinition {
  readonly description: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly trigger: Trigger;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  /** S3 buckets it uses (see `buckets`). */
  readonly buckets?: Partial<Record<BucketId, BucketAccess>>;
  /** End User Messaging permissions. */
  readonly sms?: {
    /** SendTextMessage / SendMediaMessage through the configuration set. */
    readonly send?: boolean;
    /** Put/Delete/Describe on the opt-out list. */
    readonly optOutList?: boolean;
  };
  /** PutEvents on the `optline` bus. */
  readonly publishesEvents?: boolean;
  /** StartExecution / StopExecution / DescribeExecution on the flows. */
  readonly startsFlows?: boolean;
  /** StartExecution on the import state machine (`importStateMachine`). */
  readonly startsImports?: boolean;
  /** DescribeExecution on the import state machine's executions (an import's state). */
  readonly watchesImports?: boolean;
  /** Read the MMS media bucket (SendMediaMessage reads media as the caller). */
  readonly readsMedia?: boolean;
  /**
   * Read the secret that signs preference-page links (Secrets Manager, every version kept): makes
   * or opens `/p/<token>` links (docs/preferences.md).
   */
  readonly preferenceLinks?: boolean;
  /** Read the secret that keys the hash of erased numbers (Secrets Manager; docs/privacy.md). */
  readonly privacyKey?: boolean;
  /** Sign with the consent-certificate key and read its public key (KMS; docs/consent-evidence.md). */
  readonly signsCertificates?: boolean;
  /** SendMessageBatch to these queues (their URLs arrive in the function's environment). */
  readonly sendsTo?: readonly QueueId[];
  /** Create and delete EventBridge Scheduler schedules that invoke these functions (function ids). */
  readonly schedules?: readonly string[];
  /**
   * Deployment settings the handler reads besides those its resources bring (see
   * lib/function-environment.ts: tables, queues, flows, schedules and sending bring their own).
   */
  readonly reads?: readonly SettingKey[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export const functions = {
  inboundSms: {
    description: 'Inbound SMS from the two-way channel: keywords, consent changes, replies',
    entry: 'lambdas/handlers/inbound-sms.ts',
    trigger: { kind: 'inbound-sms' },
    tables: {
      profiles: 'readwrite',
      consentLog: 'append',
      messages: 'readwrite',
      campaigns: 'readwrite',
      numberChanges: 'read',
    },
    sms: { send: true, optOutList: true },
    publishesEvents: true,
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  profilesApi: {
    description: 'Read a profile, its consent log and its messages; make its preference-page link',
    entry: 'lambdas/handlers/profiles-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/v1/profiles/{phone}', auth: 'iam' },
        { method: 'GET', path: '/v1/profiles/{phone}/consent-log', auth: 'iam' },
        {
          method: 'GET',
          path: '/v1/profiles/{phone}/messages',
          auth: 'iam',
          query: ['limit', 'cursor'],
        },
        { method: 'GET', path: '/v1/profiles/{phone}/preferences-link', auth: 'iam' },
      ],
    },
    tables: { profiles: 'read', consentLog: 'read', messages: 'read' },
    // The preference-page link support agents hand out.
    preferenceLinks: true,
    reads: ['linkBase'],
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  subscriptionsApi: {
    description: 'Opt-in from forms and checkouts, OTP verification (public, rate-limited)',
    entry: 'lambdas/handlers/subscriptions-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'POST', path: '/v1/subscriptions', auth: 'public' },
        { method: 'POST', path: '/v1/verifications', auth: 'public' },
        { method: 'POST', path: '/v1/verifications/check', auth: 'public' },
      ],
    },
    tables: {
      profiles: 'readwrite',
      consentLog: 'append',
      messages: 'readwrite',
      ephemeral: 'readwrite',
      numberChanges: 'read',
    },
    sms: { send: true, optOutList: true },
    publishesEvents: true,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  signupForms: {
    description:
      'Signup form pages: the hosted form, its embed script and its post, with the opt-in rules of the API',
    entry: 'lambdas/handlers/signup-forms.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/f/{formId}', auth: 'public', page: true },
        { method: 'POST', path: '/f/{formId}/submit', auth: 'public', page: true },
        // The CORS preflight of the embed script's post, answered by the handler: the same code in
        // AWS and locally decides which sites may post (the form's `allowedOrigins`).
        { method: 'OPTIONS', path: '/f/{formId}/submit', auth: 'public', page: true },
        { method: 'GET', path: '/f/{formId}/qr.svg', auth: 'public', page: true },
        { method: 'GET', path: '/f/{formId}/embed.js', auth: 'public', page: true },
      ],
    },
    tables: {
      profiles: 'readwrite',
      consentLog: 'append',
      messages: 'readwrite',
      ephemeral: 'readwrite',
      numberChanges: 'read',
    },
    sms: { send: true, optOutList: true },
    publishesEvents: true,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  preferencePage: {
    description:
      "A subscriber's preference page (/p/{token}): pause, fewer texts, topics, unsubscribe, subscribe again",
    entry: 'lambdas/handlers/preference-page.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/p/{token}', auth: 'public', page: true },
        { method: 'POST', path: '/p/{token}', auth: 'public', page: true },
      ],
    },
    tables: {
      profiles: 'readwrite',
      consentLog: 'append',
      messages: 'readwrite',
      numberChanges: 'read',
      // The per-IP request limit.
      ephemeral: 'readwrite',
    },
    // A resubscription texts its double opt-in request and may take the number off the opt-out list.
    sms: { send: true, optOutList: true },
    publishesEvents: true,
    preferenceLinks: true,
    timeoutSeconds: 15,
    memoryMb: 512,
  },
  optOutsApi: {
    description: 'Revocations received outside SMS (a call, an email), applied like STOP',
    entry: 'lambdas/handlers/opt-outs-api.ts',
    trigger: { kind: 'http', routes: [{ method: 'POST', path: '/v1/opt-outs', auth: 'iam' }] },
    tables: {
      profiles: 'readwrite',
      consentLog: 'append',
      messages: 'readwrite',
      numberChanges: 'read',
    },
    sms: { send: true, optOutList: true },
    publishesEvents: true,
    timeoutSeconds: 15,
    memoryMb: 256,
  },
  clickToText: {
    description: "Click-to-text: an sms: link to the program's number with an opt-in keyword, or its QR code",
    entry: 'lambdas/handlers/click-to-text.ts',
    trigger: {
      kind: 'http',
      routes: [{ method: 'GET', path: '/v1/click-to-text', auth: 'public', query: ['keyword', 'format'] }],
    },
    tables: {},
    reads: ['originationNumber'],
    timeoutSeconds: 5,
    memoryMb: 256,
  },
  messagesApi: {
    description: 'Transactional send to one number through send()',
    entry: 'lambdas/handlers/messages-api.ts',
    trigger: { kind: 'http', routes: [{ method: 'POST', path: '/v1/messages', auth: 'iam' }] },
    tables: { profiles: 'readwrite', messages: 'readwrite', numberChanges: 'read' },
    sms: { send: true },
    timeoutSeconds: 15,
    memoryMb: 256,
  },
  conversationsApi: {
    description: 'Conversations: list the open ones, read, close, and reply through send()',
    entry: 'lambdas/handlers/conversations-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/v1/conversations', auth: 'iam', query: ['state', 'limit', 'cursor'] },
        { method: 'GET', path: '/v1/conversations/{phone}', auth: 'iam' },
        { method: 'POST', path: '/v1/conversations/{phone}/close', auth: 'iam' },
        { method: 'POST', path: '/v1/conversations/{phone}/replies', auth: 'iam' },
      ],
    },
    tables: { profiles: 'readwrite', messages: 'readwrite', ephemeral: 'readwrite', numberChanges: 'read' },
    sms: { send: true },
    readsMedia: true,
    publishesEvents: true,
    timeoutSeconds: 15,
    memoryMb: 256,
  },
  eventsApi: {
    description:
      'Commerce events from the store: carts, orders, shipments, deliveries, views, stock and price changes',
    entry: 'lambdas/handlers/events-api.ts',
    trigger: { kind: 'http', routes: [{ method: 'POST', path: '/v1/events', auth: 'iam' }] },
    tables: {
      profiles: 'readwrite',
      activity: 'readwrite',
      campaigns: 'readwrite',
      // An order's consent to its updates (the checkout's tick); it texts nobody.
      consentLog: 'append',
      flowStats: 'readwrite',
    },
    publishesEvents: true,
    // A batch of 100 events records them eight numbers at a time; API Gateway waits 29 s.
    timeoutSeconds: 28,
    memoryMb: 256,
  },
  flowStarter: {
    description:
      'Starts flows from bus events with deterministic execution names; stops cart flows on orders',
    entry: 'lambdas/handlers/flow-starter.ts',
    trigger: { kind: 'event-rule' },
    tables: {},
    startsFlows: true,
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  flowStep: {
    description: 'Flow steps: re-checks consent and sends through send() at the moment of sending',
    entry: 'lambdas/handlers/flow-step.ts',
    trigger: { kind: 'state-machine-task' },
    // Links in a defined flow's texts become short links, claimed in `links`; the consent log: an
    // order update checks that order's consent (lambdas/domain/order-consent.ts); the activity: a
    // replenishment checks the orders since (`notReordered`); `flowStats`: the flows' counters
    // (lambdas/domain/flow-stats.ts).
    tables: {
      profiles: 'readwrite',
      messages: 'readwrite',
      numberChanges: 'read',
      links: 'readwrite',
      consentLog: 'read',
      activity: 'read',
      flowStats: 'readwrite',
    },
    sms: { send: true },
    readsMedia: true,
    // `{{ preferences_url }}` in flow templates: a signed link per recipient.
    preferenceLinks: true,
    reads: ['linkBase'],
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  campaignsApi: {
    description: 'Create, read and cancel campaigns; schedules their dispatch',
    entry: 'lambdas/handlers/campaigns-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'POST', path: '/v1/campaigns', auth: 'iam' },
        { method: 'GET', path: '/v1/campaigns/{campaignId}', auth: 'iam' },
        { method: 'POST', path: '/v1/campaigns/{campaignId}/cancel', auth: 'iam' },
      ],
    },
    tables: { campaigns: 'readwrite', profiles: 'read' },
    schedules: ['campaignDispatcher'],
    // Short links are counted into the segment estimate at their final length.
    reads: ['linkBase'],
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  campaignDispatcher: {
    description:
      'At the scheduled time: pages subscribed profiles, evaluates the segment, enqueues recipients; finishes estimates',
    entry: 'lambdas/handlers/campaign-dispatcher.ts',
    trigger: { kind: 'schedule' },
    tables: { campaigns: 'readwrite', profiles: 'read', numberChanges: 'readwrite' },
    sendsTo: ['campaignSends'],
    // Finishing an estimate creates the campaign's dispatch schedules, which target this function.
    schedules: ['campaignDispatcher'],
    // The estimate renders a sample of the recipients' texts, links at their length on this origin.
    reads: ['linkBase'],
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  campaignSender: {
    description: 'Drains campaign recipients at the messages-per-second limit, exactly once each',
    entry: 'lambdas/handlers/campaign-sender.ts',
    trigger: { kind: 'queue', queue: 'campaignSends' },
    tables: {
      campaigns: 'readwrite',
      profiles: 'readwrite',
      messages: 'readwrite',
      links: 'readwrite',
      numberChanges: 'read',
      ephemeral: 'readwrite',
    },
    sms: { send: true },
    readsMedia: true,
    // Recipients held back (quiet hours, unconfirmed claims) go back on the queue, delayed.
    sendsTo: ['campaignSends'],
    reads: ['linkBase', 'messagesPerSecond'],
    // `{{ preferences_url }}` in campaign bodies: a signed link per recipient.
    preferenceLinks: true,
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  linkRedirect: {
    description: 'Short-link redirect: 302 to the original URL, click recorded',
    entry: 'lambdas/handlers/link-redirect.ts',
    trigger: { kind: 'http', routes: [{ method: 'GET', path: '/r/{code}', auth: 'public' }] },
    tables: {
      links: 'readwrite',
      profiles: 'readwrite',
      activity: 'readwrite',
      campaigns: 'readwrite',
      flowStats: 'readwrite',
    },
    publishesEvents: true,
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  deliveryEvents: {
    description: 'Delivery events of the configuration set: message status, profile error state, counters',
    entry: 'lambdas/handlers/delivery-events.ts',
    trigger: { kind: 'queue', queue: 'deliveryEvents' },
    tables: { messages: 'readwrite', profiles: 'readwrite', campaigns: 'readwrite' },
    publishesEvents: true,
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  numberChangesApi: {
    description: 'Schedule a change of sending number: final message, switch, first message',
    entry: 'lambdas/handlers/number-changes-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'POST', path: '/v1/number-changes', auth: 'iam' },
        { method: 'GET', path: '/v1/number-changes/{changeId}', auth: 'iam' },
      ],
    },
    tables: { numberChanges: 'readwrite', campaigns: 'readwrite', profiles: 'read' },
    schedules: ['campaignDispatcher'],
    // The identity in use before any change, and the link base of the change's messages.
    reads: ['linkBase', 'originationIdentity', 'originationNumber'],
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  sweeper: {
    description:
      "The stack's recurring sweeps: closes silent conversations (every 15 minutes), finds lapsed customers (every day)",
    entry: 'lambdas/handlers/sweeper.ts',
    trigger: {
      kind: 'recurring',
      sweeps: {
        conversations: {
          description:
            'Every 15 minutes: closes the conversations silent for autoCloseHours and publishes ConversationClosed',
          rateMinutes: 15,
        },
        lapsedCustomers: {
          description:
            'Every day: publishes CustomerLapsed for the customers whose last order fell due for a win-back flow',
          rateMinutes: 24 * 60,
        },
      },
    },
    // Conversations are attributes of the profile; lapsed customers are read from its `lastOrders` index.
    tables: { profiles: 'readwrite' },
    publishesEvents: true,
    timeoutSeconds: 900,
    memoryMb: 256,
  },
  flowsApi: {
    description: "A flow's counters: texts, clicks, orders and revenue, per split branch too",
    entry: 'lambdas/handlers/flows-api.ts',
    trigger: {
      kind: 'http',
      routes: [{ method: 'GET', path: '/v1/flows/{flowId}/stats', auth: 'iam' }],
    },
    tables: { flowStats: 'read' },
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  importsApi: {
    description: 'Imports: upload URLs, batches of rows from the CLI, and the report of an import',
    entry: 'lambdas/handlers/imports-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'POST', path: '/v1/imports', auth: 'iam' },
        { method: 'POST', path: '/v1/imports/{importId}/batches', auth: 'iam' },
        { method: 'GET', path: '/v1/imports/{importId}', auth: 'iam' },
      ],
    },
    // No sending, no opt-out list, no bus: an import never texts anyone.
    tables: { profiles: 'readwrite', consentLog: 'append', imports: 'readwrite' },
    // Signs the upload URLs of `POST /v1/imports`.
    buckets: { imports: 'upload' },
    // The state of an import by upload: its execution's, when its record lags behind.
    watchesImports: true,
    // The pace of the batches it records.
    reads: ['importRowsPerSecond'],
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  importStarter: {
    description:
      'Starts the import of an uploaded file: one execution of the import state machine, named by its import id',
    entry: 'lambdas/handlers/import-starter.ts',
    trigger: { kind: 'import-upload' },
    tables: {},
    startsImports: true,
    timeoutSeconds: 10,
    memoryMb: 256,
  },
  importSteps: {
    description:
      "The import state machine's steps: an upload's hash and reader (gunzipped first if need be), its state and report",
    entry: 'lambdas/handlers/import-steps.ts',
    trigger: { kind: 'state-machine-task' },
    tables: { imports: 'readwrite' },
    buckets: { imports: 'prepare' },
    // Hashes (and may gunzip) a file of up to 1 GiB in one pass.
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  importBatches: {
    description: "The import's Distributed Map batches: 100 items of an uploaded file, read and imported",
    entry: 'lambdas/handlers/import-batch.ts',
    trigger: { kind: 'state-machine-task' },
    // The batch route's writes, and nothing else: no sending, no opt-out list, no bus.
    tables: { profiles: 'readwrite', consentLog: 'append', imports: 'readwrite' },
    reads: ['importRowsPerSecond'],
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  privacyApi: {
    description: 'Privacy requests: export everything held about a number, or erase it',
    entry: 'lambdas/handlers/privacy-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/v1/profiles/{phone}/export', auth: 'iam' },
        { method: 'DELETE', path: '/v1/profiles/{phone}', auth: 'iam' },
      ],
    },
    tables: {
      profiles: 'readwrite',
      // The erasure is recorded in the consent log, which is kept (it is the evidence of an opt-out).
      consentLog: 'append',
      messages: 'readwrite',
      activity: 'readwrite',
      links: 'readwrite',
      campaigns: 'read',
      suppressions: 'readwrite',
    },
    privacyKey: true,
    // An export too large for a response is written here and answered with a presigned GET.
    buckets: { downloads: { serve: 'exports/' } },
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  consentCertificatesApi: {
    description:
      "Consent certificates: a number's consent history signed with the KMS key, and its public key",
    entry: 'lambdas/handlers/consent-certificates-api.ts',
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/v1/profiles/{phone}/consent-certificate', auth: 'iam' },
        // A public key: whoever holds a certificate may fetch it to check the signature.
        { method: 'GET', path: '/v1/consent-certificates/public-key', auth: 'public' },
      ],
    },
    tables: { profiles: 'read', consentLog: 'read', messages: 'read' },
    signsCertificates: true,
    // A certificate too large for a response is written here and answered with a presigned GET.
    buckets: { downloads: { serve: 'certificates/' } },
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  apiDescription: {
    description: 'The OpenAPI description of the HTTP API (docs/openapi.json)',
    entry: 'lambdas/handlers/api-description.ts',
    trigger: { kind: 'http', routes: [{ method: 'GET', path: '/v1/openapi.json', auth: 'public' }] },
    tables: {},
    timeoutSeconds: 5,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionId = keyof typeof functions;

/** A route of the links domain: a function of the catalog at a path of the domain's root. */
export interface LinksDomainRoute {
  readonly functionId: FunctionId;
  readonly method: HttpRoute['method'];
  /** Resource path on the links domain (the function's handler answers this `METHOD /path` too). */
  readonly path: string;
  /** A subscriber page (HTML, a browser's form post), as `HttpRoute.page`. */
  readonly page?: true;
}

/**
 * Everything the links domain (`links.domain`) serves, all of it public: short links at the root and
 * the preference pages (`/p/{token}`, whose links go out under the same origin). Nothing else of the
 * API is reachable there, `/v1` least of all (docs/decisions/0032-links-domain.md). The stack gives
 * these routes an API of their own behind the custom domain, and the local runtime serves them beside
 * the API's (a path the API has already is served once).
 */
export const linksDomainRoutes: readonly LinksDomainRoute[] = [
  { functionId: 'linkRedirect', method: 'GET', path: '/{code}' },
  { functionId: 'preferencePage', method: 'GET', path: '/p/{token}', page: true },
  { functionId: 'preferencePage', method: 'POST', path: '/p/{token}', page: true },
];

/** Name of the custom EventBridge bus that carries domain events. */
export const EVENT_BUS_BASE_NAME = 'optline';

/**
 * The EventBridge Scheduler group of a stage: the functions' policies name it (its schedules'
 * names are chosen at run time), so the local runtime names its group the same.
 */
export function scheduleGroupName(stage: string): string {
  return `optline-${stage}`;
}
/** `source` of every event Optline publishes. */
export const EVENT_SOURCE = 'optline';

/** A Step Functions state machine from an ASL file whose `${Placeholder}`s are replaced by function ARNs. */
export interface StateMachineDefinition {
  readonly description: string;
  /** ASL file (JSONPath), relative to the repository root. */
  readonly definitionFile: string;
  /** Placeholder name → function whose ARN replaces `${Placeholder}` in the file. */
  readonly functionArns: Readonly<Record<string, FunctionId>>;
}

/**
 * The import of an uploaded file (docs/import.md#uploading-into-the-stack): started by
 * `importStarter` under the import id, it reads the upload's head, runs a Distributed Map over its
 * items in batches of 100 and records the report. Not a flow: no flow starter may start it.
 */
export const importStateMachine = {
  description: 'Import of an uploaded file: a Distributed Map over its items, 100 to a batch',
  definitionFile: 'statemachines/import.asl.json',
  functionArns: { ImportStepsFunctionArn: 'importSteps', ImportBatchesFunctionArn: 'importBatches' },
} as const satisfies StateMachineDefinition;

/** The import state machine's name: `<prefix>-import` (`optline-<stage>` in AWS, `optline-local` locally). */
export function importStateMachineName(prefix: string): string {
  return `${prefix}-import`;
}

/**
 * The state machine of a flow written as data (`flows.definitions` in the config, docs/flows.md):
 * compiled at synth, one per enabled definition, named `<prefix>-flow-<id>` so that the functions
 * that start flows find each from one ARN prefix (`definedFlowArnPrefix`). The prefix is
 * `optline-<stage>` in AWS, `optline-local` locally.
 */
export function definedFlowStateMachineName(prefix: string, id: string): string {
  return `${prefix}-flow-${id}`;
}

/** Rules on the `optline` bus: matching detail types go to a function target. */
export interface EventRuleDefinition {
  readonly description: string;
  readonly detailTypes: readonly string[];
  readonly target: FunctionId;
}

export const eventRules = {
  flowTriggers: {
    description: 'Events that start (or, for orders, stop) flows',
    // Every event a flow definition may start from or exit on (lambdas/domain/flow-definition.ts).
    detailTypes: [
      'SubscriptionConfirmed',
      'CartAbandoned',
      'OrderPlaced',
      'OrderShipped',
      'OrderDelivered',
      'ProductViewed',
      'BackInStock',
      'PriceDropped',
      'CustomerLapsed',
    ],
    target: 'flowStarter',
  },
} as const satisfies Record<string, EventRuleDefinition>;

// What triggers what, derived here once: CDK wires these triggers and the local runtime invokes the
// same functions for them.

/** The functions a trigger of this kind invokes. */
export function functionsTriggeredBy(kind: Trigger['kind']): FunctionId[] {
  return (Object.entries(functions) as [FunctionId, FunctionDefinition][])
    .filter(([, definition]) => definition.trigger.kind === kind)
    .map(([id]) => id);
}

/** The schedule expression of a recurring trigger: the stack's schedule and the local runtime's. */
export function recurringExpression(rateMinutes: number): string {
  const days = rateMinutes / (24 * 60);
  if (Number.isInteger(days)) return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
  return `rate(${rateMinutes} ${rateMinutes === 1 ? 'minute' : 'minutes'})`;
}

/** The function whose event source mapping drains the queue, if the catalog has one. */
export function consumerOf(queue: QueueId): FunctionId | undefined {
  return (Object.entries(functions) as [FunctionId, FunctionDefinition][]).find(
    ([, definition]) => definition.trigger.kind === 'queue' && definition.trigger.queue === queue,
  )?.[0];
}

/** The queues a topic feeds (raw message delivery). */
export function queuesFedBy(topic: NonNullable<QueueDefinition['subscribesTo']>): QueueId[] {
  return (Object.entries(queues) as [QueueId, QueueDefinition][])
    .filter(([, definition]) => definition.subscribesTo === topic)
    .map(([id]) => id);
}

/**
 * The HTTP API's binary media types: a function's base64-encoded answer (`isBase64Encoded`) is sent
 * as bytes when the request's first `Accept` type is one of these, and as the base64 text otherwise
 * (API Gateway's rule for Lambda proxy integrations). The stack's REST API and the local API both
 * read this list.
 */
export const BINARY_MEDIA_TYPES: readonly string[] = ['application/pdf'];

/** Every route of the HTTP API with the function behind it. */
export function httpRoutes(): { readonly functionId: FunctionId; readonly route: HttpRoute }[] {
  return (Object.entries(functions) as [FunctionId, FunctionDefinition][]).flatMap(
    ([functionId, definition]) =>
      definition.trigger.kind === 'http'
        ? definition.trigger.routes.map((route) => ({ functionId, route }))
        : [],
  );
}

/**
 * The catalog's name for each resource the functions use, carried by the resource in the
 * synthesized template (metadata `optline:resource`): whoever reads the template can tell which
 * resource is which without knowing CDK's logical ids (the local runtime maps them to its own peers
 * to evaluate the functions' policies, local/iam/).
 */
export const RESOURCE_METADATA_KEY = 'optline:resource';

export const resourceIds = {
  function: (id: FunctionId) => `function/${id}`,
  table: (id: TableId) => `table/${id}`,
  bucket: (id: BucketId) => `bucket/${id}`,
  queue: (id: QueueId) => `queue/${id}`,
  definedFlow: (id: string) => `state-machine/flow/${id}`,
  importStateMachine: 'state-machine/import',
  eventBus: 'event-bus',
  originationIdentity: 'origination-identity',
  configurationSet: 'configuration-set',
  optOutList: 'opt-out-list',
  scheduleGroup: 'schedule-group',
  schedulerRole: 'scheduler-role',
  preferenceKey: 'secret/preference-key',
  privacyKey: 'secret/privacy-key',
  certificateKey: 'key/certificate',
} as const;
