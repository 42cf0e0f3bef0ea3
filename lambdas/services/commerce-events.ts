/**
 * `POST /v1/events`: a commerce event is stored once as activity, counted once in the profile's
 * engagement, and published on the bus (where CartAbandoned starts the cart flow and OrderPlaced
 * stops it). An order with `transactionalConsent` records consent to its updates in the consent log
 * first (order-consent.ts), its evidence kept there and not on the bus. A retried request changes
 * nothing twice. A batch is its events, one after the other.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock';
import {
  activityKey,
  occurredAt,
  ORDER_CONSENT_EVIDENCE_FIELDS,
  type BatchEntry,
  type CommerceEvent,
} from '../domain/commerce-events';
import { consentStateOf } from '../domain/consent';
import { decideOrderConsent, orderConsentEventId } from '../domain/order-consent';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import { recordConsent, refusedTexts } from './consent-recorder';
import { DomainError } from '../domain/errors';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import type { RuntimeConfig } from '../domain/runtime-config';
import type { ActivityStore } from '../domain/stores/activity';
import type { EventPublisher } from '../domain/ports/event-publisher';
import { variantDelta, variantNameFor } from '../domain/campaign-variants';
import type { CampaignStore } from '../domain/stores/campaign';
import type { FlowStatsStore } from '../domain/stores/flow-stats';
import { flowCounterDelta } from '../domain/flow-stats';
import type { EngagementUpdate, ProfileStore } from '../domain/stores/profile';

export interface CommerceDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly phonePolicy: PhonePolicy;
  readonly profiles: ProfileStore;
  readonly activity: ActivityStore;
  readonly events: EventPublisher;
  readonly campaigns: CampaignStore;
  /** Where an order's consent to its updates is recorded. */
  readonly consentLog: ConsentLogStore;
  readonly flowStats: FlowStatsStore;
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

/** Records one event; `root` names its place in a batch (`events.3`) in errors. */
export async function recordCommerceEvent(deps: CommerceDeps, input: CommerceEvent, root = '') {
  const phone = normalisePhone(input.phone, deps.phonePolicy, root ? `${root}.phone` : 'phone').e164;
  const event = withoutConsentEvidence({ ...input, phone });
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
  // Before the order is published: its updates' flows find the consent in place.
  if (input.type === 'OrderPlaced' && input.transactionalConsent === true)
    await recordOrderConsent(deps, { ...input, phone });
  // Published on every attempt: flows start with deterministic names, so a repeat starts nothing.
  await deps.events.publish([
    { type: event.type, at, detail: { ...event, eventId, ...(attributedTo ? { attributedTo } : {}) } },
  ]);
  return { eventId, type: event.type, phone };
}

/** The event as stored and published: an order's consent evidence stays in the consent log. */
function withoutConsentEvidence(event: CommerceEvent): CommerceEvent {
  if (event.type !== 'OrderPlaced') return event;
  const kept: Record<string, unknown> = { ...event };
  for (const field of ORDER_CONSENT_EVIDENCE_FIELDS) delete kept[field];
  return kept as CommerceEvent;
}

/**
 * The checkout's "text me about this order": express consent to that order's updates, appended to
 * the consent log (hash-chained like every entry) once per number and order, never for a number
 * that opted out. Nothing is texted or published: the recorder's means of doing so are refused.
 */
async function recordOrderConsent(
  deps: CommerceDeps,
  order: Extract<CommerceEvent, { type: 'OrderPlaced' }>,
): Promise<void> {
  await recordConsent(
    { ...deps, ...refusedTexts('an order event') },
    {
      phone: order.phone,
      at: order.placedAt,
      eventId: orderConsentEventId(order.orderId),
      evidence: {
        method: 'checkout',
        orderId: order.orderId,
        checkedByUser: true,
        ...(order.ip ? { ip: order.ip } : {}),
        ...(order.userAgent ? { userAgent: order.userAgent } : {}),
        ...(order.pageUrl ? { pageUrl: order.pageUrl } : {}),
      },
    },
    (profile) => decideOrderConsent(consentStateOf(profile), order.orderId),
  );
}

/** Phones whose events a batch records at once (each phone's events one after the other). */
const BATCH_CONCURRENCY = 8;

/** One event of a batch: recorded (with its id), or refused with the error it would have met alone. */
export type BatchEventResult =
  | { readonly index: number; readonly eventId: string }
  | { readonly index: number; readonly refused: DomainError };

/**
 * A batch: each valid event recorded as if posted alone, each refused one answered with its
 * error, one result per event in order. Events of one phone are recorded one after the other, in
 * their order (two events of one cart never race to count it), different phones side by side. A
 * failure that is not an event's fault (a store down) fails the request: every event is
 * idempotent, so the caller retries the whole batch.
 */
export async function recordCommerceEvents(
  deps: CommerceDeps,
  entries: readonly BatchEntry[],
): Promise<BatchEventResult[]> {
  const results: BatchEventResult[] = [];
  const lanes = new Map<string, Extract<BatchEntry, { event: unknown }>[]>();
  for (const entry of entries) {
    if ('error' in entry) {
      results[entry.index] = { index: entry.index, refused: entry.error };
      continue;
    }
    const lane = laneOf(deps, entry.event.phone);
    lanes.set(lane, [...(lanes.get(lane) ?? []), entry]);
  }
  const queue = [...lanes.values()];
  let failure: unknown;
  const worker = async () => {
    for (let lane = queue.shift(); lane && failure === undefined; lane = queue.shift()) {
      for (const entry of lane) {
        if (failure !== undefined) break;
        try {
          const { eventId } = await recordCommerceEvent(deps, entry.event, `events.${entry.index}`);
          results[entry.index] = { index: entry.index, eventId };
        } catch (error) {
          if (error instanceof DomainError) results[entry.index] = { index: entry.index, refused: error };
          else failure ??= error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, queue.length) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}

/** The number an event is for, as the key of its lane (as written, when it is not a number). */
function laneOf(deps: CommerceDeps, phone: string): string {
  try {
    return normalisePhone(phone, deps.phonePolicy).e164;
  } catch {
    return phone;
  }
}

const ATTRIBUTION_WINDOW_MS = 5 * 24 * 3600 * 1000;

/** An order within five days of a click counts for the clicked message's campaign (or flow). */
async function attributeOrder(deps: CommerceDeps, phone: string, placedAt: string, total: number) {
  const click = (await deps.profiles.get(phone))?.lastClick;
  if (!click) return undefined;
  const gap = Date.parse(placedAt) - Date.parse(click.at);
  if (gap < 0 || gap > ATTRIBUTION_WINDOW_MS) return undefined;
  if (click.campaignId) {
    // An A/B campaign's order counts under the clicker's variant too.
    const campaign = await deps.campaigns.get(click.campaignId);
    const variant = campaign && variantNameFor(campaign, phone);
    await deps.campaigns.addCounters(click.campaignId, {
      orders: 1,
      revenue: total,
      ...variantDelta(variant, { orders: 1, revenue: total }),
    });
  }
  if (click.flowId) {
    await deps.flowStats.add(click.flowId, {
      ...flowCounterDelta('orders', 1, click.flowBranches),
      ...flowCounterDelta('revenue', total, click.flowBranches),
    });
  }
  return {
    messageId: click.messageId,
    ...(click.campaignId ? { campaignId: click.campaignId } : {}),
    ...(click.flowId ? { flowId: click.flowId } : {}),
  };
}
