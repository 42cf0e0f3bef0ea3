/** EventBridge Scheduler `{ campaignId, timeZone? }` → eligible recipients enqueued for the paced sender. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { SqsQueueSender } from '../adapters/queue-sender';
import { systemClock } from '../adapters/system-clock';
import { dispatchCampaign, type DispatchDeps } from '../services/campaigns';
import { switchNumber } from '../services/number-changes';
import { DynamoNumberChangeStore } from '../adapters/number-change-store';
import { logger, requiredEnv, runtimeConfig } from './shared/runtime';
import { metricsFlusher } from '../adapters/metrics';
import { tracingMiddleware } from '../adapters/tracer';

const InputSchema = z.union([
  z.object({ action: z.literal('switchNumber'), changeId: z.string().min(1) }),
  z.object({ campaignId: z.string().min(1), timeZone: z.string().optional() }),
]);

let numberChanges: DynamoNumberChangeStore | undefined;
let deps: DispatchDeps | undefined;
/** The dispatcher's adapters, made on first use, once per environment (exported for tests). */
export function dependencies(): DispatchDeps {
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
  if ('action' in input) {
    const switched = await switchNumber(
      { numberChanges: (numberChanges ??= new DynamoNumberChangeStore()), clock: systemClock },
      input.changeId,
    );
    logger.info('Sending number switched', { changeId: input.changeId, ...switched });
    return switched;
  }
  const result = await dispatchCampaign(dependencies(), input);
  logger.info('Campaign dispatched', { ...input, ...result });
  return result;
}

export const handler = middy(dispatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(tracingMiddleware())
  .use(metricsFlusher());
