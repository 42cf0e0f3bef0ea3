/**
 * What happens when a subscriber texts the number. Idempotent under SNS's at-least-once delivery: the
 * inbound message is recorded under its `inboundMessageId` first, and a message already processed is
 * not processed again.
 */
import type { Clock } from '../domain/clock';
import type { ReceivedSms } from '../domain/inbound-sms';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import type { RuntimeConfig } from '../domain/runtime-config';
import type { MessageStore } from '../adapters/message-store';
import type { ProfileStore } from '../adapters/profile-store';
import type { SmsGateway } from '../adapters/sms-gateway';
import type { EventPublisher } from '../adapters/event-publisher';
import { send, type SendResult } from './send';

export interface InboundDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly phonePolicy: PhonePolicy;
  readonly profiles: ProfileStore;
  readonly messages: MessageStore;
  readonly gateway: SmsGateway;
  readonly events: EventPublisher;
}

export type InboundOutcome =
  | { readonly status: 'duplicate' }
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'processed'; readonly replies: readonly SendResult[] };

const DAY_SECONDS = 86_400;

export async function handleInboundSms(deps: InboundDeps, sms: ReceivedSms): Promise<InboundOutcome> {
  const now = deps.clock.now();
  let phone: string;
  try {
    phone = normalisePhone(sms.originationNumber, { ...deps.phonePolicy, allowedCountries: ['*'] }).e164;
  } catch {
    return { status: 'ignored', reason: 'invalid_origination_number' };
  }
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
  const reply = await send(deps, {
    to: phone,
    body: 'Thanks for your message. Reply HELP for help or STOP to opt out.',
    messageClass: 'conversational',
    inReplyTo: sms.inboundMessageId,
    idempotencyKey: `reply#${sms.inboundMessageId}`,
  });
  await deps.messages.update(recordId, { status: 'processed' });
  return { status: 'processed', replies: [reply] };
}
