/**
 * Campaigns: create (validate, estimate, schedule), read, cancel, and the dispatcher that runs at the
 * scheduled time. The dispatcher pages the sparse `marketingSubscribers` index (never a table Scan),
 * applies the segment and the rules every campaign obeys, and enqueues recipients for the paced
 * sender. Scheduler delivers at least once: a second dispatch enqueues recipients the sender has
 * already texted, and the sender's conditional put on `(campaignId, phone)` drops them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { audienceTally, audienceWarnings, type AudienceOutlook } from '../domain/campaign-audience';
import { recipientSegments, segmentSample, type SegmentDistribution } from '../domain/campaign-segments';
import { sendWindowKey } from '../domain/campaign-progress';
import {
  campaignEstimate,
  campaignView,
  campaignWarnings,
  dispatchTime,
  dispatchZoneOf,
  EMPTY_COUNTERS,
  previewBody,
  SCHEDULE_LEAD_MS,
  segmentsPerMessage,
  winnerDecisionTime,
  type Campaign,
  type CampaignSchedule,
} from '../domain/campaigns';
import { decideWinner, inTestGroup } from '../domain/campaign-variants';
import type { CampaignRequest } from '../domain/campaign-request';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { Profile } from '../domain/profile';
import { recipientTimeZone } from '../domain/quiet-hours';
import type { RuntimeConfig } from '../domain/runtime-config';
import { campaignEligibility, type Segment } from '../domain/segments';
import { DEFAULT_PRICES } from '../domain/sms-prices';
import { localParts } from '../domain/zoned-time';
import type { CampaignStore, CounterDelta } from '../domain/stores/campaign';
import type { ProfileStore } from '../domain/stores/profile';
import type { QueueSender } from '../domain/ports/queue-sender';
import type { Scheduler } from '../domain/ports/scheduler';
import { RECIPIENTS_PER_MESSAGE, recipientMessages, type Recipient } from '../domain/campaign-queue';
import { MARKETING_SHARDS } from '../domain/stores/profile';

export interface CampaignDeps {
  readonly clock: Clock;
  readonly config: RuntimeConfig;
  readonly campaigns: CampaignStore;
  readonly profiles: ProfileStore;
  readonly scheduler: Scheduler;
  readonly dispatcherArn: string;
  /** The public origin of links (`LINK_BASE_URL`): short links go under it (shortLinkPrefix in links.ts). */
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

/**
 * Every subscribed profile of one shard of the sparse index, page by page; false when it stopped at
 * `stopAt` (a `performance.now()` time) before the shard's last page.
 */
async function forEachInShard(
  profiles: ProfileStore,
  shard: number,
  visit: (profile: Profile) => void | Promise<void>,
  stopAt: number,
): Promise<boolean> {
  let startKey: Record<string, unknown> | undefined;
  do {
    if (performance.now() >= stopAt) return false;
    const page = await profiles.marketingSubscribers(String(shard), startKey);
    for (const profile of page.profiles) await visit(profile);
    startKey = page.nextKey;
  } while (startKey);
  return true;
}

/**
 * Every subscribed profile of the sparse index, all shards paged at once (the estimate and the
 * dispatcher): about MARKETING_SHARDS times faster than shard by shard, so a 10-million-subscriber
 * dispatch takes about a minute instead of most of Lambda's 15. An async visitor holds back its own
 * shard only (the dispatcher's, while a full chunk goes on the queue). With `stopAt`, no page is
 * fetched after that `performance.now()` time; the result says whether every shard was read to its end.
 */
export async function forEachSubscriber(
  profiles: ProfileStore,
  visit: (profile: Profile) => void | Promise<void>,
  stopAt = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  const finished = await Promise.all(
    Array.from({ length: MARKETING_SHARDS }, (_, shard) => forEachInShard(profiles, shard, visit, stopAt)),
  );
  return finished.every(Boolean);
}

/**
 * Who a campaign would text now: how many, in which time zones, and what quiet hours and smart
 * sending will do to them (campaign-audience.ts).
 */
interface Audience {
  readonly recipients: number;
  readonly zones: ReadonlySet<string>;
  readonly outlook?: AudienceOutlook;
  /** Segments of the texts of a sample of the recipients. */
  readonly segments?: SegmentDistribution;
  /** False when the count stopped at its deadline (`recipients` is then a lower bound). */
  readonly complete: boolean;
}

/** What quiet hours and smart sending will do to an audience: `audienceTally`, passed in where wanted. */
export type AudienceOutlookTally = typeof audienceTally;

async function countAudience(
  deps: Pick<CampaignDeps, 'profiles' | 'config' | 'linkBase'>,
  campaign: Pick<
    Campaign,
    | 'campaignId'
    | 'body'
    | 'variants'
    | 'linkSalt'
    | 'mediaUrls'
    | 'segment'
    | 'excludePausedProperty'
    | 'sendAt'
    | 'sendAtLocalTime'
    | 'smartSending'
    | 'messageType'
  >,
  now: Date,
  stopAt?: number,
  outlook?: AudienceOutlookTally,
): Promise<Audience> {
  const zones = new Set<string>();
  const tally = outlook?.({
    now,
    campaign,
    quietHours: deps.config.quietHours,
    smartSendingHours: deps.config.smartSendingHours,
  });
  const settings = {
    ...deps.config,
    linkBase: deps.linkBase,
    smartEncoding: deps.config.sending.smartEncoding,
  };
  const sample = segmentSample((profile) => recipientSegments(campaign, profile, settings));
  let recipients = 0;
  const complete = await forEachSubscriber(
    deps.profiles,
    (profile) => {
      const verdict = campaignEligibility(
        profile,
        {
          segment: campaign.segment,
          pausedProperty: campaign.excludePausedProperty,
          defaultTimeZone: deps.config.defaultTimeZone,
        },
        now,
      );
      if (!verdict.eligible) return;
      recipients += 1;
      const zone = recipientTimeZone(profile.timeZone, profile.phone, deps.config.defaultTimeZone);
      zones.add(zone);
      tally?.add(profile, zone);
      sample.add(profile);
    },
    stopAt,
  );
  return { recipients, zones, outlook: tally?.outlook(), segments: sample.distribution(), complete };
}

/**
 * The dispatch schedules: one at `sendAt`, or for `sendAtLocalTime` one per time zone of the audience
 * plus the default zone. None earlier than a minute from now (Scheduler's precision).
 */
function planSchedules(
  campaign: Pick<Campaign, 'campaignId' | 'sendAt' | 'sendAtLocalTime'>,
  zones: ReadonlySet<string>,
  now: Date,
  defaultTimeZone: string,
): CampaignSchedule[] {
  if (campaign.sendAt) {
    return [{ name: campaign.campaignId, at: dispatchTime(campaign, defaultTimeZone, now).toISOString() }];
  }
  if (!campaign.sendAtLocalTime) return [];
  // Subscribers who join later from another zone go with the schedule dispatchZoneOf picks for it.
  return [...new Set([...zones, defaultTimeZone])].map((timeZone) => ({
    name: `${campaign.campaignId}-${createHash('sha256').update(timeZone).digest('hex').slice(0, 8)}`,
    timeZone,
    at: dispatchTime(campaign, timeZone, now).toISOString(),
  }));
}

/** A one-time schedule that invokes the dispatcher with `input` at `at` (Scheduler's `at()` is in UTC here). */
export function scheduleDispatcher(
  deps: Pick<CampaignDeps, 'scheduler' | 'dispatcherArn'>,
  name: string,
  at: Date,
  input: Record<string, string>,
) {
  return deps.scheduler.create({
    name,
    at: localDateTime(at, 'UTC'),
    timeZone: 'UTC',
    targetArn: deps.dispatcherArn,
    input,
  });
}

async function createSchedules(
  deps: Pick<CampaignDeps, 'scheduler' | 'dispatcherArn'>,
  campaignId: string,
  schedules: readonly CampaignSchedule[],
): Promise<void> {
  for (const schedule of schedules) {
    await scheduleDispatcher(deps, schedule.name, new Date(schedule.at), {
      campaignId,
      ...(schedule.timeZone ? { timeZone: schedule.timeZone } : {}),
    });
  }
}

/** The schedule that finishes an estimate the create call ran out of time for. */
function estimateScheduleName(campaignId: string): string {
  return `${campaignId}-estimate`;
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
  /** Seconds the create call may count the audience (default: the program's `campaignEstimateSeconds`). */
  readonly estimateSeconds?: number;
  /**
   * Tallies what quiet hours and smart sending will do to the audience, stored in the estimate for
   * the warnings. The campaigns API passes it; a number change, which shows no warnings, stores its
   * campaigns without, and so bundles neither the tally nor the state calling-hours table.
   */
  readonly outlook?: AudienceOutlookTally;
}

/**
 * A campaign stored (`created`, or `estimating` while its audience is still being counted), or the
 * one its idempotency key made before (`existing`).
 */
export interface StoredCampaign {
  readonly stored: 'created' | 'estimating' | 'existing';
  readonly campaignId: string;
  /** Undefined only when a concurrent call with the same key stored it and it is not readable yet. */
  readonly campaign: Campaign | undefined;
}

/** `POST /v1/campaigns`: stores and schedules the campaign; its view shows the estimate and warnings. */
export async function createCampaign(
  deps: CampaignDeps,
  request: CampaignRequest,
  idempotencyKey?: string,
  options: CampaignOptions = {},
) {
  const { stored, campaignId, campaign } = await storeCampaign(deps, request, idempotencyKey, {
    ...options,
    outlook: audienceTally,
  });
  if (!campaign) return { stored, view: { campaignId, warnings: [] } };
  const warnings = warningsOf(deps, campaign);
  if (stored === 'existing') return { stored, view: { ...viewOf(deps, campaign), warnings } };
  const { state, estimate, schedules } = campaign;
  return { stored, view: { campaignId, state, estimate, warnings, schedules } };
}

/**
 * Stores a new campaign and creates its dispatch schedules (or, for an audience too large to count
 * within the call, the schedule that finishes the count); with an idempotency key already used,
 * finds the campaign it made.
 */
export async function storeCampaign(
  deps: CampaignDeps,
  request: CampaignRequest,
  idempotencyKey?: string,
  options: CampaignOptions = {},
): Promise<StoredCampaign> {
  const now = deps.clock.now();
  const campaignId = campaignIdFor(idempotencyKey, now);
  const existing = await deps.campaigns.get(campaignId);
  if (existing) return { stored: 'existing', campaignId, campaign: existing };

  if (request.sendAt && Date.parse(request.sendAt) < now.getTime() - 5 * 60_000) {
    throw new ValidationError('sendAt: is in the past', 'sendAt');
  }
  const pausedProperty = request.excludePausedProperty;
  const timing = { campaignId, sendAt: request.sendAt, sendAtLocalTime: request.sendAtLocalTime };
  const linkSalt = randomBytes(16).toString('hex');
  // An A/B campaign keeps its first variant's body as `body`, which estimates and skips fall back on.
  const variants = request.variants;
  const body = variants?.[0]?.body ?? request.body ?? '';
  // The audience now: its size for the estimate, and its time zones for local-time sending. An
  // audience too large to count within the call is counted by the dispatcher (`finishEstimate`).
  const budgetMs = (options.estimateSeconds ?? deps.config.campaignEstimateSeconds) * 1000;
  const audience = await countAudience(
    deps,
    {
      campaignId,
      body,
      ...(variants ? { variants } : {}),
      linkSalt,
      ...(request.mediaUrls ? { mediaUrls: request.mediaUrls } : {}),
      segment: request.segment,
      excludePausedProperty: pausedProperty,
      sendAt: request.sendAt,
      sendAtLocalTime: request.sendAtLocalTime,
      smartSending: request.smartSending,
      messageType: request.messageType,
    },
    now,
    performance.now() + budgetMs,
    options.outlook,
  );
  const schedules = audience.complete
    ? planSchedules(timing, audience.zones, now, deps.config.defaultTimeZone)
    : [];

  const mms = (request.mediaUrls?.length ?? 0) > 0;
  // Segments of the body as written: the longest variant's, so the estimate never reads low.
  const message = {
    segments: Math.max(
      ...(variants?.map((v) => v.body) ?? [body]).map((text) =>
        segmentsPerMessage(
          previewBody(text, deps.config.brand, deps.linkBase, deps.config.links),
          mms,
          deps.config.sending.smartEncoding,
        ),
      ),
    ),
    mms,
  };
  const estimate = campaignEstimate(
    audience.recipients,
    message,
    DEFAULT_PRICES[deps.originationCountry],
    audience.complete,
    audience.outlook,
    audience.segments,
  );

  const campaign: Campaign = {
    campaignId,
    name: request.name,
    body,
    ...(variants ? { variants } : {}),
    ...(request.winner ? { winner: request.winner } : {}),
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
    state: audience.complete ? 'scheduled' : 'estimating',
    schedules,
    linkSalt,
    estimate,
    // The variant counters' map exists from the start: the counter adds write into it.
    counters: variants ? { ...EMPTY_COUNTERS, variantCounts: {} } : EMPTY_COUNTERS,
    dispatched: {},
    createdAt: now.toISOString(),
  };
  if (!(await deps.campaigns.putIfAbsent(campaign))) {
    return { stored: 'existing', campaignId, campaign: await deps.campaigns.get(campaignId) };
  }
  if (!audience.complete) {
    await scheduleDispatcher(
      deps,
      estimateScheduleName(campaignId),
      new Date(now.getTime() + SCHEDULE_LEAD_MS),
      {
        action: 'estimate',
        campaignId,
      },
    );
    return { stored: 'estimating', campaignId, campaign };
  }
  await createSchedules(deps, campaignId, schedules);
  await scheduleWinner(deps, campaign);
  return { stored: 'created', campaignId, campaign };
}

/** The schedule that decides a winner campaign's winner and sends it to the rest. */
function winnerScheduleName(campaignId: string): string {
  return `${campaignId}-winner`;
}

async function scheduleWinner(
  deps: Pick<CampaignDeps, 'scheduler' | 'dispatcherArn'>,
  campaign: Campaign,
  earliest = 0,
) {
  const decideAt = winnerDecisionTime(campaign);
  if (!decideAt) return;
  const at = new Date(Math.max(decideAt.getTime(), earliest));
  await scheduleDispatcher(deps, winnerScheduleName(campaign.campaignId), at, {
    action: 'decideWinner',
    campaignId: campaign.campaignId,
  });
}

export type EstimateDeps = Pick<
  CampaignDeps,
  | 'clock'
  | 'config'
  | 'campaigns'
  | 'profiles'
  | 'scheduler'
  | 'dispatcherArn'
  | 'originationCountry'
  | 'linkBase'
>;

/**
 * Scheduler target a minute after a create call that ran out of time counting: counts the whole
 * audience (no deadline but the dispatcher's 15 minutes, about 300 million subscribers in the scale
 * model), stores the estimate, creates the dispatch schedules and makes the campaign `scheduled`.
 * A cancelled campaign stays cancelled. Delivered again (Scheduler and Lambda's async retries are at
 * least once), or beaten by a concurrent delivery, it finds the campaign scheduled and makes sure the
 * schedules of dispatches not yet recorded exist, an A/B winner's decision among them: creating one
 * is idempotent, and a dispatch run twice texts and counts each recipient once.
 */
export async function finishEstimate(deps: EstimateDeps, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (campaign?.state !== 'estimating') return ensureSchedules(deps, campaign);
  const now = deps.clock.now();
  const audience = await countAudience(deps, campaign, now, undefined, audienceTally);
  const schedules = planSchedules(campaign, audience.zones, now, deps.config.defaultTimeZone);
  const estimate = campaignEstimate(
    audience.recipients,
    { segments: campaign.estimate.segmentsPerMessage, mms: (campaign.mediaUrls?.length ?? 0) > 0 },
    DEFAULT_PRICES[deps.originationCountry],
    true,
    audience.outlook,
    audience.segments,
  );
  if (!(await deps.campaigns.finishEstimate(campaignId, estimate, schedules))) {
    return ensureSchedules(deps, await deps.campaigns.get(campaignId));
  }
  await createSchedules(deps, campaignId, schedules);
  await scheduleWinner(deps, { ...campaign, schedules });
  return { finished: true, recipients: estimate.recipients, schedules: schedules.length };
}

/** The schedules of a finished estimate whose dispatch is not recorded yet, none in the past. */
async function ensureSchedules(deps: EstimateDeps, campaign: Campaign | undefined) {
  if (!campaign) return { finished: false, reason: 'unknown campaign' };
  if (campaign.state !== 'scheduled' && campaign.state !== 'sending') {
    return { finished: false, reason: campaign.state };
  }
  const earliest = deps.clock.now().getTime() + SCHEDULE_LEAD_MS;
  const pending = campaign.schedules
    .filter((s) => !campaign.dispatched[s.timeZone ?? 'all'])
    .map((s) => ({ ...s, at: new Date(Math.max(Date.parse(s.at), earliest)).toISOString() }));
  await createSchedules(deps, campaign.campaignId, pending);
  // A delivery that died between storing the estimate and scheduling the winner left it unscheduled.
  if (!campaign.dispatched[WINNER_DISPATCH]) await scheduleWinner(deps, campaign, earliest);
  return { finished: true, recipients: campaign.estimate.recipients, schedules: pending.length };
}

/** The campaign as the API shows it, its pending texts judged at the clock's time. */
function viewOf(deps: Pick<CampaignDeps, 'clock' | 'config'>, campaign: Campaign) {
  return campaignView(campaign, { now: deps.clock.now(), quietHours: deps.config.quietHours });
}

/**
 * The warnings of a stored campaign, as its create call gave them (a repeated create call answers
 * with them too): the body's, and the audience's from its estimate, final once the count is.
 */
function warningsOf(deps: Pick<CampaignDeps, 'config' | 'linkBase'>, campaign: Campaign) {
  const bodyWarnings = (body: string) =>
    campaignWarnings(body, deps.config.brand, deps.linkBase, deps.config.links, campaign.mediaUrls);
  return [
    // Each variant's, its message naming it.
    ...(campaign.variants
      ? campaign.variants.flatMap((variant) =>
          bodyWarnings(variant.body).map((w) => ({ ...w, message: `variant ${variant.name}: ${w.message}` })),
        )
      : bodyWarnings(campaign.body)),
    ...audienceWarnings(campaign.estimate),
  ];
}

export async function getCampaign(
  deps: Pick<CampaignDeps, 'campaigns' | 'clock' | 'config'>,
  campaignId: string,
) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`no campaign ${campaignId}`, 'campaignId');
  return viewOf(deps, campaign);
}

export async function cancelCampaign(deps: CampaignDeps, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`no campaign ${campaignId}`, 'campaignId');
  if (campaign.state !== 'cancelled') {
    await deps.campaigns.transition(
      campaignId,
      ['estimating', 'scheduled', 'sending', 'dispatched'],
      'cancelled',
      deps.clock.now().toISOString(),
    );
    // The schedules stored now; any the estimate creates later find the campaign cancelled.
    for (const schedule of campaign.schedules) await deps.scheduler.delete(schedule.name);
    if (campaign.state === 'estimating') await deps.scheduler.delete(estimateScheduleName(campaignId));
    if (campaign.winner) await deps.scheduler.delete(winnerScheduleName(campaignId));
  }
  return getCampaign(deps, campaignId);
}

/** Scheduler target: enqueue this campaign's (or this time zone's) eligible recipients. */
export async function dispatchCampaign(
  deps: DispatchDeps,
  input: { campaignId: string; timeZone?: string; rest?: boolean },
) {
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
  const targetedByWindow: Record<string, number> = {};
  let pending: Recipient[] = [];
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
    // A winner campaign texts its test group at the send time, the rest once the winner is decided.
    if (
      campaign.winner &&
      inTestGroup(campaign.campaignId, profile.phone, campaign.winner.testFraction) === Boolean(input.rest)
    )
      return;
    if (verdict.eligible) {
      targeted += 1;
      // The zone goes with the recipient: the sender holds a text its quiet hours forbid without a read.
      const zone = recipientTimeZone(profile.timeZone, profile.phone, deps.config.defaultTimeZone);
      const window = sendWindowKey(zone, profile.phone);
      targetedByWindow[window] = (targetedByWindow[window] ?? 0) + 1;
      pending.push({ phone: profile.phone, zone });
      await flush(false);
    } else if (verdict.reason !== 'not_in_segment' && verdict.reason !== 'other_time_zone') {
      skipped[verdict.reason] = (skipped[verdict.reason] ?? 0) + 1;
    }
  });
  await flush(true);
  // By window too, where the campaign keeps them (not on campaigns stored before they were kept).
  const byWindow = campaign.counters.targetedByWindow ? { targetedByWindow } : {};
  const delta: CounterDelta = { targeted, skipped, ...byWindow };
  const recorded = await deps.campaigns.recordDispatch(
    campaign.campaignId,
    input.rest ? WINNER_DISPATCH : (input.timeZone ?? 'all'),
    delta,
    now.toISOString(),
  );
  const after = await deps.campaigns.get(campaign.campaignId);
  const done =
    after &&
    campaign.schedules.every((s) => after.dispatched[s.timeZone ?? 'all']) &&
    (!campaign.winner || after.dispatched[WINNER_DISPATCH]);
  if (done)
    await deps.campaigns.transition(campaign.campaignId, ['sending'], 'dispatched', now.toISOString());
  return { dispatched: targeted, recorded };
}

/** The dispatch key of a winner campaign's second dispatch: the rest of the audience. */
const WINNER_DISPATCH = 'rest';

/**
 * Scheduler target `decideAfterHours` after a winner campaign's send time: decides the winner from
 * the variants' counters (once: a redelivery finds it decided and keeps it), then dispatches the rest
 * of the audience, who get it. The rest are read as they are now: whoever opted out, paused or left
 * the segment since the test is not texted, and the sender checks each again before it sends. The
 * test group is never dispatched again, and a text already sent under the campaign's message id is
 * never sent twice.
 */
export async function decideWinnerAndSendRest(deps: DispatchDeps, campaignId: string) {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign?.winner || !campaign.variants) return { decided: false, reason: 'not a winner campaign' };
  if (campaign.state === 'cancelled') return { decided: false, reason: 'cancelled' };
  const decision = decideWinner(
    campaign.variants,
    campaign.winner.metric,
    campaign.counters.variantCounts,
    deps.clock.now().toISOString(),
  );
  await deps.campaigns.decideWinner(campaignId, decision);
  const rest = await dispatchCampaign(deps, { campaignId, rest: true });
  const decided = await deps.campaigns.get(campaignId);
  return { decided: true, winner: decided?.winnerDecision?.variant, ...rest };
}
