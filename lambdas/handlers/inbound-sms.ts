/** SNS (two-way channel of the phone number) → one inbound SMS per record → consent change, replies. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SNSEvent } from 'aws-lambda';
import { parseInboundSms } from '../domain/inbound-sms';
import { redactPhones } from '../domain/phone';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoMessageStore } from '../adapters/message-store';
import { CurrentIdentityCache, DynamoNumberChangeStore } from '../adapters/number-change-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EndUserMessagingGateway } from '../adapters/sms-gateway';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { systemClock } from '../adapters/system-clock';
import { handleInboundSms, type InboundDeps } from '../services/inbound';
import { logger, runtimeConfig } from './shared/runtime';
import { metricsFlusher } from '../adapters/metrics';
import { tracingMiddleware } from '../adapters/tracer';

const currentIdentity = new CurrentIdentityCache(new DynamoNumberChangeStore());
let deps: InboundDeps | undefined;

function dependencies(): InboundDeps {
  const config = runtimeConfig();
  deps ??= {
    clock: systemClock,
    config,
    profiles: new DynamoProfileStore(),
    consentLog: new DynamoConsentLogStore(),
    messages: new DynamoMessageStore(),
    gateway: new EndUserMessagingGateway(),
    events: new EventBridgePublisher(),
    campaigns: new DynamoCampaignStore(),
    currentNumber: async () => (await currentIdentity.get())?.phoneNumber,
  };
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
      from: redactPhones(sms.originationNumber, process.env.OPTLINE_LOG_PII === 'true'),
      inboundMessageId: sms.inboundMessageId,
      outcome: outcome.status,
    });
  }
}

export const handler = middy(processEvent)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(tracingMiddleware())
  .use(metricsFlusher());
