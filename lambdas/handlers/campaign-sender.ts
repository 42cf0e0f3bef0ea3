/** SQS (campaign recipients) → texts at the paced rate → partial batch failures for SQS to redeliver. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { queues } from '../../lib/catalog';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoLinkStore } from '../adapters/link-store';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { SqsQueueSender } from '../adapters/queue-sender';
import { EndUserMessagingGateway } from '../adapters/sms-gateway';
import { systemClock } from '../adapters/system-clock';
import { sendCampaignBatch, type QueuedRecipients, type SenderDeps } from '../services/campaign-sender';
import { Pacer } from '../services/pacer';
import { logger, requiredEnv, runtimeConfig } from './shared/runtime';
import { metricsFlusher } from '../adapters/metrics';

const BodySchema = z.object({
  campaignId: z.string().min(1),
  recipients: z.array(z.string()).min(1).max(500),
});

let deps: Omit<SenderDeps, 'pacer'> | undefined;
let pacer: Pacer | undefined;
function dependencies(): SenderDeps {
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    campaigns: new DynamoCampaignStore(),
    profiles: new DynamoProfileStore(),
    messages: new DynamoMessageStore(),
    links: new DynamoLinkStore(),
    gateway: new EndUserMessagingGateway(),
    queue: new SqsQueueSender(),
    queueUrl: requiredEnv('CAMPAIGN_QUEUE_URL'),
    linkBase: requiredEnv('LINK_BASE_URL'),
    parallelism: 64,
  };
  // Each of the queue's concurrent consumers takes an equal share of the number's throughput.
  const mps = Number(requiredEnv('ORIGINATION_MPS')) / queues.campaignSends.maxConcurrency;
  pacer ??= new Pacer(mps);
  return { ...deps, pacer };
}

async function drain(event: SQSEvent): Promise<SQSBatchResponse> {
  const batch: QueuedRecipients[] = [];
  const malformed: string[] = [];
  for (const record of event.Records) {
    const parsed = BodySchema.safeParse(JSON.parse(record.body) as unknown);
    if (parsed.success) batch.push({ messageId: record.messageId, ...parsed.data });
    else malformed.push(record.messageId);
  }
  if (malformed.length > 0)
    logger.error('Malformed campaign queue messages dropped', { count: malformed.length });
  const { failedMessageIds } = await sendCampaignBatch(dependencies(), batch);
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy(drain)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(metricsFlusher());
