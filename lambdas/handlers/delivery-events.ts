/** SNS (configuration set event destination) → message status, profile error state, campaign counters. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SNSEvent } from 'aws-lambda';
import { DeliveryEventSchema } from '../domain/delivery-events';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { recordDeliveryEvent, type DeliveryDeps } from '../services/engagement';
import { logger } from './shared/runtime';
import { metricsFlusher } from '../adapters/metrics';

let deps: DeliveryDeps | undefined;
function dependencies(): DeliveryDeps {
  deps ??= {
    clock: systemClock,
    messages: new DynamoMessageStore(),
    profiles: new DynamoProfileStore(),
    campaigns: new DynamoCampaignStore(),
    events: new EventBridgePublisher(),
  };
  return deps;
}

async function receive(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    let payload: unknown;
    try {
      payload = JSON.parse(record.Sns.Message);
    } catch {
      logger.error('Delivery event is not JSON; dropped', { snsMessageId: record.Sns.MessageId });
      continue;
    }
    const parsed = DeliveryEventSchema.safeParse(payload);
    if (!parsed.success) {
      logger.error('Delivery event has an unexpected shape; dropped', { snsMessageId: record.Sns.MessageId });
      continue;
    }
    const outcome = await recordDeliveryEvent(dependencies(), parsed.data);
    logger.debug('Delivery event recorded', { eventType: parsed.data.eventType, ...outcome });
  }
}

export const handler = middy(receive)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(metricsFlusher());
