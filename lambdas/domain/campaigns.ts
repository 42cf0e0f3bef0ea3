/**
 * Campaigns: the stored record and its counters (the request is in `campaign-request.ts`). A campaign
 * goes out once at `sendAt`, or at `sendAtLocalTime` ("2026-11-27T10:00": 10:00 in each recipient's
 * own time zone, one schedule per time zone present; `dispatchZoneOf` places a zone that turns up
 * later).
 */
import type { AudienceOutlook } from './campaign-audience';
import {
  variantsView,
  type CampaignVariant,
  type WinnerDecision,
  type WinnerSettings,
} from './campaign-variants';
import { pendingBreakdown } from './campaign-progress';
import { encodeForSending } from './message-format';
import { lintMessage, type LintWarning } from './message-lint';
import { campaignMessageClass } from './messages';
import type { SendWindow } from './quiet-hours';
import {
  findUrls,
  SAMPLE_LINKS_DOMAIN,
  shortLinkPrefix,
  withSampleLinks,
  withSamplePreferencesUrl,
} from './links';
import type { SegmentDistribution } from './campaign-segments';
import type { Segment } from './segments';
import type { CountryPrice } from './sms-prices';
import { zonedToInstant, type LocalDateTime } from './zoned-time';

/**
 * `estimating` while the audience is still being counted (an audience too large to count within the
 * create call); the dispatcher finishes the count and creates the schedules, then `scheduled`.
 */
export const CAMPAIGN_STATES = ['estimating', 'scheduled', 'sending', 'dispatched', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export interface CampaignCounters {
  readonly targeted: number;
  readonly sent: number;
  /** SMS segments of the texts sent, as billed; absent on campaigns stored before it was kept. */
  readonly segments?: number;
  readonly skipped: Readonly<Record<string, number>>;
  /**
   * Dispatched recipients the sender has finished with: sent, or skipped at send time (`skipped`
   * also holds the dispatch's own skips, who were never targeted). Absent on campaigns stored before
   * it was kept.
   */
  readonly settled?: number;
  /**
   * `targeted` and `settled` by send window (`sendWindowKey`: the recipient's time zone, and the
   * state whose calling-hours law narrows its window): what is pending in each window, and so what
   * quiet hours hold now (campaign-progress.ts). Absent on campaigns stored before they were kept.
   */
  readonly targetedByWindow?: Readonly<Record<string, number>>;
  readonly settledByWindow?: Readonly<Record<string, number>>;
  readonly delivered: number;
  readonly failed: number;
  readonly clicks: number;
  readonly optOuts: number;
  readonly orders: number;
  readonly revenue: number;
  /**
   * Per variant of an A/B campaign, `<variant>:<metric>` (campaign-variants.ts): sent, delivered,
   * clicks, orders, revenue. Absent on campaigns without variants.
   */
  readonly variantCounts?: Readonly<Record<string, number>>;
}

export interface CampaignSchedule {
  readonly name: string;
  /** Time zone of the recipients this schedule dispatches (local-time campaigns). */
  readonly timeZone?: string;
  readonly at: string;
}

/** No dispatch runs earlier than this after the create call (Scheduler's precision is a minute). */
export const SCHEDULE_LEAD_MS = 60_000;

/**
 * When the dispatch of a recipient zone runs: `sendAt`, or `sendAtLocalTime` in that zone, and never
 * earlier than a minute from `now` (where the local time has passed, the campaign goes out at once).
 */
export function dispatchTime(
  campaign: { readonly sendAt?: string; readonly sendAtLocalTime?: string },
  zone: string,
  now: Date,
): Date {
  const earliest = now.getTime() + SCHEDULE_LEAD_MS;
  const at = campaign.sendAt
    ? Date.parse(campaign.sendAt)
    : campaign.sendAtLocalTime
      ? zonedToInstant(localSendTime(campaign.sendAtLocalTime), zone).getTime()
      : earliest;
  return new Date(Math.max(at, earliest));
}

/** `sendAtLocalTime` (`YYYY-MM-DDTHH:MM`, validated by the request schema) as wall-clock parts. */
export function localSendTime(sendAtLocalTime: string): LocalDateTime {
  const [date = '', time = ''] = sendAtLocalTime.split('T');
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return { year, month, day, hour, minute, second: 0 };
}

/**
 * Which schedule of a local-time campaign dispatches the recipients of a time zone. A zone with a
 * schedule of its own dispatches itself. A zone without one (a subscriber who joined after the
 * campaign was created, from a zone none of its audience was in then) goes with the first schedule
 * that runs at or after that zone's own send time; when every schedule runs earlier, with the last
 * one, and the sender's quiet-hours check holds those texts until the recipient's allowed hours. Each
 * zone has exactly one dispatching schedule, so each recipient is dispatched (and counted) once.
 */
export function dispatchZoneOf(
  schedules: readonly CampaignSchedule[],
  sendAtLocalTime: string,
): (zone: string) => string | undefined {
  const runs = schedules
    .filter((s): s is CampaignSchedule & { timeZone: string } => s.timeZone !== undefined)
    .map((s) => ({ timeZone: s.timeZone, at: Date.parse(s.at) }))
    .sort((a, b) => a.at - b.at || a.timeZone.localeCompare(b.timeZone));
  const own = new Set(runs.map((run) => run.timeZone));
  const local = localSendTime(sendAtLocalTime);
  const decided = new Map<string, string | undefined>();
  return (zone) => {
    if (own.has(zone)) return zone;
    if (decided.has(zone)) return decided.get(zone);
    const due = zonedToInstant(local, zone).getTime();
    const owner = (runs.find((run) => run.at >= due) ?? runs.at(-1))?.timeZone;
    decided.set(zone, owner);
    return owner;
  };
}

export interface Campaign {
  readonly campaignId: string;
  readonly name: string;
  /** The text; with `variants`, the first variant's (what estimates and skip records fall back on). */
  readonly body: string;
  /** A/B variants: each recipient gets one (campaign-variants.ts). */
  readonly variants?: readonly CampaignVariant[];
  /** Variants to a test group first, then the best one to the rest (campaign-variants.ts). */
  readonly winner?: WinnerSettings;
  /** The winner, once decided. */
  readonly winnerDecision?: WinnerDecision;
  readonly mediaUrls?: readonly string[];
  readonly segment: Segment;
  readonly sendAt?: string;
  readonly sendAtLocalTime?: string;
  readonly tags: readonly string[];
  readonly smartSending: boolean;
  readonly excludePausedProperty?: string;
  readonly messageType: 'PROMOTIONAL' | 'TRANSACTIONAL';
  /** Send from this identity rather than the current one (the two messages of a number change). */
  readonly originationIdentity?: string;
  /** The number change this campaign belongs to. */
  readonly numberChangeId?: string;
  readonly state: CampaignState;
  readonly schedules: readonly CampaignSchedule[];
  /** Secret for this campaign's short-link codes. */
  readonly linkSalt: string;
  readonly estimate: CampaignEstimate;
  readonly counters: CampaignCounters;
  /** Dispatches done, by key (`all` or a time zone), with their time. */
  readonly dispatched: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly cancelledAt?: string;
}

export interface CampaignEstimate {
  /** Eligible recipients; while `complete` is false, those counted so far (a lower bound). */
  readonly recipients: number;
  /** Segments of the body as written, variables at their template text (`previewBody`). */
  readonly segmentsPerMessage: number;
  /**
   * Segments of the text as each sampled recipient gets it (campaign-segments.ts); absent with no
   * recipient, and on campaigns stored before it existed.
   */
  readonly segments?: SegmentDistribution;
  /** The cost of the audience: per recipient, `segments.mean` (else `segmentsPerMessage`) at the price per segment. */
  readonly costUsd: number;
  /** False while the campaign is `estimating` (absent on campaigns stored before it existed: true). */
  readonly complete?: boolean;
  /** Recipients quiet hours hold when their dispatch runs, and when their windows open (campaign-audience.ts). */
  readonly quietHours?: AudienceOutlook['quietHours'];
  /** Recipients smart sending would skip when their text goes. */
  readonly smartSending?: AudienceOutlook['smartSending'];
}

/**
 * What `recipients` copies of a message cost at a country's price (0 where none is known), to 1/100
 * of a cent: one MMS each, or each SMS at the sampled recipients' mean segments (`distribution`),
 * else at the segments of the body as written.
 */
export function campaignEstimate(
  recipients: number,
  message: { readonly segments: number; readonly mms: boolean },
  price: CountryPrice | undefined,
  complete: boolean,
  outlook?: AudienceOutlook,
  distribution?: SegmentDistribution,
): CampaignEstimate {
  const perSms = price ? price.smsUsd + (price.smsCarrierFeeUsd ?? 0) : 0;
  const perMms = price?.mmsUsd !== undefined ? price.mmsUsd + (price.mmsCarrierFeeUsd ?? 0) : perSms;
  const perMessage = message.mms ? perMms : perSms * (distribution?.mean ?? message.segments);
  return {
    recipients,
    segmentsPerMessage: message.segments,
    ...(distribution ? { segments: distribution } : {}),
    costUsd: Math.round(recipients * perMessage * 10_000) / 10_000,
    complete,
    ...(outlook ?? {}),
  };
}

export const EMPTY_COUNTERS: CampaignCounters = {
  targeted: 0,
  sent: 0,
  segments: 0,
  skipped: {},
  settled: 0,
  targetedByWindow: {},
  settledByWindow: {},
  delivered: 0,
  failed: 0,
  clicks: 0,
  optOuts: 0,
  orders: 0,
  revenue: 0,
};

/** When a winner campaign's winner is decided: `decideAfterHours` after its send time. */
export function winnerDecisionTime(campaign: Pick<Campaign, 'winner' | 'schedules'>): Date | undefined {
  const sendAt = campaign.schedules[0]?.at;
  if (!campaign.winner || sendAt === undefined) return undefined;
  return new Date(Date.parse(sendAt) + campaign.winner.decideAfterHours * 3_600_000);
}

/**
 * The body as it will look on a phone, for segment counts and warnings: brand prefix, links at
 * their length as sent (`shortLinkPrefix` of the public origin, and a code of `links.codeLength`) and
 * the preference-page link at its length (profile variables render with their defaults).
 */
export function previewBody(
  body: string,
  brand: string,
  origin: string,
  links: { readonly domain?: string; readonly codeLength: number },
): string {
  // The preference-page link at its length: `<origin>/p/` and a 22-character token.
  const preview = withSamplePreferencesUrl(
    withSampleLinks(body, shortLinkPrefix(origin, links), links.codeLength),
    origin,
  );
  return preview.toLowerCase().startsWith(brand.toLowerCase()) ? preview : `${brand}: ${preview}`;
}

/** The links settings a body is previewed with (`links` of the runtime config). */
export interface LinksSettings {
  readonly domain?: string;
  readonly codeLength: number;
}

/**
 * The warnings of a campaign body as it will be sent (`previewBody`); with its short links on the
 * API's address, `long_links` says what a links domain (`links.domain`) would save.
 */
export function campaignWarnings(
  body: string,
  brand: string,
  origin: string,
  links: LinksSettings,
  mediaUrls?: readonly string[],
): LintWarning[] {
  const mms = (mediaUrls?.length ?? 0) > 0;
  const onLinksDomain =
    links.domain === undefined && !mms && findUrls(body).length > 0
      ? previewBody(body, brand, `https://${SAMPLE_LINKS_DOMAIN}`, { ...links, domain: SAMPLE_LINKS_DOMAIN })
      : undefined;
  return lintMessage(previewBody(body, brand, origin, links), {
    brand,
    ...(mediaUrls ? { mediaUrls } : {}),
    ...(onLinksDomain === undefined ? {} : { onLinksDomain }),
  });
}

/**
 * What one text is billed: an MMS is one message; an SMS is the segments of the text as sent, after
 * smart encoding (`sending.smartEncoding`, encodeForSending).
 */
export function segmentsPerMessage(previewed: string, mms: boolean, smartEncoding = false): number {
  return mms ? 1 : Math.max(1, encodeForSending(previewed, smartEncoding).segments);
}

/** What the view needs besides the campaign: the time, and the program's sending window. */
export interface ViewContext {
  readonly now: Date;
  readonly quietHours: SendWindow;
}

export function campaignView(campaign: Campaign, context: ViewContext) {
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    state: campaign.state,
    body: campaign.body,
    variants: campaign.variants ? variantsView(campaign.variants, campaign.counters.variantCounts) : null,
    winner: campaign.winner
      ? {
          ...campaign.winner,
          decideAt: winnerDecisionTime(campaign)?.toISOString() ?? null,
          variant: campaign.winnerDecision?.variant ?? null,
          decidedAt: campaign.winnerDecision?.decidedAt ?? null,
          scores: campaign.winnerDecision?.scores ?? null,
        }
      : null,
    segment: campaign.segment,
    sendAt: campaign.sendAt ?? null,
    sendAtLocalTime: campaign.sendAtLocalTime ?? null,
    schedules: campaign.schedules,
    tags: campaign.tags,
    smartSending: campaign.smartSending,
    excludePausedProperty: campaign.excludePausedProperty ?? null,
    messageType: campaign.messageType,
    estimate: { ...campaign.estimate, complete: campaign.estimate.complete ?? true },
    counters: countersView(campaign, context),
    createdAt: campaign.createdAt,
    cancelledAt: campaign.cancelledAt ?? null,
  };
}

/**
 * The counters as the API shows them: `pending` is the recipients dispatched but not yet sent or
 * skipped (null on campaigns stored before it was kept), `pendingBy` splits it into those waiting for
 * their quiet hours to end and those queued for the paced sender, and `nextSendAt` is when the first
 * waiting text may go (campaign-progress.ts). The per-window counts behind the split stay internal.
 */
function countersView(campaign: Campaign, context: ViewContext) {
  const {
    settled: _settled,
    targetedByWindow: _t,
    settledByWindow: _s,
    variantCounts: _v,
    ...shown
  } = campaign.counters;
  const progress = pendingBreakdown(campaign.counters, {
    now: context.now,
    quietHours: context.quietHours,
    marketing: campaignMessageClass(campaign) === 'marketing',
  });
  return { ...shown, segments: shown.segments ?? null, ...progress };
}
