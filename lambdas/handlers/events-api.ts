/** API Gateway (IAM) → POST /v1/events → commerce event stored, counted once, published on the bus. */
import { CommerceEventSchema } from '../domain/commerce-events';
import { parseInput } from '../domain/validation';
import { DynamoActivityStore } from '../adapters/activity-store';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { recordCommerceEvent, type CommerceDeps } from '../services/commerce-events';
import { httpHandler } from './shared/http';
import { phonePolicy, runtimeConfig } from './shared/runtime';

let deps: CommerceDeps | undefined;
function dependencies(): CommerceDeps {
  const config = runtimeConfig();
  deps ??= {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(),
    activity: new DynamoActivityStore(),
    events: new EventBridgePublisher(),
    campaigns: new DynamoCampaignStore(),
  };
  return deps;
}

export const handler = httpHandler({
  'POST /v1/events': async (request) =>
    recordCommerceEvent(dependencies(), parseInput(CommerceEventSchema, request.body)),
});
