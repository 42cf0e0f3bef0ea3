/**
 * Campaigns: create (validate, estimate, schedule), read, cancel, and the dispatcher that runs at the
 * scheduled time. The dispatcher pages the sparse `marketingSubscribers` index (never a table Scan),
 * applies the segment and the rules every campaign obeys, and enqueues recipients for the paced
 * sender. Scheduler delivers at least once: a second dispatch enqueues recipients the sender has
 * already texted, and the sender's conditional put on `(campaignId, phone)` drops them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';
import {
  campaignView,
  campaignWarnings,
  dispatchZoneOf,
  EMPTY_COUNTERS,
  localSendTime,
  previewBody,
  segmentsPerMessage,
  type Campaign,
  type CampaignRequest,
  type CampaignSchedule,
} from '../domain/campaigns';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { Profile } from '../domain/profile';
import { recipientTimeZone } from '../domain/quiet-hours';
import type { RuntimeConfig } from '../domain/runtime-config';
import { campaignEligibility, type Segment } from '../domain/segments';
import { DEFAULT_PRICES } from '../domain/sms-prices';
import { localParts, zonedToInstant } from '../domain/zoned-time';
import type { CampaignStore, CounterDelta } from '../adapters/campaign-store';
import type { ProfileStore } from '../adapters/profile-store';
import type { QueueSender } from '../adapters/queue-sender';
import type { Scheduler } from '../adapters/scheduler';
import { RECIPIENTS_PER_MESSAGE, recipientMessages } from '../domain/campaign-queue';
import { MARKETING_SHARDS } from '../adapters/profile-store';

export interface CampaignDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly campaigns: CampaignStore;
  readonly profiles: ProfileStore;
  readonly scheduler: Scheduler;
  readonly dispatcherArn: string;
  /** Base of short links (`https://…/r/<code>`). */
  readonly linkBase: string;
  readonly originationCountry: string;
}

export interface DispatchDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly campaigns: CampaignStore;
  readonly profiles: ProfileStore;
  readonly queue: QueueSender;
  readonly queueUrl: string;
}

export { RECIPIENTS_PER_MESSAGE };
const SCHEDULE_LEAD_MS = 60_000;

/** Every subscribed profile of one shard of the sparse index, page by page. */
async function forEachInShard(
  profiles: ProfileStore,
  shard: number,
  visit: (profile: Profile) => void | Promise<void>,
): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await profiles.marketingSubscribers(String(shard), startKey);
    for (const profile of page.profiles) await visit(profile);
    startKey = page.nextKey;
  } while (startKey);
}

/**
 * Every subscribed profile of the sparse index, all shards paged at once (the estimate inside the
 * create call and the dispatcher): about MARKETING_SHARDS times faster than shard by shard, so a
 * 10-million-subscriber dispatch takes about a minute instead of most of Lambda's 15. An async visitor
 * holds back its own shard only (the dispatcher's, while a full chunk goes on the queue).
 */
export async function forEachSubscriber(
  profiles: ProfileStore,
  visit: (profile: Profile) => void | Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: MARKETING_SHARDS }, (_, shard) => forEachInShard(profiles, shard, visit)),
  );
}

function campaignIdFor(idempotencyKey: string | undefined, now: Date): string {
  if (idempotencyKey) return `cmp_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20)}`;
  return `cmp_${now.getTime().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** `YYYY-MM-DDTHH:MM:SS` of an instant in a zone (the form Scheduler's `at()` takes). */
function localDateTime(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Internal options (not part of the public API). */
export interface CampaignOptions {
  readonly originationIdentity?: string;
  readonly numberChangeId?: string;
}

export async function createCampaign(
  deps: CampaignDeps,
  request: CampaignRequest,
  idempotencyKey?: string,
  options: CampaignOptions = {},
) {
  const now = deps.clock.now();
  const campaignId = campaignIdFor(idempotencyKey, now);
  const existing = await deps.campaigns.get(campaignId);
  if (existing) return { status: 200, body: { ...campaignView(existing), warnings: [] } };

  if (request.sendAt && Date.parse(request.sendAt) < now.getTime() - 5 * 60_000) {
    throw new ValidationError('sendAt: is in the past', 'sendAt');
  }
  const pausedProperty = request.excludePausedProperty;
  // The audience now: its size for the estimate, and its time zones for local-time sending.
  const zones = new Map<string, number>();
  let recipients = 0;
  await forEachSubscriber(deps.profiles, (profile) => {
    const verdict = campaignEligibility(
      profile,
      { segment: request.segment, pausedProperty, defaultTimeZone: deps.config.defaultTimeZone },
      now,
    );
    if (!verdict.eligible) return;
    recipients += 1;
    const zone = recipientTimeZone(profile.timeZone, profile.phone, deps.config.defaultTimeZone);
    zones.set(zone, (zones.get(zone) ?? 0) + 1);
  });

  const schedules: CampaignSchedule[] = [];
  const earliest = new Date(now.getTime() + SCHEDULE_LEAD_MS);
  if (request.sendAt) {
    const at = new Date(Math.max(Date.parse(request.sendAt), earliest.getTime()));
    schedules.push({ name: campaignId, at: at.toISOString() });
  } else if (request.sendAtLocalTime) {
    const wallClock = localSendTime(request.sendAtLocalTime);
    // Every zone with recipients now, and the default zone. Subscribers who join later from another
    // zone go with the schedule dispatchZoneOf picks for it.
    for (const timeZone of new Set([...zones.keys(), deps.config.defaultTimeZone])) {
      const local = zonedToInstant(wallClock, timeZone);
      // Where that local time has already passed, the campaign goes out at once.
      const at = local.getTime() < earliest.getTime() ? earliest : local;
      schedules.push({
        name: `${campaignId}-${createHash('sha256').update(timeZone).digest('hex').slice(0, 8)}`,
        timeZone,
        at: at.toISOString(),
      });
    }
  }

  const mms = (request.mediaUrls?.length ?? 0) > 0;
  const previewed = previewBody(request.body, deps.config.brand, deps.linkBase);
  const segments = segmentsPerMessage(previewed, mms);
  const price = DEFAULT_PRICES[deps.originationCountry];
  const perSms = price ? price.smsUsd + (price.smsCarrierFeeUsd ?? 0) : 0;
  const perMms = price?.mmsUsd !== undefined ? price.mmsUsd + (price.mmsCarrierFeeUsd ?? 0) : perSms;
  const perMessage = mms ? perMms : perSms * segments;
  const estimate = {
    recipients,
    segmentsPerMessage: segments,
    costUsd: Math.round(recipients * perMessage * 10_000) / 10_000,
  };
  const warnings = campaignWarnings(previewed, deps.config.brand, request.mediaUrls);

  const campaign: Campaign = {
    campaignId,
    name: request.name,
    body: request.body,
    ...(request.mediaUrls ? { mediaUrls: request.mediaUrls } : {}),
    segment: request.segment,
    ...(request.sendAt ? { sendAt: request.sendAt } : {}),
    ...(request.sendAtLocalTime ? { sendAtLocalTime: request.sendAtLocalTime } : {}),
    tags: request.tags,
    smartSending: request.smartSending,
    ...(pausedProperty ? { excludePausedProperty: pausedProperty } : {}),
    messageType: request.messageType,
    ...(options.originationIdentity ? { originationIdentity: options.originationIdentity } : {}),
    ...(options.numberChangeId ? { numberChangeId: options.numberChangeId } : {}),
    state: 'scheduled',
    schedules,
    linkSalt: randomBytes(16).toString('hex'),
    estimate,
    counters: EMPTY_COUNTERS,
    dispatched: {},
    createdAt: now.toISOString(),
  };
  if (!(await deps.campaigns.putIfAbsent(campaign))) {
    const raced = await deps.campaigns.get(campaignId);
    return { status: 200, body: { ...(raced ? campaignView(raced) : { campaignId }), warnings } };
  }
  for (const schedule of schedules) {
    await deps.scheduler.create({
      name: schedule.name,
      at: localDateTime(new Date(schedule.at), 'UTC'),
      timeZone: 'UTC',
      targetArn: deps.dispatcherArn,
      input: { campaignId, ...(schedule.timeZone ? { timeZone: schedule.timeZone } : {}) },
    });
  }
  return { status: 201, body: { campaignId, state: campaign.state, estimate, warnings, schedules } };
}

export async function getCampaign(deps: Pick<CampaignDeps, 'campaigns'>, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`no campaign ${campaignId}`, 'campaignId');
  return { status: 200, body: campaignView(campaign) };
}

export async function cancelCampaign(deps: CampaignDeps, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`no campaign ${campaignId}`, 'campaignId');
  if (campaign.state !== 'cancelled') {
    await deps.campaigns.transition(
      campaignId,
      ['scheduled', 'sending', 'dispatched'],
      'cancelled',
      deps.clock.now().toISOString(),
    );
    for (const schedule of campaign.schedules) await deps.scheduler.delete(schedule.name);
  }
  return getCampaign(deps, campaignId);
}

/** Scheduler target: enqueue this campaign's (or this time zone's) eligible recipients. */
export async function dispatchCampaign(deps: DispatchDeps, input: { campaignId: string; timeZone?: string }) {
  const campaign = await deps.campaigns.get(input.campaignId);
  if (!campaign) return { dispatched: 0, reason: 'unknown campaign' };
  if (campaign.state === 'cancelled') return { dispatched: 0, reason: 'cancelled' };
  const now = deps.clock.now();
  await deps.campaigns.transition(campaign.campaignId, ['scheduled'], 'sending', now.toISOString());

  const zoneOf =
    input.timeZone && campaign.sendAtLocalTime
      ? dispatchZoneOf(campaign.schedules, campaign.sendAtLocalTime)
      : undefined;
  const skipped: Record<string, number> = {};
  let pending: string[] = [];
  let targeted = 0;
  const flush = async (all: boolean) => {
    const size = RECIPIENTS_PER_MESSAGE * 10;
    while (pending.length >= size || (all && pending.length > 0)) {
      const chunk = pending.slice(0, size);
      pending = pending.slice(size);
      await deps.queue.sendAll(deps.queueUrl, recipientMessages(campaign.campaignId, chunk));
    }
  };
  await forEachSubscriber(deps.profiles, async (profile) => {
    const verdict = campaignEligibility(
      profile,
      {
        segment: campaign.segment as Segment,
        pausedProperty: campaign.excludePausedProperty,
        timeZone: input.timeZone,
        ...(zoneOf ? { zoneOf } : {}),
        defaultTimeZone: deps.config.defaultTimeZone,
      },
      now,
    );
    if (verdict.eligible) {
      targeted += 1;
      pending.push(profile.phone);
      await flush(false);
    } else if (verdict.reason !== 'not_in_segment' && verdict.reason !== 'other_time_zone') {
      skipped[verdict.reason] = (skipped[verdict.reason] ?? 0) + 1;
    }
  });
  await flush(true);
  const delta: CounterDelta = { targeted, skipped };
  const recorded = await deps.campaigns.recordDispatch(
    campaign.campaignId,
    input.timeZone ?? 'all',
    delta,
    now.toISOString(),
  );
  const after = await deps.campaigns.get(campaign.campaignId);
  const done = after && campaign.schedules.every((s) => after.dispatched[s.timeZone ?? 'all']);
  if (done)
    await deps.campaigns.transition(campaign.campaignId, ['sending'], 'dispatched', now.toISOString());
  return { dispatched: targeted, recorded };
}
