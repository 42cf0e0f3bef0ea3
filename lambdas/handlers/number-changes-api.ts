/** API Gateway (IAM) → POST /v1/number-changes, GET /v1/number-changes/{changeId}. */
import { ValidationError } from '../domain/errors';
import { NumberChangeRequestSchema } from '../domain/number-change';
import { parseInput } from '../domain/validation';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoNumberChangeStore } from '../adapters/number-change-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EventBridgeScheduler } from '../adapters/scheduler';
import { systemClock } from '../adapters/system-clock';
import {
  numberChangeProgress,
  scheduleNumberChange,
  type NumberChangeDeps,
} from '../services/number-changes';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('numberChangesApi');

let deps: NumberChangeDeps | undefined;
function dependencies(): NumberChangeDeps {
  const config = runtimeConfig();
  const env = environment();
  deps ??= {
    clock: systemClock,
    config,
    campaigns: new DynamoCampaignStore(env.campaignsTable),
    profiles: new DynamoProfileStore(env.profilesTable),
    scheduler: new EventBridgeScheduler({
      roleArn: env.schedulerRole,
      groupName: env.scheduleGroup,
      deadLetterQueueArn: env.schedulerDeadLetterQueue,
    }),
    numberChanges: new DynamoNumberChangeStore(env.numberChangesTable),
    dispatcherArn: env.campaignDispatcherFunctionArn,
    linkBase: env.linkBase,
    originationCountry: phonePolicy(config).defaultCountry,
    configuredIdentity: env.originationIdentity,
    configuredNumber: env.originationNumber,
  };
  return deps;
}

export const handler = httpHandler(environment, {
  'POST /v1/number-changes': async (request) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && !/^[\w-]{8,100}$/.test(key)) {
      throw new ValidationError('Idempotency-Key: must be 8-100 letters, digits, _ or -', 'Idempotency-Key');
    }
    const change = parseInput(NumberChangeRequestSchema, request.body);
    const { created, view } = await scheduleNumberChange(dependencies(), change, key);
    return { status: created ? 201 : 200, body: view };
  },
  'GET /v1/number-changes/{changeId}': async (request) => {
    const changeId = request.pathParameters.changeId ?? '';
    if (!/^nch_[0-9a-z]{8,40}$/.test(changeId))
      throw new ValidationError('changeId: is not a number-change id', 'changeId');
    return { status: 200, body: await numberChangeProgress(dependencies(), changeId) };
  },
});
