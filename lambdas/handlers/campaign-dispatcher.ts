/**
 * EventBridge Scheduler targets: `{ campaignId, timeZone? }` → eligible recipients enqueued for the
 * paced sender; `{ action: 'estimate', campaignId }` → the audience count a create call ran out of time
 * for, then the campaign's dispatch schedules (which target this function); `{ action: 'decideWinner',
 * campaignId }` → an A/B campaign's winner decided and sent to the rest; `{ action: 'switchNumber' }`.
 */
import type { Context } from 'aws-lambda';
import * as z from '../domain/zod';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { SqsQueueSender } from '../adapters/queue-sender';
import { EventBridgeScheduler } from '../adapters/scheduler';
import { systemClock } from '../adapters/system-clock';
import {
  decideWinnerAndSendRest,
  dispatchCampaign,
  finishEstimate,
  type DispatchDeps,
  type EstimateDeps,
} from '../services/campaigns';
import { switchNumber } from '../services/number-switch';
import { DynamoNumberChangeStore } from '../adapters/number-change-store';
import { environmentOf } from '../../lib/function-environment';
import { logger, phonePolicy, runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';

const InputSchema = z.union([
  z.object({ action: z.literal('switchNumber'), changeId: z.string().check(z.minLength(1)) }),
  z.object({ action: z.literal('estimate'), campaignId: z.string().check(z.minLength(1)) }),
  z.object({ action: z.literal('decideWinner'), campaignId: z.string().check(z.minLength(1)) }),
  z.object({ campaignId: z.string().check(z.minLength(1)), timeZone: z.optional(z.string()) }),
]);

const environment = environmentOf('campaignDispatcher');

let numberChanges: DynamoNumberChangeStore | undefined;
let deps: DispatchDeps | undefined;
/** The dispatcher's adapters, made on first use, once per environment (exported for tests). */
export function dependencies(): DispatchDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    campaigns: new DynamoCampaignStore(env.campaignsTable),
    profiles: new DynamoProfileStore(env.profilesTable),
    queue: new SqsQueueSender(),
    queueUrl: env.campaignSendsQueueUrl,
  };
  return deps;
}

let scheduler: EventBridgeScheduler | undefined;
/** What finishing an estimate needs besides the dispatcher's own adapters: schedules that target it. */
function estimateDependencies(functionArn: string): EstimateDeps {
  const { clock, config, campaigns, profiles } = dependencies();
  const env = environment();
  return {
    clock,
    config,
    campaigns,
    profiles,
    scheduler: (scheduler ??= new EventBridgeScheduler({
      roleArn: env.schedulerRole,
      groupName: env.scheduleGroup,
      deadLetterQueueArn: env.schedulerDeadLetterQueue,
    })),
    // This function's own ARN: its environment cannot name it (a template cannot refer to itself).
    dispatcherArn: functionArn,
    originationCountry: phonePolicy(config).defaultCountry,
    linkBase: env.linkBase,
  };
}

async function dispatch(event: unknown, context: Context) {
  const input = InputSchema.parse(event);
  if ('action' in input && input.action === 'estimate') {
    const result = await finishEstimate(estimateDependencies(context.invokedFunctionArn), input.campaignId);
    logger.info('Campaign estimate finished', { ...input, ...result });
    return result;
  }
  if ('action' in input && input.action === 'decideWinner') {
    const result = await decideWinnerAndSendRest(dependencies(), input.campaignId);
    logger.info('Campaign winner decided', { ...input, ...result });
    return result;
  }
  if ('action' in input) {
    const switched = await switchNumber(
      {
        numberChanges: (numberChanges ??= new DynamoNumberChangeStore(environment().numberChangesTable)),
        clock: systemClock,
      },
      input.changeId,
    );
    logger.info('Sending number switched', { changeId: input.changeId, ...switched });
    return switched;
  }
  const result = await dispatchCampaign(dependencies(), input);
  logger.info('Campaign dispatched', { ...input, ...result });
  return result;
}

export const handler = eventHandler(environment, dispatch);
