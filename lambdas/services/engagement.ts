/**
 * What happens after a text: clicks on its short links, delivery events from End User Messaging, and
 * orders attributed to the campaign or flow whose link was clicked in the five days before.
 */
import type { Clock } from '../domain/clock';
import { classifyDeliveryEvent, type DeliveryEvent } from '../domain/delivery-events';
import type { DomainEvent } from '../domain/events';
import type { CampaignStore } from '../adapters/campaign-store';
import { countMetric } from '../adapters/metrics';
import type { EventPublisher } from '../adapters/event-publisher';
import type { LinkStore } from '../adapters/link-store';
import type { MessageStore } from '../adapters/message-store';
import type { ProfileStore } from '../adapters/profile-store';

/** Orders within this long after a click count for the clicked message's campaign or flow. */
export const ATTRIBUTION_WINDOW_MS = 5 * 24 * 3600 * 1000;

export interface ClickDeps {
  readonly clock: Clock;
  readonly links: LinkStore;
  readonly profiles: ProfileStore;
  readonly campaigns: CampaignStore;
  readonly events: EventPublisher;
}

/** GET /r/{code}: the target URL, or undefined for a code Optline never made (no open redirect). */
export async function followLink(deps: ClickDeps, code: string): Promise<string | undefined> {
  if (!/^[0-9A-Za-z]{6,20}$/.test(code)) return undefined;
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
      },
    },
    at,
  );
  // Clicks count people: a recipient's first click on a link.
  if (before === 0 && link.campaignId) await deps.campaigns.addCounters(link.campaignId, { clicks: 1 });
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

/** One configuration-set event: message status, the number's error state, campaign counters. */
export async function recordDeliveryEvent(deps: DeliveryDeps, event: DeliveryEvent) {
  const messageId = event.context?.messageId;
  if (!messageId) return { outcome: 'ignored', reason: 'not an Optline message' } as const;
  const verdict = classifyDeliveryEvent(event.eventType);
  if (verdict.kind === 'intermediate') return { outcome: 'ignored', reason: 'intermediate status' } as const;
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
  // A repeated or late event changes nothing (the transition is conditional).
  if (!record) return { outcome: 'duplicate' } as const;
  countMetric(verdict.kind === 'delivered' ? 'MessagesDelivered' : 'MessagesFailed');
  if (verdict.kind === 'delivered') {
    if (record.campaignId) await deps.campaigns.addCounters(record.campaignId, { delivered: 1 });
    await deps.events.publish([
      {
        type: 'MessageDelivered',
        at,
        detail: {
          eventId: `${messageId}:delivered`,
          phone: record.phone,
          messageId,
          campaignId: record.campaignId ?? null,
        },
      },
    ]);
    return { outcome: 'delivered' } as const;
  }
  if (record.campaignId) await deps.campaigns.addCounters(record.campaignId, { failed: 1 });
  if (verdict.kind === 'temporary' || verdict.kind === 'permanent') {
    await deps.profiles.setDeliveryError(
      record.phone,
      { at, permanent: verdict.kind === 'permanent', reason: event.eventType },
      now,
    );
  }
  await deps.events.publish([
    {
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
  ]);
  return { outcome: 'failed', kind: verdict.kind } as const;
}
