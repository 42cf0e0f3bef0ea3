/** SNS (two-way channel of the phone number) → one inbound SMS per record → consent change, replies. */
import type { SNSEvent } from 'aws-lambda';
import { parseInboundSms } from '../domain/inbound-sms';
import { redactPhones } from '../domain/phone';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoConversationStore } from '../adapters/conversation-store';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { systemClock } from '../adapters/system-clock';
import { handleInboundSms, type InboundDeps } from '../services/inbound';
import { environmentOf } from '../../lib/function-environment';
import { logger, runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';
import { currentIdentityCache, smsGateway } from './shared/sms';

const environment = environmentOf('inboundSms');
let deps: InboundDeps | undefined;

function dependencies(): InboundDeps {
  const config = runtimeConfig();
  deps ??= (() => {
    const env = environment();
    // One read of the current identity a minute serves both the replies and the number texted.
    const currentIdentity = currentIdentityCache(env);
    return {
      clock: systemClock,
      config,
      profiles: new DynamoProfileStore(env.profilesTable),
      consentLog: new DynamoConsentLogStore(env.consentLogTable),
      messages: new DynamoMessageStore(env.messagesTable),
      gateway: smsGateway(env, currentIdentity),
      events: new EventBridgePublisher(env.eventBus),
      campaigns: new DynamoCampaignStore(env.campaignsTable),
      conversations: new DynamoConversationStore(env.profilesTable),
      currentNumber: async () => (await currentIdentity.get())?.phoneNumber,
    };
  })();
  return deps;
}

async function processEvent(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    let payload: unknown;
    try {
      payload = JSON.parse(record.Sns.Message);
    } catch {
      logger.error('Inbound SNS message is not JSON; dropped', { snsMessageId: record.Sns.MessageId });
      continue;
    }
    const sms = parseInboundSms(payload);
    if (!sms) {
      logger.error('Inbound SNS message is not an SMS event; dropped', {
        snsMessageId: record.Sns.MessageId,
      });
      continue;
    }
    const outcome = await handleInboundSms(dependencies(), {
      ...sms,
      receivedAt: new Date(record.Sns.Timestamp).toISOString(),
    });
    if (outcome.status === 'not_applied') {
      logger.error('Inbound SMS: consent change not applied (recorded as such in the consent log)', {
        inboundMessageId: sms.inboundMessageId,
        reason: outcome.reason,
      });
    }
    logger.info('Inbound SMS handled', {
      from: redactPhones(sms.originationNumber, environment().logPii),
      inboundMessageId: sms.inboundMessageId,
      outcome: outcome.status,
    });
  }
}

export const handler = eventHandler(environment, processEvent);
