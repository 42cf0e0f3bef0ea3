/**
 * The campaign sender: drains queued recipients at the origination identity's messages per second.
 * Each recipient is re-checked at send time (consent, opt-out, pause, error segment, quiet hours,
 * smart sending) and texted through `send()`, whose conditional put on `campaign#<id>#<phone>` makes a
 * redelivered batch text nobody twice. Throttling and server errors are retried with backoff and
 * jitter; a recipient still refused fails its queue message (partial batch response), which SQS
 * redelivers, and after repeated failures moves to the dead-letter queue. Cancelling the campaign
 * stops further sends. A text quiet hours hold goes back on the queue, delayed; while the recipient's
 * quiet hours (by the zone the dispatcher found) are still on, without a profile read. So does a
 * recipient whose claim a killed sender left unconfirmed, until `send()` may take it over.
 */
import { sendWindowKey } from '../domain/campaign-progress';
import { recipientMessages, recipientsOf, type Recipient } from '../domain/campaign-queue';
import type { Campaign } from '../domain/campaigns';
import { campaignMessageClass } from '../domain/messages';
import { shortenLinks } from '../domain/links';
import type { Profile } from '../domain/profile';
import { quietHoursDecision, recipientTimeZone, sendWindowFor } from '../domain/quiet-hours';
import { campaignEligibility, type Segment } from '../domain/segments';
import { renderTemplate, templateContext } from '../domain/templates';
import type { CampaignStore } from '../adapters/campaign-store';
import type { LinkRecord, LinkStore } from '../adapters/link-store';
import type { QueueSender } from '../adapters/queue-sender';
import { SmsOutcomeUnknownError, SmsRetryableError } from '../adapters/sms-gateway';
import { forEachLimited, Pacer } from './pacer';
import { send, skipWithoutSending, type SendDeps, type SendResult } from './send';
import type { ThroughputShare } from './throughput-share';

export interface SenderDeps extends SendDeps {
  readonly campaigns: CampaignStore;
  readonly links: LinkStore;
  readonly queue: QueueSender;
  readonly queueUrl: string;
  readonly linkBase: string;
  /** This invocation's share of the identity's messages per second. */
  readonly pacer: Pacer;
  /** Keeps the pacer at a fair share of the identity's rate while this batch is sent. */
  readonly share?: ThroughputShare;
  /** Milliseconds left before the function times out (Lambda's context); unlimited when absent. */
  readonly remainingMs?: () => number;
}

export interface QueuedRecipients {
  readonly messageId: string;
  readonly campaignId: string;
  readonly recipients: readonly string[];
  /** The dispatcher's time zone of each recipient (see campaign-queue.ts). */
  readonly zones?: readonly string[];
}

const THROTTLE_RETRIES = 6; // attempts after a refusal (throttling or a server error)
const LINK_RETENTION_SECONDS = 180 * 86_400;
/** How often a long batch re-reads the campaign, so a cancel stops it within a quarter second. */
const STATE_REFRESH_MS = 250;
/**
 * Recipients whose send slots fall within this window are re-read together (one BatchGetItem) the
 * moment their slots come, then texted: 5 at 100 messages per second, 25 at 500.
 */
const SLOT_GROUP_SECONDS = 0.05;
/** Slot groups in flight at once (covers End User Messaging latency at the paced rate). */
const GROUPS_IN_FLIGHT = 16;
/**
 * With less time than this left before the function's timeout, no new group starts: the recipients
 * not yet started go back on the queue as new messages, and the sends in flight finish. At a low rate
 * (a 1 MPS number shares 0.5 a second per consumer) a batch of 500 recipients takes far longer than
 * Lambda's 15 minutes; without this, the invocation would be killed and its batch redelivered again
 * and again towards the dead-letter queue.
 */
const STOP_BEFORE_TIMEOUT_MS = 60_000;

interface WorkItem {
  readonly message: QueuedRecipients;
  readonly phone: string;
  readonly zone?: string;
}

export async function sendCampaignBatch(
  deps: SenderDeps,
  batch: readonly QueuedRecipients[],
): Promise<{ failedMessageIds: string[] }> {
  // One read per campaign per refresh period, shared by every send in flight.
  const campaigns = new Map<string, { campaign: Promise<Campaign | undefined>; checkedAt: number }>();
  const current = (campaignId: string): Promise<Campaign | undefined> => {
    const cached = campaigns.get(campaignId);
    if (cached && Date.now() - cached.checkedAt < STATE_REFRESH_MS) return cached.campaign;
    const campaign = deps.campaigns.get(campaignId);
    campaigns.set(campaignId, { campaign, checkedAt: Date.now() });
    return campaign;
  };
  const failed = new Set<string>();
  const counts = new Map<
    string,
    {
      sent: number;
      settled: number;
      skipped: Record<string, number>;
      settledByWindow: Record<string, number>;
    }
  >();
  const deferred = new Map<string, { campaignId: string; until: number; recipients: Recipient[] }>();
  const hold = (campaignId: string, recipient: Recipient, until: Date) => {
    const key = `${campaignId}#${until.toISOString()}`;
    const entry = deferred.get(key) ?? { campaignId, until: until.getTime(), recipients: [] };
    entry.recipients.push(recipient);
    deferred.set(key, entry);
  };
  /**
   * When a marketing text's recipient is in quiet hours now by the zone the dispatcher found, the
   * time it may go: held with no profile read and no send slot. A profile whose zone has changed
   * since is caught by send()'s own check, which reads it.
   */
  const closedUntil = async (item: WorkItem): Promise<Date | undefined> => {
    if (!item.zone) return undefined;
    const campaign = await current(item.message.campaignId);
    if (!campaign || campaign.state === 'cancelled' || campaignMessageClass(campaign) !== 'marketing')
      return undefined;
    const decision = quietHoursDecision({
      now: deps.clock.now(),
      timeZone: item.zone,
      window: sendWindowFor(item.phone, deps.config.quietHours),
    });
    return decision.action === 'defer' ? decision.until : undefined;
  };
  // Each recipient's outcome, once: sent or a skip reason; `settled` counts both (what is not yet
  // settled shows as the campaign's `pending`), and by the send window the dispatcher counted the
  // recipient under (its zone travels with it on the queue), so the campaign can tell what quiet
  // hours hold (campaign-progress.ts).
  const count = (campaignId: string, outcome: string, item: Pick<WorkItem, 'phone' | 'zone'>) => {
    const entry = counts.get(campaignId) ?? { sent: 0, settled: 0, skipped: {}, settledByWindow: {} };
    counts.set(campaignId, entry);
    entry.settled += 1;
    if (outcome === 'sent') entry.sent += 1;
    else entry.skipped[outcome] = (entry.skipped[outcome] ?? 0) + 1;
    if (item.zone) {
      const window = sendWindowKey(item.zone, item.phone);
      entry.settledByWindow[window] = (entry.settledByWindow[window] ?? 0) + 1;
    }
  };

  const sendOne = async (item: WorkItem, fresh: Profile | undefined, campaign: Campaign, body: string) => {
    const { message, phone } = item;
    const messageId = `campaign#${campaign.campaignId}#${phone}`;
    let profile = fresh;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        // A refused attempt (throttled, 5xx) sent nothing: the retry reuses its slot, after the backoff.
        if ((await current(campaign.campaignId))?.state === 'cancelled') {
          deps.pacer.giveBack(1);
          return count(campaign.campaignId, 'cancelled', item);
        }
        profile = await deps.profiles.get(phone);
      }
      const verdict = profile
        ? campaignEligibility(
            profile,
            {
              segment: campaign.segment as Segment,
              pausedProperty: campaign.excludePausedProperty,
              defaultTimeZone: deps.config.defaultTimeZone,
            },
            deps.clock.now(),
          )
        : ({ eligible: false, reason: 'not_subscribed' } as const);
      // Segment and time zone were decided at dispatch; consent and exclusions are re-checked now.
      const messageClass = campaignMessageClass(campaign);
      if (!verdict.eligible && verdict.reason !== 'not_in_segment' && verdict.reason !== 'other_time_zone') {
        deps.pacer.giveBack(1);
        // Recorded under the message id, so a redelivered batch neither counts it again nor texts it.
        const recorded = await skipWithoutSending(
          deps,
          { to: phone, body, messageClass, idempotencyKey: messageId, campaignId: campaign.campaignId },
          verdict.reason,
        );
        if (recorded) count(campaign.campaignId, verdict.reason, item);
        return;
      }
      try {
        const result = await send(deps, {
          to: phone,
          body,
          messageClass,
          idempotencyKey: messageId,
          campaignId: campaign.campaignId,
          smartSending: campaign.smartSending,
          // A batch a killed sender left comes back to claims it never sent: they go, once confirmed.
          resendUnconfirmed: true,
          pausedProperties: campaign.excludePausedProperty
            ? ['Paused', campaign.excludePausedProperty]
            : ['Paused'],
          ...(campaign.mediaUrls ? { mediaUrls: campaign.mediaUrls } : {}),
          ...(campaign.originationIdentity ? { from: campaign.originationIdentity } : {}),
          profile: profile ?? null,
        });
        // Only a text End User Messaging was asked to send used its slot.
        if (!calledEndUserMessaging(result)) deps.pacer.giveBack(1);
        if (result.status === 'sent') count(campaign.campaignId, 'sent', item);
        else if (result.status === 'skipped') count(campaign.campaignId, result.reason, item);
        else if (result.status === 'deferred') {
          // Back on the queue with the zone it was dispatched under, which its counts are kept by. A
          // profile whose zone changed since is read again when it comes back, and held again.
          const zone = item.zone ?? recipientTimeZone(profile?.timeZone, phone, deps.config.defaultTimeZone);
          hold(campaign.campaignId, { phone, zone }, new Date(result.until));
        }
        return;
      } catch (error) {
        if (!(error instanceof SmsRetryableError) || attempt >= THROTTLE_RETRIES) {
          // SQS redelivers the message; recipients already texted are dropped by their claims. A text
          // End User Messaging refused outright is recorded `failed` and never retried: its outcome.
          // One it did not answer is still `sending`: nothing to read.
          failed.add(message.messageId);
          if (
            !(error instanceof SmsRetryableError) &&
            !(error instanceof SmsOutcomeUnknownError) &&
            (await refused(deps, messageId))
          ) {
            count(campaign.campaignId, 'rejected', item);
          }
          return;
        }
        const backoff = Math.min(2000, 50 * 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
      }
    }
  };

  const leftOver: WorkItem[] = [];
  // Groups are sized from the rate once the share is known: 5 recipients at 100 a second, 25 at 500.
  const sendGroups = async () => {
    const work: WorkItem[] = batch.flatMap((message) =>
      recipientsOf(message).map((recipient) => ({ message, ...recipient })),
    );
    const groupSize = Math.max(1, Math.floor(deps.pacer.rate * SLOT_GROUP_SECONDS));
    const groups: WorkItem[][] = [];
    for (let i = 0; i < work.length; i += groupSize) groups.push(work.slice(i, i + groupSize));
    await forEachLimited(groups, GROUPS_IN_FLIGHT, async (group) => {
      const live: WorkItem[] = [];
      for (const item of group) {
        if (failed.has(item.message.messageId)) continue;
        const until = await closedUntil(item);
        if (until) hold(item.message.campaignId, { phone: item.phone, zone: item.zone }, until);
        else live.push(item);
      }
      if (live.length === 0) return;
      if (deps.remainingMs && deps.remainingMs() < STOP_BEFORE_TIMEOUT_MS) {
        leftOver.push(...live);
        return;
      }
      // The group's slots, then (checked again at the moment of sending) the campaign's state: a cancel
      // stops the sends still waiting for a slot.
      await deps.pacer.take(live.length);
      const pending: { item: WorkItem; campaign: Campaign }[] = [];
      for (const item of live) {
        const campaign = await current(item.message.campaignId);
        if (campaign && campaign.state !== 'cancelled') pending.push({ item, campaign });
        else {
          deps.pacer.giveBack(1);
          count(item.message.campaignId, 'cancelled', item);
        }
      }
      if (pending.length === 0) return;
      // The profiles as they are now, not as they were when the batch started: a STOP, a PAUSE or a
      // delivery failure that arrived during a long paced batch holds the text back.
      // Then the group's bodies, with their short links written before any text that points at them.
      let fresh: Map<string, Profile>;
      let bodies: Map<WorkItem, string>;
      try {
        fresh = await deps.profiles.getMany(pending.map(({ item }) => item.phone));
        bodies = await planTexts(deps, pending, fresh);
      } catch {
        deps.pacer.giveBack(pending.length);
        for (const { item } of pending) failed.add(item.message.messageId);
        return;
      }
      await Promise.all(
        pending.map(async ({ item, campaign }) => {
          try {
            await sendOne(item, fresh.get(item.phone), campaign, bodies.get(item) ?? campaign.body);
          } catch {
            failed.add(item.message.messageId);
          }
        }),
      );
    });
  };

  await deps.share?.join();
  try {
    await sendGroups();
  } finally {
    await deps.share?.leave();
  }

  // Out of time: what was not started goes back on the queue (a message that failed comes back
  // whole anyway). Should the invocation still die, the redelivered message finds its claims.
  const requeue = new Map<string, Recipient[]>();
  for (const item of leftOver) {
    if (failed.has(item.message.messageId)) continue;
    const recipients = requeue.get(item.message.campaignId) ?? [];
    recipients.push({ phone: item.phone, zone: item.zone });
    requeue.set(item.message.campaignId, recipients);
  }
  for (const [campaignId, recipients] of requeue) {
    await deps.queue.sendAll(deps.queueUrl, recipientMessages(campaignId, recipients));
  }

  for (const [campaignId, { settledByWindow, ...entry }] of counts) {
    // By window only where the campaign keeps them (not on campaigns stored before they were kept);
    // the campaign as last read will do (whether it keeps them never changes): no read more.
    const campaign = await (campaigns.get(campaignId)?.campaign ?? current(campaignId));
    const byWindow = campaign?.counters.targetedByWindow ? { settledByWindow } : {};
    await deps.campaigns.addCounters(campaignId, { ...entry, ...byWindow });
  }
  // Quiet hours: back on the queue with a delay (at most 15 minutes; checked again when it returns).
  for (const entry of deferred.values()) {
    const delay = Math.max(1, (entry.until - deps.clock.now().getTime()) / 1000);
    await deps.queue.sendAll(deps.queueUrl, recipientMessages(entry.campaignId, entry.recipients), delay);
  }
  return { failedMessageIds: [...failed] };
}

/** Whether send() recorded the text as refused by End User Messaging (not an error before the call). */
async function refused(deps: SenderDeps, messageId: string): Promise<boolean> {
  try {
    return (await deps.messages.get(messageId))?.status === 'failed';
  } catch {
    return false;
  }
}

/** Whether End User Messaging was asked to take the text (a refusal by its opt-out list included). */
function calledEndUserMessaging(result: SendResult): boolean {
  return result.status === 'sent' || (result.status === 'skipped' && result.reason === 'opt_out_list');
}

/**
 * The texts of a slot group: each body rendered for its recipient from the profile just read, links
 * shortened per recipient, and the short links written (one batch write) before any text goes out.
 */
async function planTexts(
  deps: SenderDeps,
  pending: readonly { item: WorkItem; campaign: Campaign }[],
  profiles: ReadonlyMap<string, Profile>,
): Promise<Map<WorkItem, string>> {
  const bodies = new Map<WorkItem, string>();
  const links: LinkRecord[] = [];
  const now = deps.clock.now();
  for (const { item, campaign } of pending) {
    const profile = profiles.get(item.phone);
    if (!profile) continue;
    const rendered = renderTemplate(campaign.body, templateContext(deps.config, profile));
    const messageId = `campaign#${campaign.campaignId}#${item.phone}`;
    const shortened = shortenLinks(rendered, deps.linkBase, campaign.linkSalt, item.phone);
    bodies.set(item, shortened.body);
    for (const link of shortened.links) {
      links.push({
        ...link,
        phone: item.phone,
        messageId,
        campaignId: campaign.campaignId,
        createdAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + LINK_RETENTION_SECONDS,
      });
    }
  }
  if (links.length > 0) await deps.links.putAll(links);
  return bodies;
}
