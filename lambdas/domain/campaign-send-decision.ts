/**
 * What the campaign sender does with one queued recipient: pure. The sender
 * (services/campaign-sender.ts) reads, asks, and carries the answer out; it decides nothing itself. It
 * asks at each point where it learns something new, so each stage of `RecipientFacts` says what is
 * known:
 *
 * - `queued`, before a send slot or a profile read: a cancelled campaign is counted `cancelled`; a
 *   marketing text whose recipient is in quiet hours by the zone the dispatcher found (the state's
 *   calling-hours law included) is held until its window opens, without a read or a slot; with less
 *   than `STOP_BEFORE_TIMEOUT_MS` before the invocation's timeout it is requeued; else it takes a slot.
 * - `slotted`, its slot taken (the campaign read again at the moment of sending): cancelled, or read.
 * - `read`, with the profile as it is now: the campaign's own rules (`campaignEligibility`: opted out,
 *   not subscribed, permanently undeliverable, in the error segment, paused by `Paused` or the
 *   campaign's property) skip it; then the send policy every message obeys (`decideSend`: consent,
 *   quiet hours in the profile's zone, the state's message cap, smart sending) holds or skips it (a
 *   campaign has no deadline, so a recipient at a state's cap is skipped, not held); then a claim the send found
 *   on the message id (`claimVerdict`): a young unconfirmed one holds it, an old one is taken over,
 *   any other is left; else it is sent, with its body rendered for the recipient and its links.
 *
 * Segment and time zone were decided at dispatch, so they are not judged again. Every skip but
 * `cancelled` is recorded under the message id, so a redelivered batch counts it once. See
 * docs/campaigns.md#fan-out.
 */
import type { Recipient } from './campaign-queue';
import type { Campaign } from './campaigns';
import { recipientVariant } from './campaign-variants';
import type { ConversationSettings } from './conversations';
import { linkCode, preferencesPrefix, shortenLinks, shortLinkPrefix, type ShortLink } from './links';
import { campaignMessageClass, claimVerdict, outboundBody, type MessageClass } from './messages';
import type { Profile } from './profile';
import { quietHoursDecision, recipientTimeZone, sendWindowFor } from './quiet-hours';
import type { RuntimeConfig } from './runtime-config';
import { campaignEligibility } from './segments';
import { decideSend } from './send-policy';
import { renderTemplate, templateContext } from './templates';

/**
 * With less time than this left before the function's timeout, no new send starts: the recipients not
 * yet started go back on the queue as new messages, and the sends in flight finish. At a low rate (a 1
 * MPS number shares 0.5 a second per consumer) a batch of 500 recipients takes far longer than
 * Lambda's 15 minutes; without this, the invocation would be killed and its batch redelivered again
 * and again towards the dead-letter queue.
 */
export const STOP_BEFORE_TIMEOUT_MS = 60_000;

/** The configuration a campaign text is decided and rendered with. */
export type CampaignSendSettings = Pick<
  RuntimeConfig,
  | 'brand'
  | 'programName'
  | 'supportContact'
  | 'optOutLanguage'
  | 'defaultTimeZone'
  | 'quietHours'
  | 'smartSendingHours'
  | 'links'
> & {
  /**
   * The public origin of links (`LINK_BASE_URL`): short links go under `shortLinkPrefix` of it, and
   * preference pages under `preferencesPrefix` (links.ts).
   */
  readonly linkBase: string;
  /** An open conversation holds marketing when `pauseAutomations` is on. */
  readonly conversations?: ConversationSettings;
};

/** A recipient's text: the campaign body rendered for their profile, its URLs made short links. */
export interface CampaignText {
  readonly body: string;
  /**
   * The short links in `body`, to be stored before the text goes out, each with its first candidate
   * code (a collision gives it the next: withLinkCode in links.ts).
   */
  readonly links: readonly ShortLink[];
  /** The variant of an A/B campaign the text is (campaign-variants.ts). */
  readonly variant?: string;
}

/** A claim found under the message id, as read back. */
export interface FoundClaim {
  readonly status: string;
  readonly at: string;
  readonly awsMessageId?: string;
}

interface Known {
  /** The campaign as last read; undefined when it is gone. */
  readonly campaign: Campaign | undefined;
  /** The recipient as queued, with the zone the dispatcher found. */
  readonly recipient: Recipient;
  readonly now: Date;
}

export interface QueuedFacts extends Known {
  readonly stage: 'queued';
  /** Milliseconds left before the invocation's timeout; undefined when unlimited. */
  readonly msLeft?: number;
}

export interface SlottedFacts extends Known {
  readonly stage: 'slotted';
}

export interface ReadFacts extends Known {
  readonly stage: 'read';
  /** The profile as read just before the send; undefined when there is none. */
  readonly profile: Profile | undefined;
  /** The text an earlier attempt rendered (its links are stored): a retry sends it again. */
  readonly text?: CampaignText;
  /** The recipient's preference-page link, made when the body prints `{{ preferences_url }}`. */
  readonly preferencesUrl?: string;
  /** A claim the send found under the message id (another invocation's, or a killed one's). */
  readonly claim?: FoundClaim;
}

export type RecipientFacts = QueuedFacts | SlottedFacts | ReadFacts;

/** The parts of the send request the campaign decides (the sender adds recipient, key and profile). */
export interface CampaignSendIntent {
  readonly messageClass: 'marketing' | 'transactional';
  readonly smartSending: boolean;
  readonly pausedProperties: readonly string[];
  readonly mediaUrls?: readonly string[];
  /** Origination identity other than the current one (a number change's messages). */
  readonly from?: string;
}

/** Counted under `reason`; `record` when the skip is recorded under the message id (counted once). */
export interface SkipDecision {
  readonly action: 'skip';
  readonly reason: string;
  readonly record?: { readonly body: string; readonly messageClass: MessageClass };
}

/** Back on the queue until `until`, carrying `zone` (its counts are kept under that zone's window). */
export interface HoldDecision {
  readonly action: 'hold';
  readonly until: Date;
  readonly zone: string;
  readonly reason: 'quiet_hours' | 'state_frequency_cap' | 'unconfirmed_claim';
}

export interface SendDecision {
  readonly action: 'send';
  readonly text: CampaignText;
  readonly intent: CampaignSendIntent;
  /** The `at` of an unconfirmed claim to take over rather than claim anew. */
  readonly takeOver?: string;
}

export type QueuedDecision =
  | SkipDecision
  | HoldDecision
  /** Out of time: back on the queue now, as a new message. */
  | { readonly action: 'requeue' }
  /** Take a send slot, then ask again (`slotted`). */
  | { readonly action: 'take_slot' };

export type SlottedDecision =
  | SkipDecision
  /** Read the profile, then ask again (`read`). */
  | { readonly action: 'read_profile' };

export type ReadDecision =
  | SkipDecision
  | HoldDecision
  | SendDecision
  /** A claim another invocation owns or settled: nothing to send, nothing to count. */
  | { readonly action: 'leave' };

export type CampaignSendDecision = QueuedDecision | SlottedDecision | ReadDecision;

export function decideCampaignSend(facts: QueuedFacts, settings: CampaignSendSettings): QueuedDecision;
export function decideCampaignSend(facts: SlottedFacts, settings: CampaignSendSettings): SlottedDecision;
export function decideCampaignSend(facts: ReadFacts, settings: CampaignSendSettings): ReadDecision;
export function decideCampaignSend(
  facts: RecipientFacts,
  settings: CampaignSendSettings,
): CampaignSendDecision;
export function decideCampaignSend(
  facts: RecipientFacts,
  settings: CampaignSendSettings,
): CampaignSendDecision {
  const { campaign, recipient, now } = facts;
  if (!campaign || campaign.state === 'cancelled') return { action: 'skip', reason: 'cancelled' };
  const messageClass = campaignMessageClass(campaign);
  switch (facts.stage) {
    case 'queued': {
      // Held by the zone on the queue: a profile whose zone has changed since is caught at `read`.
      if (messageClass === 'marketing' && recipient.zone) {
        const quiet = quietHoursDecision({
          now,
          timeZone: recipient.zone,
          window: sendWindowFor(recipient.phone, settings.quietHours),
        });
        if (quiet.action === 'defer')
          return { action: 'hold', until: quiet.until, zone: recipient.zone, reason: 'quiet_hours' };
      }
      if (facts.msLeft !== undefined && facts.msLeft < STOP_BEFORE_TIMEOUT_MS) return { action: 'requeue' };
      return { action: 'take_slot' };
    }
    case 'slotted':
      return { action: 'read_profile' };
    case 'read':
      return decideWithProfile(facts, campaign, messageClass, settings);
  }
}

function decideWithProfile(
  facts: ReadFacts,
  campaign: Campaign,
  messageClass: 'marketing' | 'transactional',
  settings: CampaignSendSettings,
): ReadDecision {
  const { profile, recipient, now } = facts;
  if (!profile)
    return { action: 'skip', reason: 'not_subscribed', record: { body: campaign.body, messageClass } };
  const text = facts.text ?? campaignText(campaign, profile, recipient.phone, settings, facts.preferencesUrl);
  const verdict = campaignEligibility(
    profile,
    {
      segment: campaign.segment,
      pausedProperty: campaign.excludePausedProperty,
      defaultTimeZone: settings.defaultTimeZone,
    },
    now,
  );
  if (!verdict.eligible && verdict.reason !== 'not_in_segment' && verdict.reason !== 'other_time_zone')
    return { action: 'skip', reason: verdict.reason, record: { body: text.body, messageClass } };

  const intent: CampaignSendIntent = {
    messageClass,
    smartSending: campaign.smartSending,
    // PAUSE's own property holds every marketing text (isPaused); only the campaign's is named.
    pausedProperties: campaign.excludePausedProperty ? [campaign.excludePausedProperty] : [],
    ...(campaign.mediaUrls ? { mediaUrls: campaign.mediaUrls } : {}),
    ...(campaign.originationIdentity ? { from: campaign.originationIdentity } : {}),
  };
  // The rules of the one outbound path, as send() applies them again when it sends.
  const policy = decideSend(
    profile,
    { ...intent, messageId: campaignMessageId(campaign.campaignId, recipient.phone) },
    {
      now,
      phone: recipient.phone,
      defaultTimeZone: settings.defaultTimeZone,
      quietHours: settings.quietHours,
      smartSendingHours: settings.smartSendingHours,
      ...(settings.conversations ? { conversations: settings.conversations } : {}),
    },
  );
  if (!policy.send && 'deferUntil' in policy)
    return {
      action: 'hold',
      until: policy.deferUntil,
      zone: queueZone(recipient, profile, settings.defaultTimeZone),
      reason: policy.reason,
    };
  if (!policy.send) {
    // Recorded as send() records its own skips: with the text as it would have gone.
    const body = outboundBody(text.body, messageClass, profile, settings);
    return { action: 'skip', reason: policy.reason, record: { body, messageClass } };
  }

  if (facts.claim) {
    const claim = claimVerdict(facts.claim, now);
    if (claim.action === 'wait')
      return {
        action: 'hold',
        until: claim.until,
        zone: queueZone(recipient, profile, settings.defaultTimeZone),
        reason: 'unconfirmed_claim',
      };
    if (claim.action === 'leave') return { action: 'leave' };
    return { action: 'send', text, intent, takeOver: claim.claimedAt };
  }
  return { action: 'send', text, intent };
}

/** The message id of a campaign's text to a recipient: its claim, its record and its dedupe key. */
export function campaignMessageId(campaignId: string, phone: string): string {
  return `campaign#${campaignId}#${phone}`;
}

/**
 * The zone a held recipient goes back on the queue with: the one it was dispatched under, which its
 * counts are kept by; else the profile's (or the number's). A profile whose zone changed since the
 * dispatch is read again when it comes back, and held again.
 */
export function queueZone(
  recipient: Recipient,
  profile: Profile | undefined,
  defaultTimeZone: string,
): string {
  return recipient.zone ?? recipientTimeZone(profile?.timeZone, recipient.phone, defaultTimeZone);
}

/** The campaign body rendered for the profile, each URL a short link for this recipient. */
export function campaignText(
  campaign: Pick<Campaign, 'body' | 'linkSalt'> &
    Partial<Pick<Campaign, 'campaignId' | 'variants' | 'winner' | 'winnerDecision'>>,
  profile: Profile,
  phone: string,
  settings: CampaignSendSettings,
  preferencesUrl: string | undefined,
): CampaignText {
  // An A/B campaign's recipient gets their variant's body (campaign-variants.ts).
  const variant =
    campaign.campaignId !== undefined
      ? recipientVariant({ ...campaign, campaignId: campaign.campaignId }, phone)
      : undefined;
  const rendered = renderTemplate(
    variant?.body ?? campaign.body,
    templateContext(settings, profile, undefined, preferencesUrl ? { preferencesUrl } : {}),
  );
  const text = shortenLinks(
    rendered,
    shortLinkPrefix(settings.linkBase, settings.links),
    (index) => linkCode(campaign.linkSalt, phone, index, 0, settings.links.codeLength),
    preferencesPrefix(settings.linkBase),
  );
  return variant ? { ...text, variant: variant.name } : text;
}
