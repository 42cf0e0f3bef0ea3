/**
 * `send()`: the one outbound path. Every message (keyword reply, flow step, campaign, API send) comes
 * through here, so consent, opt-out and the other rules are checked at the moment of sending and every
 * decision not to send is recorded with its reason.
 *
 * Duplicates: the message id is derived from the caller's idempotency key. End User Messaging has
 * no idempotency token, so a crash between recording and sending forces a choice per class:
 * - marketing, transactional and conversational texts are at most once: the id is claimed with a
 *   conditional put before End User Messaging is called, a retry finds the claim and sends nothing,
 *   and a crash between claim and call loses that one text rather than sending it twice (a throttled
 *   send, or a server error the SDK's retries did not clear, frees the claim for the caller's retry:
 *   End User Messaging did not take the text). A caller that sets `reportClaim` (the campaign sender)
 *   is shown the claim it found and may recover that text: a claim still unconfirmed
 *   `CLAIM_CONFIRMATION_SECONDS` after it was made, with neither End User Messaging's message id nor
 *   a delivery event on it, is sent again with `takeOverClaim` (campaign-send-decision.ts decides);
 * - compliance texts (opt-out confirmation, HELP answer, opt-in request) are at least once: they are
 *   recorded after the call, so a crash can repeat one but never drop it.
 */
import type { Clock } from '../domain/clock';
import { encodeForSending } from '../domain/message-format';
import { messageTypeFor, outboundBody, type MessageClass } from '../domain/messages';
import type { Profile } from '../domain/profile';
import type { RuntimeConfig } from '../domain/runtime-config';
import { decideSend, type DeferReason, type SkipReason } from '../domain/send-policy';
import { countMetric } from '../domain/metric-counts';
import type { MessageRecord, MessageStore } from '../domain/stores/message';
import type { ProfileStore } from '../domain/stores/profile';
import { OptedOutAtCarrierError, SmsOutcomeUnknownError, SmsRetryableError } from '../domain/sms-errors';
import { type SmsGateway } from '../domain/ports/sms-gateway';

export interface SendDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly profiles: ProfileStore;
  readonly messages: MessageStore;
  readonly gateway: SmsGateway;
}

export interface SendRequest {
  /** E.164 destination (normalised by the caller). */
  readonly to: string;
  readonly body: string;
  readonly messageClass: MessageClass;
  /** Same key, same message: a retry with it sends nothing. */
  readonly idempotencyKey: string;
  readonly inReplyTo?: string;
  /** Who wrote a conversational reply. */
  readonly agent?: string;
  /** A reply written in a conversation, held by quiet hours outside the reply window. */
  readonly conversationReply?: boolean;
  readonly campaignId?: string;
  /** The A/B variant of the campaign the text is (recorded on its message). */
  readonly variant?: string;
  readonly flowId?: string;
  readonly pausedProperties?: readonly string[];
  /** Marketing: the preference topic the text is about (skipped as `topic_off` when turned off). */
  readonly topic?: string;
  /** A transactional text the recipient asked for just now (one-time code). */
  readonly requestedByRecipient?: boolean;
  /** A transactional text about an order whose updates the recipient asked for at checkout. */
  readonly orderConsent?: boolean;
  /** Respect quiet hours: marketing unless false, transactional only when true. */
  readonly quietHours?: boolean;
  /** Origination identity (a number or ARN) other than the default: replies from the number texted. */
  readonly from?: string;
  /** Marketing: respect smart sending (default true). */
  readonly smartSending?: boolean;
  /** Latest useful send time: a quiet-hours deferral past it skips the message. */
  readonly deadline?: Date;
  readonly mediaUrls?: readonly string[];
  /** The profile when the caller already read it (saves a read); otherwise it is loaded. */
  readonly profile?: Profile | null;
  /**
   * A message id found claimed is answered `duplicate` with the claim as read, for the caller to
   * decide on: one still `sending` and unconfirmed (its sender died between claiming and calling End
   * User Messaging) may be sent with `takeOverClaim`. Campaigns set it.
   */
  readonly reportClaim?: boolean;
  /**
   * The `at` of a claim found unconfirmed that the caller decided to send: it is taken over (a
   * conditional update on that time, so of two retries one sends) instead of claimed anew, and the
   * answer is `duplicate` when anything moved it on since it was read.
   */
  readonly takeOverClaim?: string;
  /** Update the profile's last-SMS time (default true; false when the caller's own write does it). */
  readonly recordProfileActivity?: boolean;
  /**
   * Let the SDK retry a refusal for now (throttling, 5xx) within the call, as for compliance texts,
   * rather than the caller: for a text decided on a state the caller does not read again (a keyword's
   * reply, decided with the consent change it answers), which a retry would send unchanged anyway.
   */
  readonly retryWithinCall?: boolean;
}

export type SendResult =
  | {
      readonly status: 'sent';
      readonly messageId: string;
      readonly awsMessageId: string;
      /** The text as sent (smart encoding applied). */
      readonly body: string;
      /** Billable SMS segments of the text (absent for an MMS, billed per message). */
      readonly segments?: number;
    }
  | { readonly status: 'skipped'; readonly messageId: string; readonly reason: SkipReason }
  /** `claim`: the record found under the message id, when the caller asked (`reportClaim`). */
  | { readonly status: 'duplicate'; readonly messageId: string; readonly claim?: MessageRecord }
  /** Quiet hours or a state cap (nothing recorded): send again with the same key at `until`. */
  | {
      readonly status: 'deferred';
      readonly messageId: string;
      readonly until: string;
      readonly reason: DeferReason;
    };

const DAY_SECONDS = 86_400;
/** Decisions made again when a state-cap reservation lost a race, before giving up for a retry. */
const STATE_CAP_ATTEMPTS = 5;

export class StateCapContentionError extends Error {
  override readonly name = 'StateCapContentionError';
}

export async function send(deps: SendDeps, request: SendRequest, attempt = 1): Promise<SendResult> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const messageId = request.idempotencyKey;
  const profile =
    request.profile === undefined ? await deps.profiles.get(request.to) : (request.profile ?? undefined);
  const body = outboundBody(request.body, request.messageClass, profile, deps.config);
  // What End User Messaging gets (smart encoding), and what it bills: an MMS is one message whatever
  // its text, so only SMS records carry segments and encoding. The record keeps the text as written.
  const outbound = encodeForSending(body, deps.config.sending.smartEncoding);
  const mms = (request.mediaUrls?.length ?? 0) > 0;
  const base = {
    messageId,
    phone: request.to,
    at,
    direction: 'outbound' as const,
    body,
    ...(mms ? {} : { segments: outbound.segments, encoding: outbound.encoding }),
    messageClass: request.messageClass,
    campaignId: request.campaignId,
    ...(request.variant ? { variant: request.variant } : {}),
    flowId: request.flowId,
    inReplyTo: request.inReplyTo,
    ...(request.agent ? { agent: request.agent } : {}),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.config.messageRetentionDays * DAY_SECONDS,
  };

  const decision = decideSend(
    profile,
    {
      messageClass: request.messageClass,
      inReplyTo: request.inReplyTo,
      conversationReply: request.conversationReply,
      pausedProperties: request.pausedProperties,
      ...(request.topic !== undefined ? { topic: request.topic } : {}),
      requestedByRecipient: request.requestedByRecipient,
      orderConsent: request.orderConsent,
      quietHours: request.quietHours,
      smartSending: request.smartSending,
      deadline: request.deadline,
      messageId,
    },
    {
      now,
      phone: request.to,
      defaultTimeZone: deps.config.defaultTimeZone,
      quietHours: deps.config.quietHours,
      smartSendingHours: deps.config.smartSendingHours,
      conversations: deps.config.conversations,
    },
  );
  if (!decision.send && 'deferUntil' in decision) {
    return {
      status: 'deferred',
      messageId,
      until: decision.deferUntil.toISOString(),
      reason: decision.reason,
    };
  }
  if (!decision.send) {
    return (await recordSkip(deps, base, decision.reason))
      ? { status: 'skipped', messageId, reason: decision.reason }
      : { status: 'duplicate', messageId };
  }
  // A state cap's slot is taken before the claim, under the message id: a retry finds its own entry,
  // and of two sends racing for the last slot one writes first and the other decides again.
  if (
    decision.stateCap &&
    (await deps.profiles.reserveStateCapSends(request.to, decision.stateCap)) === 'stale'
  ) {
    if (attempt >= STATE_CAP_ATTEMPTS)
      throw new StateCapContentionError(`the state-cap window of ${request.to} kept changing`);
    return send(deps, { ...request, profile: undefined }, attempt + 1);
  }

  const atLeastOnce = request.messageClass === 'compliance';
  if (atLeastOnce) {
    if (await deps.messages.get(messageId)) return { status: 'duplicate', messageId };
  } else if (request.takeOverClaim !== undefined) {
    if (!(await deps.messages.reclaim(messageId, request.takeOverClaim, at, body)))
      return { status: 'duplicate', messageId };
    countMetric('ClaimsResent', ['MessageClass', request.messageClass]);
  } else if (!(await deps.messages.putIfAbsent({ ...base, status: 'sending' }))) {
    const claim = request.reportClaim ? await deps.messages.get(messageId) : undefined;
    return claim ? { status: 'duplicate', messageId, claim } : { status: 'duplicate', messageId };
  }

  let awsMessageId: string;
  try {
    ({ awsMessageId } = await deps.gateway.send({
      to: request.to,
      body: outbound.text,
      messageType: messageTypeFor(request.messageClass),
      // Every class but compliance was decided on the recipient's consent: a retry must decide again
      // (the caller's retry comes back through here), not be resent later by the SDK.
      callerRetries: !atLeastOnce && !request.retryWithinCall,
      mediaUrls: request.mediaUrls,
      maxPrice: deps.config.sending.maxPricePerPartUsd.toFixed(5),
      timeToLive: deps.config.sending.timeToLiveSeconds[request.messageClass],
      ...(request.from ? { originationIdentity: request.from } : {}),
      context: {
        messageId,
        ...(request.campaignId ? { campaignId: request.campaignId } : {}),
        ...(request.flowId ? { flowId: request.flowId } : {}),
      },
    }));
  } catch (error) {
    if (error instanceof OptedOutAtCarrierError) {
      countMetric('MessagesSkipped', ['Reason', 'opt_out_list']);
      if (atLeastOnce)
        await deps.messages.putIfAbsent({ ...base, status: 'skipped', reason: 'opt_out_list' });
      else await deps.messages.update(messageId, { status: 'skipped', reason: 'opt_out_list' });
      return { status: 'skipped', messageId, reason: 'opt_out_list' };
    }
    if (atLeastOnce) throw error;
    // No answer: the claim stays `sending` until a delivery event settles it or, for a caller that
    // resends unconfirmed claims, CLAIM_CONFIRMATION_SECONDS pass without one.
    if (error instanceof SmsOutcomeUnknownError) throw error;
    if (error instanceof SmsRetryableError) {
      // Throttled, or a server error after the SDK's retries: not accepted, so free the id for the
      // caller's retry.
      await deps.messages.releaseClaim(messageId);
    } else {
      await deps.messages.update(messageId, { status: 'failed', reason: errorName(error) });
    }
    throw error;
  }

  countMetric('MessagesSent', ['MessageClass', request.messageClass]);
  if (atLeastOnce) await deps.messages.putIfAbsent({ ...base, status: 'sent', awsMessageId });
  else await deps.messages.markSent(messageId, awsMessageId);
  const sent = {
    status: 'sent',
    messageId,
    awsMessageId,
    body: outbound.text,
    ...(mms ? {} : { segments: outbound.segments }),
  } as const;
  if (request.recordProfileActivity === false) return sent;
  await deps.profiles.recordActivity(
    request.to,
    {
      lastSmsAt: at,
      // The first marketing text to a number carries the opt-out language; later ones need not.
      ...(request.messageClass === 'marketing' ? { lastMarketingAt: at } : {}),
      lastOutbound: {
        messageId,
        at,
        awsMessageId,
        ...(request.campaignId ? { campaignId: request.campaignId } : {}),
      },
    },
    at,
  );
  return sent;
}

/**
 * A decision not to send, recorded once under the message id; false when it was already recorded (a
 * retry with the same key), so whoever counts skips counts each recipient once.
 */
function recordSkip(
  deps: SendDeps,
  base: Omit<MessageRecord, 'status' | 'reason'>,
  reason: string,
): Promise<boolean> {
  countMetric('MessagesSkipped', ['Reason', reason]);
  return deps.messages.putIfAbsent({ ...base, status: 'skipped', reason });
}

/**
 * A recipient the caller ruled out before calling `send()` (a campaign's send-time check: opted out,
 * paused, in the error segment…), recorded like `send()`'s own skips. False when the message id was
 * already recorded (a redelivered batch): the skip was counted the first time.
 */
export function skipWithoutSending(
  deps: SendDeps,
  request: Pick<SendRequest, 'to' | 'body' | 'messageClass' | 'idempotencyKey' | 'campaignId'>,
  reason: string,
): Promise<boolean> {
  const now = deps.clock.now();
  return recordSkip(
    deps,
    {
      messageId: request.idempotencyKey,
      phone: request.to,
      at: now.toISOString(),
      direction: 'outbound',
      body: request.body,
      messageClass: request.messageClass,
      campaignId: request.campaignId,
      expiresAt: Math.floor(now.getTime() / 1000) + deps.config.messageRetentionDays * DAY_SECONDS,
    },
    reason,
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}
