/** EventBridge Scheduler `{ campaignId, timeZone? }` → eligible recipients enqueued for the paced sender. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { SqsQueueSender } from '../adapters/queue-sender';
import { systemClock } from '../adapters/system-clock';
import { dispatchCampaign, type DispatchDeps } from '../services/campaigns';
import { logger, requiredEnv, runtimeConfig } from './shared/runtime';

const InputSchema = z.object({ campaignId: z.string().min(1), timeZone: z.string().optional() });

let deps: DispatchDeps | undefined;
function dependencies(): DispatchDeps {
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    campaigns: new DynamoCampaignStore(),
    profiles: new DynamoProfileStore(),
    queue: new SqsQueueSender(),
    queueUrl: requiredEnv('CAMPAIGN_QUEUE_URL'),
  };
  return deps;
}

async function dispatch(event: unknown) {
  const input = InputSchema.parse(event);
  const result = await dispatchCampaign(dependencies(), input);
  logger.info('Campaign dispatched', { ...input, ...result });
  return result;
}

export const handler = middy(dispatch).use(injectLambdaContext(logger, { resetKeys: true }));
