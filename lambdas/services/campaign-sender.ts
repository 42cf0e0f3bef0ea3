/**
 * The campaign sender: drains queued recipients at the origination identity's messages per second.
 * What to do with each recipient is decided in lambdas/domain/campaign-send-decision.ts (consent,
 * opt-out, pause, error segment, quiet hours, smart sending, the claim found, the time left); this
 * loop reads what the decision needs, asks it, and carries the answer out: send slots, reads, short
 * links, `send()`, skips, holds, counters.
 *
 * A recipient is asked about three times: queued (held by quiet hours with no read or slot, requeued
 * when the invocation is out of time, or given a slot), once its slot group's slots are due (the
 * campaign read again: cancelled, or read), and with the profile just read (skipped, held, or sent).
 * Texts go through `send()`, whose conditional put on `campaign#<id>#<phone>` makes a redelivered
 * batch text nobody twice; a claim it finds there comes back to the decision, which takes over one a
 * killed sender left unconfirmed. Throttling and server errors are retried with backoff and jitter,
 * deciding again on the campaign and profile as they are then; a recipient still refused fails its
 * queue message (partial batch response), which SQS redelivers, and after repeated failures moves to
 * the dead-letter queue. A send slot goes back to the pacer in one place (`finish`), unless End User
 * Messaging was asked to take the text.
 */
import { sendWindowKey } from '../domain/campaign-progress';
import { recipientMessages, recipientsOf, type Recipient } from '../domain/campaign-queue';
import {
  campaignMessageId,
  decideCampaignSend,
  queueZone,
  type CampaignSendDecision,
  type CampaignSendSettings,
  type ReadDecision,
  type ReadFacts,
  type SendDecision,
} from '../domain/campaign-send-decision';
import type { Campaign } from '../domain/campaigns';
import { variantCountKey } from '../domain/campaign-variants';
import type { CampaignStore } from '../domain/stores/campaign';
import type { LinkStore } from '../domain/stores/link';
import { linkCode, shortLinkPrefix, usesPreferencesUrl } from '../domain/links';
import { claimShortLinks, LINK_RETENTION_SECONDS } from './short-links';
import type { QueueSender } from '../domain/ports/queue-sender';
import { SmsOutcomeUnknownError, SmsRetryableError } from '../domain/sms-errors';
import { forEachLimited, Pacer } from './pacer';
import { send, skipWithoutSending, type SendDeps, type SendResult } from './send';
import type { ThroughputShare } from './throughput-share';

export interface SenderDeps extends SendDeps {
  readonly campaigns: CampaignStore;
  readonly links: LinkStore;
  readonly queue: QueueSender;
  readonly queueUrl: string;
  /** The public origin of links (`LINK_BASE_URL`): short links go under it (shortLinkPrefix). */
  readonly linkBase: string;
  /** This invocation's share of the identity's messages per second. */
  readonly pacer: Pacer;
  /** Keeps the pacer at a fair share of the identity's rate while this batch is sent. */
  readonly share?: ThroughputShare;
  /** Milliseconds left before the function times out (Lambda's context); unlimited when absent. */
  readonly remainingMs?: () => number;
  /** The recipient's preference-page link, for bodies that print `{{ preferences_url }}`. */
  readonly preferencesUrl?: (phone: string) => Promise<string>;
}

export interface QueuedRecipients {
  readonly messageId: string;
  readonly campaignId: string;
  readonly recipients: readonly string[];
  /** The dispatcher's time zone of each recipient (see campaign-queue.ts). */
  readonly zones?: readonly string[];
}

const THROTTLE_RETRIES = 6; // attempts after a refusal (throttling or a server error)
/** How often a long batch re-reads the campaign, so a cancel stops it within a quarter second. */
const STATE_REFRESH_MS = 250;
/**
 * Recipients whose send slots fall within this window are re-read together (one BatchGetItem) the
 * moment their slots come, then texted: 5 at 100 messages per second, 25 at 500.
 */
const SLOT_GROUP_SECONDS = 0.05;
/** Slot groups in flight at once (covers End User Messaging latency at the paced rate). */
const GROUPS_IN_FLIGHT = 16;

interface WorkItem extends Recipient {
  readonly message: QueuedRecipients;
}

/** How a recipient's turn in this batch ends. */
type Ending =
  /** Settled: sent (with its SMS segments), or skipped for `outcome` (a reason, `cancelled`, `rejected`). */
  | {
      readonly kind: 'counted';
      readonly outcome: string;
      readonly segments?: number;
      /** The A/B variant sent, counted under it. */
      readonly variant?: string;
    }
  | { readonly kind: 'held'; readonly until: Date; readonly zone: string }
  /** Out of time: back on the queue now. */
  | { readonly kind: 'requeued' }
  /** Its queue message fails (SQS redelivers it); `outcome` when it is settled all the same. */
  | { readonly kind: 'failed'; readonly outcome?: string }
  /** Nothing to count: a duplicate, a claim left to its owner, a skip recorded before. */
  | { readonly kind: 'none' };

/** The recipient's send slot: none taken, taken and not used (it goes back), or used by a send. */
type Slot = 'none' | 'unused' | 'used';

export async function sendCampaignBatch(
  deps: SenderDeps,
  batch: readonly QueuedRecipients[],
): Promise<{ failedMessageIds: string[] }> {
  const run = new BatchRun(deps);
  await deps.share?.join();
  try {
    await run.sendAll(batch);
  } finally {
    await deps.share?.leave();
  }
  await run.flush();
  return { failedMessageIds: [...run.failed] };
}

/** One invocation's batch: what it has read, and what it owes the queue and the counters at the end. */
class BatchRun {
  readonly failed = new Set<string>();
  private readonly settings: CampaignSendSettings;
  /** One read per campaign per refresh period, shared by every send in flight. */
  private readonly campaigns = new Map<
    string,
    { campaign: Promise<Campaign | undefined>; checkedAt: number }
  >();
  private readonly counts = new Map<
    string,
    {
      sent: number;
      segments: number;
      settled: number;
      skipped: Record<string, number>;
      settledByWindow: Record<string, number>;
      /** Texts sent by A/B variant (`<variant>:sent`). */
      variantCounts: Record<string, number>;
    }
  >();
  private readonly deferred = new Map<
    string,
    { campaignId: string; until: number; recipients: Recipient[] }
  >();
  private readonly leftOver: WorkItem[] = [];

  constructor(private readonly deps: SenderDeps) {
    this.settings = { ...deps.config, linkBase: deps.linkBase };
  }

  /** Groups are sized from the rate once the share is known: 5 recipients at 100 a second, 25 at 500. */
  async sendAll(batch: readonly QueuedRecipients[]): Promise<void> {
    const work: WorkItem[] = batch.flatMap((message) =>
      recipientsOf(message).map((recipient) => ({ message, ...recipient })),
    );
    const groupSize = Math.max(1, Math.floor(this.deps.pacer.rate * SLOT_GROUP_SECONDS));
    const groups: WorkItem[][] = [];
    for (let i = 0; i < work.length; i += groupSize) groups.push(work.slice(i, i + groupSize));
    await forEachLimited(groups, GROUPS_IN_FLIGHT, (group) => this.sendGroup(group));
  }

  /**
   * A slot group: each recipient asked while queued, the group's slots taken, each asked again with
   * the campaign as it is then, the group's profiles read at once, each asked with its profile, the
   * group's short links written, and each decision carried out.
   */
  private async sendGroup(group: readonly WorkItem[]): Promise<void> {
    if (group.every((item) => this.failed.has(item.message.messageId))) return;
    const msLeft = this.deps.remainingMs?.();
    const slotted: WorkItem[] = [];
    for (const item of group) {
      if (this.failed.has(item.message.messageId)) continue;
      const campaign = await this.campaign(item.message.campaignId);
      const now = this.deps.clock.now();
      const decision = decideCampaignSend(
        { stage: 'queued', campaign, recipient: item, now, msLeft },
        this.settings,
      );
      if (decision.action === 'take_slot') slotted.push(item);
      else this.finish(item, await this.endingOf(item, decision), 'none');
    }
    if (slotted.length === 0) return;
    // The group's slots, then (checked again at the moment of sending) the campaign's state: a cancel
    // stops the sends still waiting for a slot.
    await this.deps.pacer.take(slotted.length);
    const toRead: { item: WorkItem; campaign: Campaign | undefined }[] = [];
    for (const item of slotted) {
      const campaign = await this.campaign(item.message.campaignId);
      const now = this.deps.clock.now();
      const decision = decideCampaignSend(
        { stage: 'slotted', campaign, recipient: item, now },
        this.settings,
      );
      if (decision.action === 'read_profile') toRead.push({ item, campaign });
      else this.finish(item, await this.endingOf(item, decision), 'unused');
    }
    if (toRead.length === 0) return;
    // The profiles as they are now, not as they were when the batch started: a STOP, a PAUSE or a
    // delivery failure that arrived during a long paced batch holds the text back. Then the group's
    // decisions, with the short links of its texts written before any text that points at them.
    let decided: { item: WorkItem; facts: ReadFacts; decision: ReadDecision }[];
    try {
      const fresh = await this.deps.profiles.getMany(toRead.map(({ item }) => item.phone));
      const urls = await this.preferencesUrls(toRead);
      const now = this.deps.clock.now();
      decided = toRead.map(({ item, campaign }) => {
        const preferencesUrl = urls.get(item.phone);
        const facts: ReadFacts = {
          stage: 'read',
          campaign,
          recipient: item,
          now,
          profile: fresh.get(item.phone),
          ...(preferencesUrl ? { preferencesUrl } : {}),
        };
        return { item, facts, decision: decideCampaignSend(facts, this.settings) };
      });
      decided = await Promise.all(
        decided.map(async (entry) => ({
          ...entry,
          decision: await claimLinks(this.deps, this.settings, entry.item, entry.facts, entry.decision, now),
        })),
      );
    } catch {
      for (const { item } of toRead) this.finish(item, { kind: 'failed' }, 'unused');
      return;
    }
    await Promise.all(decided.map(({ item, facts, decision }) => this.carryOut(item, facts, decision)));
  }

  /** The preference-page links of the recipients whose campaign prints one. */
  private async preferencesUrls(
    toRead: readonly { item: WorkItem; campaign: Campaign | undefined }[],
  ): Promise<Map<string, string>> {
    const make = this.deps.preferencesUrl;
    const phones = toRead
      .filter(
        ({ campaign }) =>
          campaign &&
          (campaign.variants?.some((v) => usesPreferencesUrl(v.body)) ?? usesPreferencesUrl(campaign.body)),
      )
      .map(({ item }) => item.phone);
    if (!make || phones.length === 0) return new Map();
    return new Map(await Promise.all(phones.map(async (phone) => [phone, await make(phone)] as const)));
  }

  /**
   * Carries out a recipient's decision with its profile read: a skip, a hold, or a send, retried
   * while End User Messaging refuses it for now, and asked again about a claim the send found.
   */
  private async carryOut(item: WorkItem, facts: ReadFacts, decision: ReadDecision): Promise<void> {
    let attempted = false; // a send End User Messaging refused or did not answer used the slot
    try {
      for (let retries = 0; ;) {
        if (decision.action !== 'send')
          return this.finish(item, await this.endingOf(item, decision), 'unused');
        const messageId = campaignMessageId(item.message.campaignId, item.phone);
        let result: SendResult;
        try {
          result = await send(this.deps, {
            to: item.phone,
            body: decision.text.body,
            idempotencyKey: messageId,
            campaignId: item.message.campaignId,
            ...(decision.text.variant ? { variant: decision.text.variant } : {}),
            ...decision.intent,
            profile: facts.profile ?? null,
            reportClaim: true,
            ...(decision.takeOver !== undefined ? { takeOverClaim: decision.takeOver } : {}),
          });
        } catch (error) {
          attempted = true;
          if (!(error instanceof SmsRetryableError) || retries >= THROTTLE_RETRIES)
            return this.finish(item, await sendFailure(this.deps, error, messageId), 'used');
          // A refused attempt (throttled, 5xx) sent nothing: the retry reuses its slot, after the
          // backoff, decided again on the campaign and the profile as they are then.
          const backoff = Math.min(2000, 50 * 2 ** retries++);
          await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
          const text = decision.text;
          const campaign = await this.campaign(item.message.campaignId);
          const again = decideCampaignSend(
            { stage: 'slotted', campaign, recipient: item, now: this.deps.clock.now() },
            this.settings,
          );
          if (again.action !== 'read_profile')
            return this.finish(item, await this.endingOf(item, again), 'unused');
          const profile = await this.deps.profiles.get(item.phone);
          facts = { stage: 'read', campaign, recipient: item, now: this.deps.clock.now(), profile, text };
          decision = decideCampaignSend(facts, this.settings);
          continue;
        }
        if (result.status === 'duplicate' && result.claim) {
          facts = { ...facts, now: this.deps.clock.now(), text: decision.text, claim: result.claim };
          decision = decideCampaignSend(facts, this.settings);
          continue;
        }
        const profile = facts.profile;
        const zone = () => queueZone(item, profile, this.deps.config.defaultTimeZone);
        const ending = endingOfSend(result, zone);
        return this.finish(
          item,
          ending.kind === 'counted' && ending.outcome === 'sent' && decision.text.variant
            ? { ...ending, variant: decision.text.variant }
            : ending,
          calledEndUserMessaging(result) ? 'used' : 'unused',
        );
      }
    } catch {
      this.finish(item, { kind: 'failed' }, attempted ? 'used' : 'unused');
    }
  }

  /** A skip, hold, requeue or leave as its ending; a recorded skip counts only when this call recorded it. */
  private async endingOf(
    item: WorkItem,
    decision: Exclude<CampaignSendDecision, SendDecision | { action: 'take_slot' | 'read_profile' }>,
  ): Promise<Ending> {
    switch (decision.action) {
      case 'skip': {
        if (!decision.record) return { kind: 'counted', outcome: decision.reason };
        // Recorded under the message id, so a redelivered batch neither counts it again nor texts it.
        const recorded = await skipWithoutSending(
          this.deps,
          {
            to: item.phone,
            body: decision.record.body,
            messageClass: decision.record.messageClass,
            idempotencyKey: campaignMessageId(item.message.campaignId, item.phone),
            campaignId: item.message.campaignId,
          },
          decision.reason,
        );
        return recorded ? { kind: 'counted', outcome: decision.reason } : { kind: 'none' };
      }
      case 'hold':
        return { kind: 'held', until: decision.until, zone: decision.zone };
      case 'requeue':
        return { kind: 'requeued' };
      case 'leave':
        return { kind: 'none' };
    }
  }

  /** The one place a recipient's turn ends, and the one place a send slot goes back to the pacer. */
  private finish(item: WorkItem, ending: Ending, slot: Slot): void {
    if (slot === 'unused') this.deps.pacer.giveBack(1);
    switch (ending.kind) {
      case 'counted':
        return this.count(item, ending.outcome, ending.segments, ending.variant);
      case 'held':
        return this.hold(item, ending.until, ending.zone);
      case 'requeued':
        this.leftOver.push(item);
        return;
      case 'failed':
        this.failed.add(item.message.messageId);
        if (ending.outcome) this.count(item, ending.outcome);
        return;
      case 'none':
        return;
    }
  }

  /**
   * Each recipient's outcome, once: sent (and its SMS segments) or a skip reason; `settled` counts both (what is not yet
   * settled shows as the campaign's `pending`), and by the send window the dispatcher counted the
   * recipient under (its zone travels with it on the queue), so the campaign can tell what quiet
   * hours hold (campaign-progress.ts).
   */
  private count(item: WorkItem, outcome: string, segments = 0, variant?: string): void {
    const campaignId = item.message.campaignId;
    const entry = this.counts.get(campaignId) ?? {
      sent: 0,
      segments: 0,
      settled: 0,
      skipped: {},
      settledByWindow: {},
      variantCounts: {},
    };
    this.counts.set(campaignId, entry);
    entry.settled += 1;
    entry.segments += segments;
    if (outcome === 'sent') entry.sent += 1;
    else entry.skipped[outcome] = (entry.skipped[outcome] ?? 0) + 1;
    if (outcome === 'sent' && variant !== undefined) {
      const key = variantCountKey(variant, 'sent');
      entry.variantCounts[key] = (entry.variantCounts[key] ?? 0) + 1;
    }
    if (item.zone) {
      const window = sendWindowKey(item.zone, item.phone);
      entry.settledByWindow[window] = (entry.settledByWindow[window] ?? 0) + 1;
    }
  }

  /** Quiet hours, or a young unconfirmed claim: back on the queue with a delay, grouped by time. */
  private hold(item: WorkItem, until: Date, zone: string): void {
    const campaignId = item.message.campaignId;
    const key = `${campaignId}#${until.toISOString()}`;
    const entry = this.deferred.get(key) ?? { campaignId, until: until.getTime(), recipients: [] };
    entry.recipients.push({ phone: item.phone, zone });
    this.deferred.set(key, entry);
  }

  private campaign(campaignId: string): Promise<Campaign | undefined> {
    const cached = this.campaigns.get(campaignId);
    if (cached && Date.now() - cached.checkedAt < STATE_REFRESH_MS) return cached.campaign;
    const campaign = this.deps.campaigns.get(campaignId);
    this.campaigns.set(campaignId, { campaign, checkedAt: Date.now() });
    return campaign;
  }

  /** After the sends: the recipients not started and the held ones back on the queue, the counters added. */
  async flush(): Promise<void> {
    const { deps } = this;
    // Out of time: what was not started goes back on the queue (a message that failed comes back
    // whole anyway). Should the invocation still die, the redelivered message finds its claims.
    const requeue = new Map<string, Recipient[]>();
    for (const item of this.leftOver) {
      if (this.failed.has(item.message.messageId)) continue;
      const recipients = requeue.get(item.message.campaignId) ?? [];
      recipients.push({ phone: item.phone, zone: item.zone });
      requeue.set(item.message.campaignId, recipients);
    }
    for (const [campaignId, recipients] of requeue) {
      await deps.queue.sendAll(deps.queueUrl, recipientMessages(campaignId, recipients));
    }

    for (const [campaignId, { settledByWindow, ...entry }] of this.counts) {
      // By window only where the campaign keeps them (not on campaigns stored before they were kept);
      // the campaign as last read will do (whether it keeps them never changes): no read more.
      const campaign = await (this.campaigns.get(campaignId)?.campaign ?? this.campaign(campaignId));
      const byWindow = campaign?.counters.targetedByWindow ? { settledByWindow } : {};
      await deps.campaigns.addCounters(campaignId, { ...entry, ...byWindow });
    }
    // Held: back on the queue with a delay (at most 15 minutes; checked again when it returns).
    for (const entry of this.deferred.values()) {
      const delay = Math.max(1, (entry.until - deps.clock.now().getTime()) / 1000);
      await deps.queue.sendAll(deps.queueUrl, recipientMessages(entry.campaignId, entry.recipients), delay);
    }
  }
}

/** What send() answered, as the recipient's ending (a claim it found was decided on before). */
function endingOfSend(result: SendResult, zone: () => string): Ending {
  switch (result.status) {
    case 'sent':
      return { kind: 'counted', outcome: 'sent', ...(result.segments ? { segments: result.segments } : {}) };
    case 'skipped':
      return { kind: 'counted', outcome: result.reason };
    case 'deferred':
      // Back on the queue with the zone it was dispatched under, which its counts are kept by.
      return { kind: 'held', until: new Date(result.until), zone: zone() };
    case 'duplicate':
      return { kind: 'none' };
  }
}

/**
 * A send that failed for good: its queue message fails, and SQS redelivers it (recipients already
 * texted are dropped by their claims). A text End User Messaging refused outright is recorded `failed`
 * by send() and never retried: that is its outcome, counted `rejected`. One it did not answer is still
 * `sending`: nothing to read.
 */
async function sendFailure(deps: SenderDeps, error: unknown, messageId: string): Promise<Ending> {
  const refusedOutright =
    !(error instanceof SmsRetryableError) &&
    !(error instanceof SmsOutcomeUnknownError) &&
    (await refused(deps, messageId));
  return refusedOutright ? { kind: 'failed', outcome: 'rejected' } : { kind: 'failed' };
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
 * The short links of a text about to go out, stored before it does, each under a code no other link
 * holds: a code taken by another link (a collision) moves that link to its next candidate, and the
 * text with it. A retried send finds its own links under the same codes.
 */
async function claimLinks(
  deps: SenderDeps,
  settings: CampaignSendSettings,
  item: WorkItem,
  facts: ReadFacts,
  decision: ReadDecision,
  now: Date,
): Promise<ReadDecision> {
  if (decision.action !== 'send' || decision.text.links.length === 0 || !facts.campaign) return decision;
  const salt = facts.campaign.linkSalt;
  const claimed = await claimShortLinks(deps.links, decision.text, {
    prefix: shortLinkPrefix(settings.linkBase, settings.links),
    codeOf: (index, attempt) => linkCode(salt, item.phone, index, attempt, settings.links.codeLength),
    owner: {
      phone: item.phone,
      messageId: campaignMessageId(item.message.campaignId, item.phone),
      campaignId: item.message.campaignId,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + LINK_RETENTION_SECONDS,
    },
  });
  return { ...decision, text: { ...decision.text, ...claimed } };
}
