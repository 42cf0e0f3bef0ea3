/**
 * API Gateway (public) → GET /r/{code} on the API, or GET /{code} on the links domain's API → 302 to
 * the original URL (click recorded), or 404.
 */
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { DynamoFlowStatsStore } from '../adapters/flow-stats-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoLinkStore } from '../adapters/link-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { NotFoundError } from '../domain/errors';
import { followLink, type ClickDeps } from '../services/engagement';
import { environmentOf } from '../../lib/function-environment';
import { httpHandler, type RouteHandler } from './shared/http';

const environment = environmentOf('linkRedirect');

let deps: ClickDeps | undefined;
function dependencies(): ClickDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    links: new DynamoLinkStore(env.linksTable),
    profiles: new DynamoProfileStore(env.profilesTable),
    campaigns: new DynamoCampaignStore(env.campaignsTable),
    flowStats: new DynamoFlowStatsStore(env.flowStatsTable),
    events: new EventBridgePublisher(env.eventBus),
  };
  return deps;
}

const redirect: RouteHandler = async (request) => {
  const url = await followLink(dependencies(), request.pathParameters.code ?? '');
  if (!url) throw new NotFoundError('no such link', 'code');
  return { status: 302, headers: { location: url, 'referrer-policy': 'no-referrer' } };
};

export const handler = httpHandler(environment, {
  'GET /r/{code}': redirect,
  'GET /{code}': redirect,
});
