/**
 * What happens after a text: clicks on its short links and delivery events from End User Messaging
 * (orders are attributed to the clicked link in commerce-events.ts).
 */
import type { Clock } from '../domain/clock';
import { CODE_PATTERN } from '../domain/links';
import { classifyDeliveryEvent, type DeliveryEvent } from '../domain/delivery-events';
import type { DomainEvent } from '../domain/events';
import { variantCountKey, variantDelta, variantNameFor } from '../domain/campaign-variants';
import type { CampaignStore } from '../domain/stores/campaign';
import type { FlowStatsStore } from '../domain/stores/flow-stats';
import { flowCounterDelta } from '../domain/flow-stats';
import { countMetric } from '../domain/metric-counts';
import type { EventPublisher } from '../domain/ports/event-publisher';
import type { LinkStore } from '../domain/stores/link';
import type { MessageStore } from '../domain/stores/message';
import type { ProfileStore } from '../domain/stores/profile';
import { forEachLimited } from './pacer';

export interface ClickDeps {
  readonly clock: Clock;
  readonly links: LinkStore;
  readonly profiles: ProfileStore;
  readonly campaigns: CampaignStore;
  readonly flowStats: FlowStatsStore;
  readonly events: EventPublisher;
}

/**
 * GET /r/{code}, or /{code} on the links domain: the target URL, or undefined for a code Optline never
 * made (no open redirect).
 */
export async function followLink(deps: ClickDeps, code: string): Promise<string | undefined> {
  if (!CODE_PATTERN.test(code)) return undefined;
  const link = await deps.links.get(code);
  if (!link) return undefined;
  const at = deps.clock.now().toISOString();
  const before = await deps.links.countClick(code, at);
  await deps.profiles.recordEngagement(link.phone, { latest: { lastClickAt: at } }, at);
  await deps.profiles.recordActivity(
    link.phone,
    {
      lastClick: {
        at,
        messageId: link.messageId,
        ...(link.campaignId ? { campaignId: link.campaignId } : {}),
        ...(link.flowId ? { flowId: link.flowId } : {}),
        ...(link.flowBranches ? { flowBranches: link.flowBranches } : {}),
      },
    },
    at,
  );
  // Clicks count people: a recipient's first click on a link; an A/B campaign's under its variant too.
  if (before === 0 && link.campaignId) {
    const campaign = await deps.campaigns.get(link.campaignId);
    const variant = campaign && variantNameFor(campaign, link.phone);
    await deps.campaigns.addCounters(link.campaignId, { clicks: 1, ...variantDelta(variant, { clicks: 1 }) });
  }
  // A flow's, under the branches of the execution that sent the text.
  if (before === 0 && link.flowId)
    await deps.flowStats.add(link.flowId, flowCounterDelta('clicks', 1, link.flowBranches));
  const event: DomainEvent = {
    type: 'LinkClicked',
    at,
    detail: {
      eventId: `click#${code}#${at}`,
      phone: link.phone,
      url: link.url,
      messageId: link.messageId,
      campaignId: link.campaignId ?? null,
      firstClick: before === 0,
    },
  };
  await deps.events.publish([event]);
  return link.url;
}

export interface DeliveryDeps {
  readonly clock: Clock;
  readonly messages: MessageStore;
  readonly profiles: ProfileStore;
  readonly campaigns: CampaignStore;
  readonly events: EventPublisher;
}

/** A delivery event as the queue delivered it: `id` names it in a partial batch failure. */
export interface QueuedDeliveryEvent {
  readonly id: string;
  readonly event: DeliveryEvent;
}

/** Events recorded at once (each is a conditional write on its own message). */
const PARALLEL_EVENTS = 16;

/**
 * A batch of configuration-set events: each message's status and its number's error state, then
 * the campaign counters (one atomic add per campaign for the whole batch) and the bus events.
 * A repeated or late event changes nothing (the status transition is conditional). Events whose
 * recording failed are returned for the queue to redeliver; the others' counters are still added.
 * Counters are as exact as the writes: a counter add that fails after the statuses were recorded is
 * reported in `uncounted` (the message statuses stay exact).
 */
export async function recordDeliveryEvents(
  deps: DeliveryDeps,
  batch: readonly QueuedDeliveryEvent[],
): Promise<{ failedIds: string[]; uncounted: string[]; unpublished: number }> {
  const counters = new Map<
    string,
    { delivered: number; failed: number; variantCounts: Record<string, number> }
  >();
  const published: DomainEvent[] = [];
  const failedIds: string[] = [];
  await forEachLimited(batch, PARALLEL_EVENTS, async ({ id, event }) => {
    try {
      const recorded = await recordStatus(deps, event);
      if (recorded.campaignId && recorded.counter) {
        const entry = counters.get(recorded.campaignId) ?? { delivered: 0, failed: 0, variantCounts: {} };
        entry[recorded.counter] += 1;
        if (recorded.variant !== undefined && recorded.counter === 'delivered') {
          const key = variantCountKey(recorded.variant, 'delivered');
          entry.variantCounts[key] = (entry.variantCounts[key] ?? 0) + 1;
        }
        counters.set(recorded.campaignId, entry);
      }
      if (recorded.event) published.push(recorded.event);
    } catch {
      failedIds.push(id);
    }
  });
  // The statuses are recorded: a redelivery would find them and count nothing, so a counter or
  // publish failure is reported (and logged by the caller) rather than failing the batch.
  const entries = [...counters];
  const writes = await Promise.allSettled(
    entries.map(([campaignId, delta]) => deps.campaigns.addCounters(campaignId, delta)),
  );
  const uncounted = entries.filter((_, i) => writes[i]?.status === 'rejected').map(([id]) => id);
  let unpublished = 0;
  try {
    await deps.events.publish(published);
  } catch {
    unpublished = published.length;
  }
  return { failedIds, uncounted, unpublished };
}

/** One event's message status and number error state; the counter and bus event it calls for. */
async function recordStatus(
  deps: DeliveryDeps,
  event: DeliveryEvent,
): Promise<{
  campaignId?: string;
  variant?: string;
  counter?: 'delivered' | 'failed';
  event?: DomainEvent;
}> {
  const messageId = event.context?.messageId;
  // Not an Optline message, or not a final status: nothing to record.
  if (!messageId) return {};
  const verdict = classifyDeliveryEvent(event.eventType);
  if (verdict.kind === 'intermediate') return {};
  const now = deps.clock.now().toISOString();
  const at = new Date(event.eventTimestamp).toISOString();
  const record =
    verdict.kind === 'delivered'
      ? await deps.messages.transition(messageId, ['sending', 'sent'], 'delivered')
      : await deps.messages.transition(
          messageId,
          ['sending', 'sent', 'delivered'],
          'failed',
          event.eventType,
        );
  if (!record) return {};
  countMetric(verdict.kind === 'delivered' ? 'MessagesDelivered' : 'MessagesFailed');
  const campaign = record.campaignId
    ? { campaignId: record.campaignId, ...(record.variant ? { variant: record.variant } : {}) }
    : {};
  if (verdict.kind === 'delivered') {
    return {
      ...campaign,
      counter: 'delivered',
      event: {
        type: 'MessageDelivered',
        at,
        detail: {
          eventId: `${messageId}:delivered`,
          phone: record.phone,
          messageId,
          campaignId: record.campaignId ?? null,
        },
      },
    };
  }
  if (verdict.kind === 'temporary' || verdict.kind === 'permanent') {
    await deps.profiles.setDeliveryError(
      record.phone,
      { at, permanent: verdict.kind === 'permanent', reason: event.eventType },
      now,
    );
  }
  return {
    ...campaign,
    counter: 'failed',
    event: {
      type: 'MessageFailed',
      at,
      detail: {
        eventId: `${messageId}:failed`,
        phone: record.phone,
        messageId,
        reason: event.eventType,
        permanent: verdict.kind === 'permanent',
        campaignId: record.campaignId ?? null,
      },
    },
  };
}
