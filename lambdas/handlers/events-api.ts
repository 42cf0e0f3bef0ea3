/**
 * API Gateway (IAM) → POST /v1/events → one commerce event (202) or a batch of up to 100 (207, one
 * result each): stored, counted once, published on the bus.
 */
import {
  commerceEventsRequest,
  EVENT_LIMITS,
  parseCommerceEvent,
  parseEventBatch,
} from '../domain/commerce-events';
import { DynamoActivityStore } from '../adapters/activity-store';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { recordCommerceEvent, recordCommerceEvents, type CommerceDeps } from '../services/commerce-events';
import { httpHandler } from './shared/http';
import { environmentOf } from '../../lib/function-environment';
import { phonePolicy, runtimeConfig } from './shared/runtime';

const environment = environmentOf('eventsApi');

let deps: CommerceDeps | undefined;
function dependencies(): CommerceDeps {
  const config = runtimeConfig();
  const env = environment();
  deps ??= {
    clock: systemClock,
    config,
    phonePolicy: phonePolicy(config),
    profiles: new DynamoProfileStore(env.profilesTable),
    activity: new DynamoActivityStore(env.activityTable),
    events: new EventBridgePublisher(env.eventBus),
    campaigns: new DynamoCampaignStore(env.campaignsTable),
  };
  return deps;
}

export const handler = httpHandler(
  environment,
  {
    'POST /v1/events': async (request) => {
      const body = commerceEventsRequest(request.body);
      return body.kind === 'single'
        ? recordCommerceEvent(dependencies(), parseCommerceEvent(body.event))
        : recordCommerceEvents(dependencies(), parseEventBatch(body.events));
    },
  },
  { maxBodyBytes: EVENT_LIMITS.maxBodyBytes },
);
