/**
 * SQS (the configuration set's event destination topic, raw) → message status, profile error state,
 * campaign counters, in batches; records that could not be recorded go back to the queue.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DeliveryEventSchema } from '../domain/delivery-events';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { recordDeliveryEvents, type DeliveryDeps, type QueuedDeliveryEvent } from '../services/engagement';
import { environmentOf } from '../../lib/function-environment';
import { logger } from './shared/runtime';
import { eventHandler } from './shared/event-handler';

const environment = environmentOf('deliveryEvents');

let deps: DeliveryDeps | undefined;
function dependencies(): DeliveryDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    messages: new DynamoMessageStore(env.messagesTable),
    profiles: new DynamoProfileStore(env.profilesTable),
    campaigns: new DynamoCampaignStore(env.campaignsTable),
    events: new EventBridgePublisher(env.eventBus),
  };
  return deps;
}

async function receive(event: SQSEvent): Promise<SQSBatchResponse> {
  const batch: QueuedDeliveryEvent[] = [];
  for (const record of event.Records) {
    let payload: unknown;
    try {
      payload = JSON.parse(record.body);
    } catch {
      // Not retried: the same bytes would fail the same way.
      logger.error('Delivery event is not JSON; dropped', { sqsMessageId: record.messageId });
      continue;
    }
    const parsed = DeliveryEventSchema.safeParse(payload);
    if (!parsed.success) {
      logger.error('Delivery event has an unexpected shape; dropped', { sqsMessageId: record.messageId });
      continue;
    }
    batch.push({ id: record.messageId, event: parsed.data });
  }
  const { failedIds, uncounted, unpublished } = await recordDeliveryEvents(dependencies(), batch);
  if (failedIds.length > 0) logger.warn('Delivery events to retry', { count: failedIds.length });
  if (uncounted.length > 0) logger.error('Campaign counters not updated', { campaignIds: uncounted });
  if (unpublished > 0) logger.error('Delivery bus events not published', { count: unpublished });
  return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = eventHandler(environment, receive);
