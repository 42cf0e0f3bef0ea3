/**
 * `POST /v1/events`: a commerce event is stored once as activity, counted once in the profile's
 * engagement, and published on the bus (where CartAbandoned starts the cart flow and OrderPlaced
 * stops it). A retried request changes nothing twice.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { activityKey, occurredAt, type CommerceEvent } from '../domain/commerce-events';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import type { RuntimeConfig } from '../domain/runtime-config';
import type { ActivityStore } from '../adapters/activity-store';
import type { EventPublisher } from '../adapters/event-publisher';
import type { CampaignStore } from '../adapters/campaign-store';
import type { EngagementUpdate, ProfileStore } from '../adapters/profile-store';

export interface CommerceDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly phonePolicy: PhonePolicy;
  readonly profiles: ProfileStore;
  readonly activity: ActivityStore;
  readonly events: EventPublisher;
  readonly campaigns: CampaignStore;
}

/** Activity is kept two years: long enough for VIP and engagement segments. */
const RETENTION_SECONDS = 2 * 365 * 86_400;

function engagementOf(event: CommerceEvent): EngagementUpdate {
  switch (event.type) {
    case 'OrderPlaced':
      return { latest: { lastOrderAt: event.placedAt }, add: { orderCount: 1, totalSpent: event.total } };
    case 'CartAbandoned':
      return { latest: { lastCartAt: event.abandonedAt } };
    case 'ProductViewed':
      return { latest: { lastViewedAt: event.viewedAt } };
    default:
      return {};
  }
}

export async function recordCommerceEvent(deps: CommerceDeps, input: CommerceEvent) {
  const phone = normalisePhone(input.phone, deps.phonePolicy).e164;
  const event = { ...input, phone };
  const key = activityKey(event);
  const at = occurredAt(event);
  const eventId = createHash('sha256').update(`${phone}#${key}`).digest('hex').slice(0, 32);
  const now = deps.clock.now();
  const { record } = await deps.activity.putIfAbsent({
    phone,
    activityKey: key,
    type: event.type,
    at,
    detail: event,
    aggregated: false,
    expiresAt: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS,
  });
  let attributedTo: { campaignId?: string; flowId?: string; messageId: string } | undefined;
  if (!record.aggregated) {
    if (event.type === 'OrderPlaced')
      attributedTo = await attributeOrder(deps, phone, event.placedAt, event.total);
    await deps.profiles.recordEngagement(phone, engagementOf(event), now.toISOString());
    await deps.activity.markAggregated(phone, key);
  }
  // Published on every attempt: flows start with deterministic names, so a repeat starts nothing.
  await deps.events.publish([
    { type: event.type, at, detail: { ...event, eventId, ...(attributedTo ? { attributedTo } : {}) } },
  ]);
  return { status: 202, body: { eventId, type: event.type, phone } };
}

const ATTRIBUTION_WINDOW_MS = 5 * 24 * 3600 * 1000;

/** An order within five days of a click counts for the clicked message's campaign (or flow). */
async function attributeOrder(deps: CommerceDeps, phone: string, placedAt: string, total: number) {
  const click = (await deps.profiles.get(phone))?.lastClick;
  if (!click) return undefined;
  const gap = Date.parse(placedAt) - Date.parse(click.at);
  if (gap < 0 || gap > ATTRIBUTION_WINDOW_MS) return undefined;
  if (click.campaignId) await deps.campaigns.addCounters(click.campaignId, { orders: 1, revenue: total });
  return {
    messageId: click.messageId,
    ...(click.campaignId ? { campaignId: click.campaignId } : {}),
    ...(click.flowId ? { flowId: click.flowId } : {}),
  };
}
