/**
 * API Gateway (IAM) → POST /v1/events → one commerce event (202) or a batch of up to 100 (207, one
 * result each): stored, counted once, an order's consent to its updates recorded, published on the bus.
 */
import {
  commerceEventsRequest,
  type CommerceEventBatchResult,
  EVENT_LIMITS,
  parseCommerceEvent,
  parseEventBatch,
} from '../domain/commerce-events';
import { DynamoActivityStore } from '../adapters/activity-store';
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoFlowStatsStore } from '../adapters/flow-stats-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import {
  recordCommerceEvent,
  recordCommerceEvents,
  type BatchEventResult,
  type CommerceDeps,
} from '../services/commerce-events';
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
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    flowStats: new DynamoFlowStatsStore(env.flowStatsTable),
  };
  return deps;
}

/** A batch's result per event: 202 with its id, or the 4xx and error it would have had alone. */
function batchResultView(result: BatchEventResult): CommerceEventBatchResult['results'][number] {
  if ('eventId' in result) return { index: result.index, status: 202, eventId: result.eventId };
  const { status, code, message, field } = result.refused;
  return { index: result.index, status, error: { code, message, ...(field ? { field } : {}) } };
}

export const handler = httpHandler(
  environment,
  {
    'POST /v1/events': async (request) => {
      const body = commerceEventsRequest(request.body);
      if (body.kind === 'single') {
        return {
          status: 202,
          body: await recordCommerceEvent(dependencies(), parseCommerceEvent(body.event)),
        };
      }
      const results = await recordCommerceEvents(dependencies(), parseEventBatch(body.events));
      return { status: 207, body: { results: results.map(batchResultView) } };
    },
  },
  { maxBodyBytes: EVENT_LIMITS.maxBodyBytes },
);
