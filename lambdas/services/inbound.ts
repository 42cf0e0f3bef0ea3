/**
 * What happens when a subscriber texts the number. Idempotent under SNS's at-least-once delivery:
 * - a consent keyword is recorded as a consent event keyed by the inbound message id (see
 *   consent-recorder.ts): a duplicate finds it and changes and sends nothing new;
 * - HELP is answered once per inbound message (the reply's id is derived from it);
 * - anything else is stored under the inbound message id and published once.
 */
import type { Clock } from '../domain/clock';
import { consentStateOf } from '../domain/consent';
import { decideInbound } from '../domain/consent-engine';
import type { ReceivedSms } from '../domain/inbound-sms';
import { matchKeyword } from '../domain/keywords';
import { isE164 } from '../domain/phone';
import { requiresDoubleOptIn } from '../domain/subscription-engine';
import type { RuntimeConfig } from '../domain/runtime-config';
import type { CampaignStore } from '../domain/stores/campaign';
import type { ConversationStore } from '../domain/stores/conversation';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import type { EventPublisher } from '../domain/ports/event-publisher';
import type { MessageStore } from '../domain/stores/message';
import type { ProfileStore } from '../domain/stores/profile';
import type { SmsGateway } from '../domain/ports/sms-gateway';
import { countMetric } from '../domain/metric-counts';
import { ConsentChangeNotAppliedError, recordConsent, type RecordOutcome } from './consent-recorder';
import { closeConversation, recordConversationMessage } from './conversations';
import { send, type SendResult } from './send';

/** Opt-outs within this long after a campaign text count against that campaign. */
const OPT_OUT_ATTRIBUTION_MS = 5 * 24 * 3600 * 1000;

async function countCampaignOptOut(deps: InboundDeps, phone: string, now: Date): Promise<void> {
  const last = (await deps.profiles.get(phone))?.lastOutbound;
  if (!last?.campaignId || now.getTime() - Date.parse(last.at) > OPT_OUT_ATTRIBUTION_MS) return;
  await deps.campaigns.addCounters(last.campaignId, { optOuts: 1 });
}

export interface InboundDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly profiles: ProfileStore;
  readonly consentLog: ConsentLogStore;
  readonly messages: MessageStore;
  readonly gateway: SmsGateway;
  readonly events: EventPublisher;
  readonly campaigns: CampaignStore;
  readonly conversations: ConversationStore;
  /** After a number change, the number now in use: a text to the old one is answered from the old one. */
  readonly currentNumber?: () => Promise<string | undefined>;
}

export type InboundOutcome =
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'duplicate' }
  | {
      readonly status: 'consent';
      readonly action: string;
      readonly applied: boolean;
      readonly replayed: boolean;
      readonly replies: readonly SendResult[];
    }
  | { readonly status: 'replied'; readonly replies: readonly SendResult[] }
  | { readonly status: 'conversational' }
  /** The change could never be applied: the consent log says so, and a retry would find the same. */
  | { readonly status: 'not_applied'; readonly reason: string };

const DAY_SECONDS = 86_400;

export async function handleInboundSms(deps: InboundDeps, sms: ReceivedSms): Promise<InboundOutcome> {
  // End User Messaging gives the sender's number in E.164, the form every table is keyed by. It is
  // taken as it is, whatever the country and whether or not libphonenumber's metadata knows its
  // range yet: a STOP from any number that can text is honoured, even where the program does not send.
  const phone = sms.originationNumber;
  if (!isE164(phone)) return { status: 'ignored', reason: 'invalid_origination_number' };
  const intent = matchKeyword(sms.messageBody, deps.config.keywords);
  // During a number change both numbers receive texts: answer from the number the person texted.
  const current = await deps.currentNumber?.();
  const replyFrom = current && sms.destinationNumber !== current ? sms.destinationNumber : undefined;
  countMetric('InboundMessages');
  if (intent.kind !== 'none') {
    countMetric('KeywordHits', [
      'Keyword',
      intent.kind === 'opt_out' && intent.natural ? 'natural_opt_out' : intent.kind,
    ]);
  }
  const now = deps.clock.now();

  const outcome = await recordConsentOrNotApplied(
    deps,
    {
      phone,
      at: sms.receivedAt,
      eventId: `sms-${sms.inboundMessageId}`,
      evidence: {
        method: 'keyword',
        ...(intent.kind !== 'none' ? { keyword: intent.keyword } : {}),
        ...(intent.kind === 'opt_out' ? { naturalLanguage: intent.natural } : {}),
        inboundMessageId: sms.inboundMessageId,
        messageBody: sms.messageBody,
        originationNumber: phone,
        destinationNumber: sms.destinationNumber,
      },
      activity: { lastInboundAt: sms.receivedAt },
      inReplyTo: sms.inboundMessageId,
      ...(replyFrom ? { replyFrom } : {}),
    },
    (profile) =>
      decideInbound(
        consentStateOf(profile),
        intent,
        {
          phone,
          at: sms.receivedAt,
          inboundMessageId: sms.inboundMessageId,
          body: sms.messageBody,
          now,
          consentUpdatedAt: profile?.consentUpdatedAt,
          lastOutboundCampaignId: profile?.lastOutbound?.campaignId,
        },
        { ...deps.config, doubleOptIn: requiresDoubleOptIn(deps.config, phone) },
      ),
  );

  if (outcome.status === 'not_applied') return outcome;
  if (
    outcome.status === 'recorded' &&
    !outcome.replayed &&
    outcome.event.applied &&
    outcome.event.action === 'opted_out'
  ) {
    countMetric('OptOuts');
    await countCampaignOptOut(deps, phone, now);
  }
  if (outcome.status === 'recorded' && outcome.event.action === 'opted_out') {
    await closeConversationOnOptOut(deps, phone, sms, now);
  }
  if (outcome.status === 'recorded') {
    return {
      status: 'consent',
      action: outcome.event.action,
      applied: outcome.event.applied,
      replayed: outcome.replayed,
      replies: outcome.replies,
    };
  }

  const { decision } = outcome;
  if (decision.kind === 'reply') {
    const replies: SendResult[] = [];
    for (const reply of decision.replies) {
      replies.push(
        await send(deps, {
          to: phone,
          body: reply.body,
          messageClass: reply.messageClass,
          idempotencyKey: reply.key,
          inReplyTo: sms.inboundMessageId,
          profile: outcome.profile ?? null,
          ...(replyFrom ? { from: replyFrom } : {}),
        }),
      );
    }
    return { status: 'replied', replies };
  }

  return recordConversational(deps, phone, sms, now);
}

/** Records the input; a change that can never be applied is an answer here, not a failed invocation. */
async function recordConsentOrNotApplied<D extends { kind: string }>(
  ...args: Parameters<typeof recordConsent<D>>
): Promise<RecordOutcome<D> | { readonly status: 'not_applied'; readonly reason: string }> {
  try {
    return await recordConsent(...args);
  } catch (error) {
    if (error instanceof ConsentChangeNotAppliedError) return { status: 'not_applied', reason: error.reason };
    throw error;
  }
}

/** Stores a free-text message and publishes it once; no automatic reply (a human or a rule may answer). */
async function recordConversational(
  deps: InboundDeps,
  phone: string,
  sms: ReceivedSms,
  now: Date,
): Promise<InboundOutcome> {
  const recordId = `in#${sms.inboundMessageId}`;
  const existing = await deps.messages.get(recordId);
  if (existing?.status === 'processed') return { status: 'duplicate' };
  if (!existing) {
    await deps.messages.putIfAbsent({
      messageId: recordId,
      phone,
      at: sms.receivedAt,
      direction: 'inbound',
      status: 'received',
      body: sms.messageBody,
      originationNumber: sms.destinationNumber,
      expiresAt: Math.floor(now.getTime() / 1000) + deps.config.messageRetentionDays * DAY_SECONDS,
    });
  }
  await deps.profiles.recordActivity(phone, { lastInboundAt: sms.receivedAt }, now.toISOString());
  await recordConversationMessage(conversationDeps(deps), {
    phone,
    messageId: recordId,
    at: sms.receivedAt,
    direction: 'inbound',
    body: sms.messageBody,
    inboundMessageId: sms.inboundMessageId,
  });
  await deps.events.publish([
    {
      type: 'InboundMessageReceived',
      at: sms.receivedAt,
      detail: {
        eventId: recordId,
        phone,
        body: sms.messageBody,
        inboundMessageId: sms.inboundMessageId,
        destinationNumber: sms.destinationNumber,
        previousPublishedMessageId: sms.previousPublishedMessageId ?? null,
      },
    },
  ]);
  await deps.messages.update(recordId, { status: 'processed' });
  return { status: 'conversational' };
}

function conversationDeps(deps: InboundDeps) {
  return {
    clock: deps.clock,
    settings: deps.config.conversations,
    conversations: deps.conversations,
    events: deps.events,
  };
}

/**
 * Keywords keep precedence in a conversation: a STOP is an opt-out (recorded above), and it closes
 * the open conversation, with the STOP itself kept in the thread so whoever answers sees why.
 */
async function closeConversationOnOptOut(
  deps: InboundDeps,
  phone: string,
  sms: ReceivedSms,
  now: Date,
): Promise<void> {
  const profile = await deps.profiles.get(phone);
  if (profile?.conversationOpen !== 'open') return;
  await deps.messages.putIfAbsent({
    messageId: `in#${sms.inboundMessageId}`,
    phone,
    at: sms.receivedAt,
    direction: 'inbound',
    status: 'processed',
    body: sms.messageBody,
    originationNumber: sms.destinationNumber,
    expiresAt: Math.floor(now.getTime() / 1000) + deps.config.messageRetentionDays * DAY_SECONDS,
  });
  await closeConversation(conversationDeps(deps), profile, 'opt_out');
}
