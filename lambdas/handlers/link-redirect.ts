/** API Gateway (public) → GET /r/{code} → 302 to the original URL (click recorded), or 404. */
import { DynamoCampaignStore } from '../adapters/campaign-store';
import { EventBridgePublisher } from '../adapters/event-publisher';
import { DynamoLinkStore } from '../adapters/link-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { NotFoundError } from '../domain/errors';
import { followLink, type ClickDeps } from '../services/engagement';
import { httpHandler } from './shared/http';

let deps: ClickDeps | undefined;
function dependencies(): ClickDeps {
  deps ??= {
    clock: systemClock,
    links: new DynamoLinkStore(),
    profiles: new DynamoProfileStore(),
    campaigns: new DynamoCampaignStore(),
    events: new EventBridgePublisher(),
  };
  return deps;
}

export const handler = httpHandler({
  'GET /r/{code}': async (request) => {
    const url = await followLink(dependencies(), request.pathParameters.code ?? '');
    if (!url) throw new NotFoundError('no such link', 'code');
    return { status: 302, headers: { location: url, 'referrer-policy': 'no-referrer' } };
  },
});
