/**
 * `OptlineClient`: a typed client of the Optline HTTP API. It signs IAM routes with AWS Signature
 * Version 4 (the AWS SDK's signer, service `execute-api`) using the SDK's default credential chain,
 * sets an idempotency key on every create (the `Idempotency-Key` header, or `idempotencyKey` in the
 * body of `POST /v1/messages`) and keeps it across retries, retries 429 and 503 as `Retry-After`
 * says, and throws `OptlineApiError` with the API's `{ error: { code, message, field } }`.
 */
import { randomUUID } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import type * as z from 'zod';
import type { CampaignRequestSchema } from '../lambdas/domain/campaign-request';
import type { CommerceEventSchema } from '../lambdas/domain/commerce-events';
import type { ConversationReplySchema } from '../lambdas/domain/conversation-request';
import type { ImportBatchSchema, ImportUploadSchema } from '../lambdas/domain/import-request';
import type { MessageRequestSchema } from '../lambdas/domain/message-request';
import type { NumberChangeRequestSchema } from '../lambdas/domain/number-change';
import type { OptOutRequestSchema } from '../lambdas/domain/opt-out-request';
import type {
  SubscriptionSchema,
  VerificationCheckSchema,
  VerificationSchema,
} from '../lambdas/domain/subscription-request';
import type {
  CampaignCreatedSchema,
  ClickToTextSchema,
  CampaignSchema,
  ConsentLogSchema,
  ConversationListSchema,
  ConversationReplyResultSchema,
  ConversationSchema,
  ConversationThreadSchema,
  EventAcceptedSchema,
  EventBatchResultSchema,
  ImportBatchResultSchema,
  ImportStatusSchema,
  FlowStatsSchema,
  ImportUploadAnswerSchema,
  MessageHistorySchema,
  MessageResultSchema,
  NumberChangeProgressSchema,
  NumberChangeSchema,
  OptOutResultSchema,
  PreferencesLinkSchema,
  ProfileExportSchema,
  ErasureSchema,
  CertificatePublicKeySchema,
  SignedCertificateSchema,
  ProfileViewSchema,
  SubscriptionResultSchema,
  VerificationStartedSchema,
} from '../lib/api/responses';
import { OptlineApiError } from './errors';
import { CLIENT_ROUTES, type ClientRoute, type OperationId } from './routes';

export type SubscriptionRequest = z.input<typeof SubscriptionSchema>;
export type VerificationRequest = z.input<typeof VerificationSchema>;
export type VerificationCheckRequest = z.input<typeof VerificationCheckSchema>;
/** `idempotencyKey` is optional here: the client makes one when it is missing. */
export type MessageRequest = Omit<z.input<typeof MessageRequestSchema>, 'idempotencyKey'> & {
  idempotencyKey?: string;
};
export type CommerceEvent = z.input<typeof CommerceEventSchema>;
/** `idempotencyKey` is optional here: the client makes one when it is missing. */
export type ConversationReply = Omit<z.input<typeof ConversationReplySchema>, 'idempotencyKey'> & {
  idempotencyKey?: string;
};
export type Conversation = z.output<typeof ConversationSchema>;
export type ConversationList = z.output<typeof ConversationListSchema>;
export type ConversationThread = z.output<typeof ConversationThreadSchema>;
export type ConversationReplyResult = z.output<typeof ConversationReplyResultSchema>;
export type CampaignRequest = z.input<typeof CampaignRequestSchema>;
export type NumberChangeRequest = z.input<typeof NumberChangeRequestSchema>;
export type OptOutRequest = z.input<typeof OptOutRequestSchema>;
export type OptOutResult = z.output<typeof OptOutResultSchema>;
export type ImportBatchRequest = z.input<typeof ImportBatchSchema>;
export type ImportUploadRequest = z.input<typeof ImportUploadSchema>;

export type Profile = z.output<typeof ProfileViewSchema>;
export type ConsentLog = z.output<typeof ConsentLogSchema>;
export type MessageHistory = z.output<typeof MessageHistorySchema>;
export type ClickToText = z.output<typeof ClickToTextSchema>;
export type PreferencesLink = z.output<typeof PreferencesLinkSchema>;
export type ProfileExport = z.output<typeof ProfileExportSchema>;
export type Erasure = z.output<typeof ErasureSchema>;
export type SignedCertificate = z.output<typeof SignedCertificateSchema>;
export type CertificatePublicKey = z.output<typeof CertificatePublicKeySchema>;
export type SubscriptionResult = z.output<typeof SubscriptionResultSchema>;
export type VerificationStarted = z.output<typeof VerificationStartedSchema>;
export type MessageResult = z.output<typeof MessageResultSchema>;
export type EventAccepted = z.output<typeof EventAcceptedSchema>;
export type EventBatchResult = z.output<typeof EventBatchResultSchema>;
/** A new campaign (201, or 202 `estimating`); a repeated create answers the campaign itself. */
export type CampaignCreated =
  z.output<typeof CampaignCreatedSchema> | (Campaign & { warnings: { code: string; message: string }[] });
export type Campaign = z.output<typeof CampaignSchema>;
export type NumberChange = z.output<typeof NumberChangeSchema>;
export type NumberChangeProgress = z.output<typeof NumberChangeProgressSchema>;
export type ImportBatchResult = z.output<typeof ImportBatchResultSchema>;
export type ImportStatus = z.output<typeof ImportStatusSchema>;
export type FlowStats = z.output<typeof FlowStatsSchema>;
export type ImportUpload = z.output<typeof ImportUploadAnswerSchema>;

export interface OptlineClientOptions {
  /** The API's base URL: the stack output `ApiUrl`, or `http://127.0.0.1:3000` locally. */
  readonly baseUrl: string;
  /** Region of the API, for the signature (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1). */
  readonly region?: string;
  /**
   * Credentials, or a provider of them. Default: the AWS SDK's default chain
   * (`fromNodeProviderChain`: environment, `profile` or AWS_PROFILE, SSO, web identity, container
   * and instance roles).
   */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Named profile for the default chain. */
  readonly profile?: string;
  /** Retries of a 429, a 503 or a lost connection (default 3). */
  readonly maxRetries?: number;
  /** A longer Retry-After (an hourly rate limit) is thrown at once, not waited out (default 30). */
  readonly maxRetryAfterSeconds?: number;
  /** Per attempt (default 30 000, API Gateway's own limit is 29 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Backoff base when no Retry-After is given (default 200 ms, doubled per attempt, with jitter). */
  readonly backoffMs?: number;
}

export interface CallOptions {
  /** For creates: the Idempotency-Key to send (default: a new random one per call, kept across retries). */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

interface Call {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

/** Path parameters are encoded, but `+` of an E.164 number stays as it is (a legal path character). */
function encodeParam(value: string): string {
  return encodeURIComponent(value).replace(/%2B/gi, '+');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

export class OptlineClient {
  private readonly baseUrl: URL;
  private readonly basePath: string;
  private readonly region: string;
  private readonly maxRetries: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;
  private signer: SignatureV4 | undefined;

  constructor(private readonly options: OptlineClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl must be an http(s) URL, got ${options.baseUrl}`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
      throw new TypeError(`baseUrl must be an http(s) URL, got ${options.baseUrl}`);
    this.baseUrl = base;
    // `https://id.execute-api.region.amazonaws.com/prod/` → `/prod`; the root → ``.
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 30;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.backoffMs = options.backoffMs ?? 200;
    this.fetchImpl = options.fetch ?? fetch;
  }

  // Profiles
  getProfile(phone: string, options: CallOptions = {}): Promise<Profile> {
    return this.body('getProfile', { params: { phone }, ...options });
  }
  getConsentLog(phone: string, options: CallOptions = {}): Promise<ConsentLog> {
    return this.body('getConsentLog', { params: { phone }, ...options });
  }
  /** A page of the number's messages, newest first; pass `nextCursor` back as `cursor` for the next. */
  getMessages(
    phone: string,
    page: { limit?: number; cursor?: string } = {},
    options: CallOptions = {},
  ): Promise<MessageHistory> {
    const query: Record<string, string> = {};
    if (page.limit !== undefined) query.limit = String(page.limit);
    if (page.cursor !== undefined) query.cursor = page.cursor;
    return this.body('getMessages', { params: { phone }, query, ...options });
  }
  /** Everything held about a number (a privacy request for access). */
  exportProfile(phone: string, options: CallOptions = {}): Promise<ProfileExport> {
    return this.body('exportProfile', { params: { phone }, ...options });
  }
  /** Erases a number, keeping its suppression record and consent log (docs/privacy.md). */
  eraseProfile(phone: string, options: CallOptions = {}): Promise<Erasure> {
    return this.body('eraseProfile', { params: { phone }, ...options });
  }
  /** The number's consent certificate, signed with the stack's KMS key (docs/consent-evidence.md). */
  getConsentCertificate(phone: string, options: CallOptions = {}): Promise<SignedCertificate> {
    return this.body('getConsentCertificate', { params: { phone }, ...options });
  }
  /** The public key that checks consent certificates. */
  getCertificatePublicKey(options: CallOptions = {}): Promise<CertificatePublicKey> {
    return this.body('getCertificatePublicKey', { ...options });
  }
  /** A fresh link to the number's preference page, for a support agent to send. */
  getPreferencesLink(phone: string, options: CallOptions = {}): Promise<PreferencesLink> {
    return this.body('getPreferencesLink', { params: { phone }, ...options });
  }

  // Subscriptions (public routes: sent unsigned)
  subscribe(request: SubscriptionRequest, options: CallOptions = {}): Promise<SubscriptionResult> {
    return this.body('subscribe', { body: request, ...options });
  }
  startVerification(request: VerificationRequest, options: CallOptions = {}): Promise<VerificationStarted> {
    return this.body('startVerification', { body: request, ...options });
  }
  checkVerification(
    request: VerificationCheckRequest,
    options: CallOptions = {},
  ): Promise<SubscriptionResult> {
    return this.body('checkVerification', { body: request, ...options });
  }

  // Messages and events
  sendMessage(request: MessageRequest, options: CallOptions = {}): Promise<MessageResult> {
    return this.body('sendMessage', { body: request, ...options });
  }
  // Conversations
  /** A page of the open conversations, most recent first; pass `nextCursor` back as `cursor`. */
  listConversations(
    page: { limit?: number; cursor?: string } = {},
    options: CallOptions = {},
  ): Promise<ConversationList> {
    const query: Record<string, string> = { state: 'open' };
    if (page.limit !== undefined) query.limit = String(page.limit);
    if (page.cursor !== undefined) query.cursor = page.cursor;
    return this.body('listConversations', { query, ...options });
  }
  getConversation(phone: string, options: CallOptions = {}): Promise<ConversationThread> {
    return this.body('getConversation', { params: { phone }, ...options });
  }
  closeConversation(
    phone: string,
    close: { agent?: string } = {},
    options: CallOptions = {},
  ): Promise<Conversation> {
    return this.body('closeConversation', { params: { phone }, body: close, ...options });
  }
  replyToConversation(
    phone: string,
    reply: ConversationReply,
    options: CallOptions = {},
  ): Promise<ConversationReplyResult> {
    return this.body('replyToConversation', { params: { phone }, body: reply, ...options });
  }

  postEvent(event: CommerceEvent, options: CallOptions = {}): Promise<EventAccepted> {
    return this.body('postEvent', { body: event, ...options });
  }
  /**
   * Up to 100 events in one request (`{ events: [ … ] }`, 207): one result per event, in order, each
   * 202 or the 4xx that event alone would get. A malformed envelope throws.
   */
  postEvents(events: readonly CommerceEvent[], options: CallOptions = {}): Promise<EventBatchResult> {
    return this.body('postEvent', { body: { events }, ...options });
  }

  // Revocations received outside SMS
  recordOptOut(request: OptOutRequest, options: CallOptions = {}): Promise<OptOutResult> {
    return this.body('recordOptOut', { body: request, ...options });
  }

  // Campaigns
  createCampaign(request: CampaignRequest, options: CallOptions = {}): Promise<CampaignCreated> {
    return this.body('createCampaign', { body: request, ...options });
  }
  getCampaign(campaignId: string, options: CallOptions = {}): Promise<Campaign> {
    return this.body('getCampaign', { params: { campaignId }, ...options });
  }
  cancelCampaign(campaignId: string, options: CallOptions = {}): Promise<Campaign> {
    return this.body('cancelCampaign', { params: { campaignId }, ...options });
  }

  // Number changes
  createNumberChange(request: NumberChangeRequest, options: CallOptions = {}): Promise<NumberChange> {
    return this.body('createNumberChange', { body: request, ...options });
  }
  getNumberChange(changeId: string, options: CallOptions = {}): Promise<NumberChangeProgress> {
    return this.body('getNumberChange', { params: { changeId }, ...options });
  }

  /**
   * An import by upload: its id and the presigned POST of the file into the import bucket. Pass the
   * same `idempotencyKey` to get the same import again (with a fresh form).
   */
  createImportUpload(request: ImportUploadRequest, options: CallOptions = {}): Promise<ImportUpload> {
    return this.body('createImportUpload', { body: request, ...options });
  }

  /** One batch of an import (`npx optline import` streams a file through this). */
  importBatch(
    importId: string,
    request: ImportBatchRequest,
    options: CallOptions = {},
  ): Promise<ImportBatchResult> {
    return this.body('importBatch', { params: { importId }, body: request, ...options });
  }

  getImport(importId: string, options: CallOptions = {}): Promise<ImportStatus> {
    return this.body('getImport', { params: { importId }, ...options });
  }

  // Flows
  /** A flow's counters, per split branch too (a flow's A/B test). */
  getFlowStats(flowId: string, options: CallOptions = {}): Promise<FlowStats> {
    return this.body('getFlowStats', { params: { flowId }, ...options });
  }

  // Links and the description
  /** Follows a short link without recording more than the click: the URL it redirects to. */
  async followLink(code: string, options: CallOptions = {}): Promise<string> {
    const response = await this.call('followLink', { params: { code }, ...options });
    return response.headers.get('location') ?? '';
  }
  /** The `sms:` link that texts an opt-in keyword to the program's number. */
  clickToText(keyword: string, options: CallOptions = {}): Promise<ClickToText> {
    return this.body('clickToText', { query: { keyword }, ...options });
  }
  getApiDescription(options: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.body('getApiDescription', options);
  }

  private async body<T>(operation: OperationId, call: Call): Promise<T> {
    return (await this.call<T>(operation, call)).body;
  }

  /** One route, with signing, idempotency and retries: the status, headers and parsed body. */
  async call<T = unknown>(operation: OperationId, call: Call = {}): Promise<ApiResponse<T>> {
    const route: ClientRoute = CLIENT_ROUTES[operation];
    const key = `${route.method} ${route.path}`;
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = call.params?.[name];
      if (value === undefined || value === '') throw new TypeError(`${key}: missing ${name}`);
      return encodeParam(value);
    });
    const url = new URL(this.baseUrl.toString());
    url.pathname = `${this.basePath}${path}`;
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    const idempotencyKey = call.idempotencyKey ?? randomUUID();
    if (route.idempotency === 'header') headers['idempotency-key'] = idempotencyKey;
    if (call.body !== undefined) {
      const payload =
        route.idempotency === 'body' &&
        (call.body as { idempotencyKey?: string }).idempotencyKey === undefined
          ? { ...(call.body as object), idempotencyKey }
          : call.body;
      body = JSON.stringify(payload);
      headers['content-type'] = 'application/json';
    } else if (route.method === 'POST') {
      body = '';
    }

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.send(route, url, headers, body, call.signal);
      } catch (error) {
        if (call.signal?.aborted || attempt >= this.maxRetries) {
          throw new OptlineApiError(
            key,
            0,
            'network_error',
            `${key}: ${(error as Error).message}`,
            undefined,
            undefined,
            undefined,
            {
              cause: error,
            },
          );
        }
        await sleep(this.backoff(attempt), call.signal);
        continue;
      }
      const text = await response.text();
      let parsed: unknown = undefined;
      if (text !== '') {
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          parsed = text;
        }
      }
      if (response.ok || (response.status >= 300 && response.status < 400)) {
        return { status: response.status, headers: response.headers, body: parsed as T };
      }
      const error = OptlineApiError.fromResponse(key, response.status, response.headers, parsed);
      const retryable = response.status === 429 || response.status === 503;
      if (!retryable || attempt >= this.maxRetries) throw error;
      if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > this.maxRetryAfterSeconds)
        throw error;
      await sleep(
        error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : this.backoff(attempt),
        call.signal,
      );
    }
  }

  private backoff(attempt: number): number {
    return this.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
  }

  private async send(
    route: ClientRoute,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    // Signed anew for every attempt: a signature is good for 5 minutes.
    const signed = route.auth === 'iam' ? await this.sign(route.method, url, headers, body) : headers;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return this.fetchImpl(url, {
      method: route.method,
      headers: Object.fromEntries(Object.entries(signed).filter(([name]) => name !== 'host')),
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  }

  private async sign(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<Record<string, string>> {
    this.signer ??= new SignatureV4({
      credentials: this.credentialProvider(),
      region: this.region,
      service: 'execute-api',
      sha256: Hash.bind(null, 'sha256'),
    });
    const request: HttpRequest = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: { ...headers, host: url.host },
      ...(body === undefined ? {} : { body }),
    };
    const signed = await this.signer.sign(request);
    return signed.headers;
  }

  private credentialProvider(): AwsCredentialIdentityProvider {
    const given = this.options.credentials;
    if (typeof given === 'function') return given;
    if (given) return () => Promise.resolve(given);
    let chain: AwsCredentialIdentityProvider | undefined;
    return async () => {
      if (!chain) {
        // Loaded when first needed: a client given credentials never loads the SDK's chain.
        const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
        chain = fromNodeProviderChain(this.options.profile ? { profile: this.options.profile } : {});
      }
      return chain();
    };
  }
}
