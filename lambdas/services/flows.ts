/**
 * Flows: starting them from bus events (deterministic execution names, so a duplicate event starts
 * nothing), and the steps the state machines call. Every step re-checks consent at the moment it
 * sends, through `send()`; nothing is trusted from the flow's start.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { executionArn } from '../domain/flow-names';
import { canReceiveTransactional, isMarketable, isOptedOut, type Profile } from '../domain/profile';
import { hasOrderConsent } from '../domain/order-consent';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import type { ActivityStore } from '../domain/stores/activity';
import { renderTemplate, templateContext } from '../domain/templates';
import {
  linkCode,
  preferencesPrefix,
  shortenLinks,
  shortLinkPrefix,
  usesPreferencesUrl,
} from '../domain/links';
import type { LinkStore } from '../domain/stores/link';
import type { FlowStatsStore } from '../domain/stores/flow-stats';
import { branchNames, flowCounterDelta, type TakenBranches } from '../domain/flow-stats';
import type { FlowRunner } from '../domain/ports/flow-runner';
import type { MessageRecord, MessageStore } from '../domain/stores/message';
import type { HistoryPosition } from '../domain/message-history';
import type { FlowDefinition } from '../domain/flow-definition';
import type { FlowStepTask } from '../domain/flow-compiler';
import {
  conditionHolds,
  exitEventSince,
  flowLimitReached,
  notOrderedSince,
  sendDeadline,
  splitBranch,
  stepById,
  waitTimes,
} from '../domain/flow-steps';
import { definedFlowExecutionNames, definedFlowStarts } from '../domain/flow-starts';
import { send, type SendDeps, type SendResult } from './send';
import { claimShortLinks, LINK_RETENTION_SECONDS } from './short-links';

export interface BusEventInput {
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: Record<string, unknown> & { readonly phone?: string };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export interface DefinedStarterDeps {
  readonly clock: Clock;
  readonly definitions: readonly FlowDefinition[];
  readonly runner: FlowRunner;
  /** The state machine ARN of a defined flow. */
  readonly definedFlowArn: (id: string) => string;
}

export type DefinedStartOutcome = {
  readonly action: 'started' | 'exists' | 'stopped' | 'not_found';
  readonly flow: string;
  readonly name: string;
};

/**
 * Starts the defined flows an event triggers (deterministic names honour `limits.oncePer`) and stops
 * the executions its `exitOn` names. Several flows can answer one event.
 */
export async function startDefinedFlows(
  deps: DefinedStarterDeps,
  event: BusEventInput,
): Promise<DefinedStartOutcome[]> {
  const phone = str(event.detail.phone);
  if (!phone) return [];
  const outcomes: DefinedStartOutcome[] = [];
  for (const start of definedFlowStarts(deps.definitions, event['detail-type'], event.detail, event.time)) {
    const input = { ...start.input, waits: waitTimes(start.definition, start.input.event) };
    const action = await deps.runner.start(deps.definedFlowArn(start.definition.id), start.name, input);
    outcomes.push({ action, flow: start.definition.id, name: start.name });
  }
  for (const stop of definedFlowExecutionNames(
    deps.definitions,
    event['detail-type'],
    event.detail,
    event.time,
  )) {
    const arn = executionArn(deps.definedFlowArn(stop.flow), stop.name);
    const action = await deps.runner.stop(arn, `${event['detail-type']} ${str(event.detail.eventId)}`);
    outcomes.push({ action, flow: stop.flow, name: stop.name });
  }
  return outcomes;
}

export interface StepDeps extends SendDeps {
  readonly messages: MessageStore;
  /** `s3://…` of the contact card when the origination number can send MMS. */
  readonly contactCardUrl?: string;
  /** The recipient's preference-page link, for templates that print `{{ preferences_url }}`. */
  readonly preferencesUrl?: (phone: string) => Promise<string>;
  /** Where a defined flow's links become tracked short links; without it they go as written. */
  readonly shortLinks?: { readonly store: LinkStore; readonly linkBase: string };
  /** The consent log, read for an order update's consent to that order (order-consent.ts). */
  readonly consentLog?: Pick<ConsentLogStore, 'list'>;
  /** The orders recorded as activity, read by `notReordered` and `notOrdered` conditions. */
  readonly activity?: Pick<ActivityStore, 'listSince'>;
  /** The flows' counters (flow-stats.ts); nothing is counted without it. */
  readonly flowStats?: FlowStatsStore;
}

/** How long the claim that counts an execution's entry into a branch is kept: longer than any flow runs. */
const ENTRY_CLAIM_SECONDS = 30 * 86_400;

/** Counts a text sent by a flow, under the branches its execution took. */
async function countSent(deps: StepDeps, flowId: string, result: SendResult, branches?: TakenBranches) {
  if (result.status === 'sent') await deps.flowStats?.add(flowId, flowCounterDelta('sent', 1, branches));
}

/** The branch names an execution took, by split step id. */
function takenBranches(task: FlowStepTask): TakenBranches {
  return Object.fromEntries(Object.entries(task.branches ?? {}).map(([split, taken]) => [split, taken.name]));
}

/**
 * A defined flow's text with each URL replaced by a short link of its own, claimed for this
 * recipient and flow as a campaign's are, so clicks and the orders after them count for the flow.
 * The codes come from a random salt: a task run again (a deferred text, a retry) claims new ones,
 * and only the text that goes out is ever clicked; the others expire with their TTL.
 */
async function withTrackedLinks(
  deps: StepDeps,
  body: string,
  owner: {
    readonly phone: string;
    readonly messageId: string;
    readonly flowId: string;
    readonly flowBranches?: TakenBranches;
  },
): Promise<string> {
  if (!deps.shortLinks) return body;
  const { store, linkBase } = deps.shortLinks;
  const salt = randomBytes(16).toString('hex');
  const length = deps.config.links.codeLength;
  const prefix = shortLinkPrefix(linkBase, deps.config.links);
  const codeOf = (index: number, attempt: number) => linkCode(salt, owner.phone, index, attempt, length);
  const text = shortenLinks(body, prefix, (index) => codeOf(index, 0), preferencesPrefix(linkBase));
  if (text.links.length === 0) return body;
  const now = deps.clock.now();
  const claimed = await claimShortLinks(store, text, {
    prefix,
    codeOf,
    owner: {
      ...owner,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + LINK_RETENTION_SECONDS,
    },
  });
  return claimed.body;
}

/**
 * Whether a transactional text of a flow is about an order the recipient asked, at checkout, to hear
 * about: the trigger's `orderId` has an order consent in the log. Not read when a standing
 * transactional consent already allows the text, or an opt-out forbids it.
 */
async function orderConsentFor(deps: StepDeps, task: FlowStepTask, profile: Profile | undefined) {
  const orderId = task.event.orderId;
  if (typeof orderId !== 'string' || !deps.consentLog) return false;
  if (isOptedOut(profile) || canReceiveTransactional(profile)) return false;
  return hasOrderConsent(await deps.consentLog.list(task.phone), orderId);
}

/** The links a template prints that are made per recipient. */
async function recipientLinks(deps: StepDeps, template: string, phone: string) {
  return deps.preferencesUrl && usesPreferencesUrl(template)
    ? { preferencesUrl: await deps.preferencesUrl(phone) }
    : {};
}

/** What a flow task returns to its state machine (every key present: ResultSelector reads them). */
export interface StepResult {
  readonly status: 'sent' | 'skipped' | 'duplicate' | 'deferred' | 'ended' | 'exited';
  readonly until: string | null;
  readonly reason: string | null;
}

function toStepResult(result: SendResult): StepResult {
  switch (result.status) {
    case 'deferred':
      return { status: 'deferred', until: result.until, reason: result.reason };
    case 'skipped':
      // No consent any more: the flow ends here.
      if (['opted_out', 'no_marketing_consent', 'opt_out_list'].includes(result.reason)) {
        return { status: 'ended', until: null, reason: result.reason };
      }
      return { status: 'skipped', until: null, reason: result.reason };
    default:
      return { status: result.status, until: null, reason: null };
  }
}

/**
 * What a defined flow's task returns: a condition's answer (with the skip it recorded, for a
 * condition with a `skipReason`), a split's branch, or a send's outcome.
 */
export type DefinedStepResult =
  | { readonly matched: boolean }
  | {
      readonly matched: boolean;
      readonly status: 'skipped' | null;
      readonly reason: string | null;
      readonly until: null;
    }
  | { readonly branch: number; readonly name: string }
  | StepResult;

/** How a subscription counts as confirmed for a send with `confirmedOptIn`: double opt-in or a code. */
const CONFIRMED_BY: readonly string[] = ['double_opt_in', 'otp'];

/**
 * Runs one step of a defined flow (flow-definition.ts) for its state machine: evaluates a condition
 * or a split on the profile as it is now, or renders and sends a text through send(), whose
 * idempotency key (execution and step) makes a retried task send nothing more.
 */
export async function runDefinedStep(
  deps: StepDeps & { readonly definitions: readonly FlowDefinition[] },
  task: FlowStepTask,
): Promise<DefinedStepResult> {
  const definition = deps.definitions.find((d) => d.id === task.flow);
  const step = definition && stepById(definition, task.step);
  if (!definition || !step) throw new Error(`flow ${task.flow} has no step ${task.step}`);
  const profile = await deps.profiles.get(task.phone);
  switch (step.kind) {
    case 'condition': {
      const now = deps.clock.now();
      const { activity } = deps;
      // Without the activity store the order conditions do not hold: they err on sending less.
      const orders = async (since: string) =>
        activity && (await activity.listSince(task.phone, 'order#', since)).map((order) => order.detail);
      const laterOrders = step.if.notReordered ? await orders(task.eventAt) : undefined;
      const recentOrders = step.if.notOrdered
        ? await orders(notOrderedSince(step.if.notOrdered, now))
        : undefined;
      const matched = conditionHolds(step.if, {
        profile,
        trigger: definition.trigger.event,
        eventAt: task.eventAt,
        now,
        event: task.event,
        ...(laterOrders ? { laterOrders } : {}),
        ...(recentOrders ? { recentOrders } : {}),
      });
      if (!step.skipReason) return { matched };
      // The text this condition stands before is recorded as skipped, with the condition's reason.
      if (!matched)
        await recordSkip(
          deps,
          task.phone,
          `flow#${task.executionName}#${task.step}`,
          definition.id,
          step.skipReason,
        );
      return {
        matched,
        status: matched ? null : 'skipped',
        reason: matched ? null : step.skipReason,
        until: null,
      };
    }
    case 'split': {
      const branch = splitBranch(step, { profile, executionName: task.executionName, stepId: task.step });
      const name = branchNames(step)[branch] ?? String(branch);
      // Counted once per execution, however often the task runs.
      const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + ENTRY_CLAIM_SECONDS;
      if (await deps.flowStats?.claim(definition.id, `entered#${task.executionName}#${task.step}`, expiresAt))
        await deps.flowStats?.add(definition.id, flowCounterDelta('entered', 1, { [task.step]: name }));
      return { branch, name };
    }
    case 'send': {
      const idempotencyKey = `flow#${task.executionName}#${task.step}`;
      if (step.class === 'marketing' && !isMarketable(profile)) {
        const reason = isOptedOut(profile) ? 'opted_out' : 'no_marketing_consent';
        await recordSkip(deps, task.phone, idempotencyKey, definition.id, reason);
        return { status: 'ended', until: null, reason };
      }
      if (step.confirmedOptIn && !CONFIRMED_BY.includes(profile?.marketingConfirmedBy ?? ''))
        return recordSkip(deps, task.phone, idempotencyKey, definition.id, 'no_confirmed_opt_in');
      // An exit event the starter could not stop the execution for (it came first, or its stop failed).
      if (exitEventSince(definition, profile, task.eventAt, task.event)) {
        await recordSkip(deps, task.phone, idempotencyKey, definition.id, 'flow_exit_event', step.class);
        return { status: 'exited', until: null, reason: 'flow_exit_event' };
      }
      const limit = definition.limits.oncePer;
      if (limit?.hours !== undefined && limit.fields.length === 0) {
        const now = deps.clock.now();
        const since = new Date(now.getTime() - limit.hours * 3_600_000).toISOString();
        const recent = await messagesSince(deps.messages, task.phone, since);
        if (flowLimitReached(recent, definition.id, limit.hours, now, idempotencyKey)) {
          await recordSkip(deps, task.phone, idempotencyKey, definition.id, 'flow_limit', step.class);
          return { status: 'skipped', until: null, reason: 'flow_limit' };
        }
      }
      const rendered = renderTemplate(
        step.body,
        templateContext(
          deps.config,
          profileView(profile, task.phone),
          task.event,
          await recipientLinks(deps, step.body, task.phone),
        ),
      );
      const branches = takenBranches(task);
      const body = step.trackLinks
        ? await withTrackedLinks(deps, rendered, {
            phone: task.phone,
            messageId: idempotencyKey,
            flowId: definition.id,
            ...(Object.keys(branches).length ? { flowBranches: branches } : {}),
          })
        : rendered;
      const orderConsent = step.class === 'transactional' && (await orderConsentFor(deps, task, profile));
      const result = await send(deps, {
        to: task.phone,
        body,
        messageClass: step.class,
        idempotencyKey,
        flowId: definition.id,
        ...(orderConsent ? { orderConsent } : {}),
        ...(definition.topic ? { topic: definition.topic } : {}),
        quietHours: step.quietHours,
        smartSending: step.smartSending,
        deadline: sendDeadline(definition, step, task.deadline),
        ...(step.mediaUrls?.length ? { mediaUrls: step.mediaUrls } : {}),
        ...(step.contactCard && deps.contactCardUrl ? { mediaUrls: [deps.contactCardUrl] } : {}),
        profile: profile ?? null,
      });
      await countSent(deps, definition.id, result, branches);
      return toStepResult(result);
    }
    default:
      throw new Error(`flow ${task.flow}: a ${step.kind} step is a state of its own, not a task`);
  }
}

/**
 * The number's messages back to `since`, newest first, a page at a time: a limit of months (a
 * win-back's 180 days) reads past the last few dozen texts.
 */
async function messagesSince(messages: MessageStore, phone: string, since: string) {
  const found: MessageRecord[] = [];
  let after: HistoryPosition | undefined;
  do {
    const page = await messages.pageByPhone(phone, { limit: 100, ...(after ? { after } : {}) });
    found.push(...page.messages);
    const oldest = page.messages.at(-1);
    if (!oldest || oldest.at <= since) break;
    after = page.next;
  } while (after);
  return found;
}

function profileView(profile: Profile | undefined, phone: string) {
  return { phone, properties: profile?.properties ?? {} };
}

const DAY_SECONDS = 86_400;

/** A flow's own reason not to send, recorded like every other skip. */
async function recordSkip(
  deps: StepDeps,
  phone: string,
  messageId: string,
  flowId: string,
  reason: string,
  messageClass: 'marketing' | 'transactional' = 'marketing',
): Promise<StepResult> {
  const now = deps.clock.now();
  await deps.messages.putIfAbsent({
    messageId,
    phone,
    at: now.toISOString(),
    direction: 'outbound',
    status: 'skipped',
    reason,
    body: '',
    messageClass,
    flowId,
    expiresAt: Math.floor(now.getTime() / 1000) + deps.config.messageRetentionDays * DAY_SECONDS,
  });
  return { status: 'skipped', until: null, reason };
}
