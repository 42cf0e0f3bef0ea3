/** API Gateway (IAM) → POST /v1/campaigns, GET /v1/campaigns/{id}, POST /v1/campaigns/{id}/cancel. */
import { CampaignRequestSchema } from '../domain/campaign-request';
import { ValidationError } from '../domain/errors';
import { parseInput } from '../domain/validation';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { EventBridgeScheduler } from '../adapters/scheduler';
import { systemClock } from '../adapters/system-clock';
import { cancelCampaign, createCampaign, getCampaign, type CampaignDeps } from '../services/campaigns';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('campaignsApi');

/** A new campaign is 201, one still counting its audience 202, the one an idempotency key made 200. */
const CREATED_STATUS = { created: 201, estimating: 202, existing: 200 } as const;

let deps: CampaignDeps | undefined;
function dependencies(): CampaignDeps {
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
    dispatcherArn: env.campaignDispatcherFunctionArn,
    linkBase: env.linkBase,
    originationCountry: phonePolicy(config).defaultCountry,
  };
  return deps;
}

function campaignId(raw: string | undefined): string {
  if (!raw || !/^cmp_[0-9a-z]{8,40}$/.test(raw))
    throw new ValidationError('campaignId: is not a campaign id', 'campaignId');
  return raw;
}

export const handler = httpHandler(environment, {
  'POST /v1/campaigns': async (request) => {
    const body = parseInput(CampaignRequestSchema, request.body);
    const key = request.headers['idempotency-key'];
    if (key !== undefined && !/^[\w-]{8,100}$/.test(key)) {
      throw new ValidationError('Idempotency-Key: must be 8-100 letters, digits, _ or -', 'Idempotency-Key');
    }
    const { stored, view } = await createCampaign(dependencies(), body, key);
    return { status: CREATED_STATUS[stored], body: view };
  },
  'GET /v1/campaigns/{campaignId}': async (request) => ({
    status: 200,
    body: await getCampaign(dependencies(), campaignId(request.pathParameters.campaignId)),
  }),
  'POST /v1/campaigns/{campaignId}/cancel': async (request) => ({
    status: 200,
    body: await cancelCampaign(dependencies(), campaignId(request.pathParameters.campaignId)),
  }),
});
