/**
 * Records a consent change without transactions (the local DynamoDB has none, and none are needed).
 * A number's consent events form a sequence; the profile stores the number of the last one it
 * reflects (`consentVersion`). To record an input:
 *
 * 1. decide on the profile as of event n and append the event as n+1, conditional on the key being
 *    free: the append is the lock, so two inputs can never both build on state n;
 * 2. project it onto the profile, conditional on the profile still being at n;
 * 3. carry out its effects (opt-out list, replies, domain events), each idempotent.
 *
 * The input's id (e.g. `sms-<inboundMessageId>`) is stored in the event, so a duplicate delivery
 * finds its event and only finishes what is unfinished. A crash anywhere is completed by the replay
 * from what the event recorded, without deciding again; events appended but not yet projected (by a
 * crashed writer) are projected first, in order.
 *
 * A step that fails the same way on every try (`isRepeatableFailure`) is not left to replays: an
 * outcome entry appended after the change says so (`not_applied` when the projection failed, so the
 * change is void; `effects_incomplete` naming the effects that did not happen), a replay does not try
 * it again, and the caller hears what happened. The log never stands as evidence of a change or a
 * text that did not happen (docs/decisions: the consent log says what was done).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock';
import {
  consentStateOf,
  effectiveChanges,
  eventKeyOf,
  failedEffects,
  isVoid,
  readConsentLog,
  type ConsentEvent,
  type ConsentEvidence,
  type ConsentOutcome,
  type ConsentStep,
} from '../domain/consent';
import type { ConsentChange } from '../domain/consent-engine';
import type { DomainEvent } from '../domain/events';
import { failureMessage, isRepeatableFailure } from '../domain/failures';
import type { Profile } from '../domain/profile';
import type { ConsentLogStore } from '../domain/stores/consent-log';
import type { EventPublisher } from '../domain/ports/event-publisher';
import type { ActivityUpdate, ProfileStore } from '../domain/stores/profile';
import type { SmsGateway } from '../domain/ports/sms-gateway';
import { send, type SendDeps, type SendResult } from './send';

export interface ConsentRecorderDeps extends SendDeps {
  readonly consentLog: ConsentLogStore;
  readonly events: EventPublisher;
  readonly gateway: SmsGateway;
  readonly profiles: ProfileStore;
  readonly clock: Clock;
}

export interface ConsentInput {
  readonly phone: string;
  /** When the person acted. */
  readonly at: string;
  /** Deterministic id of the input (e.g. `sms-<inboundMessageId>`). */
  readonly eventId: string;
  readonly evidence: ConsentEvidence;
  /** Activity written with the projection (last inbound time…). */
  readonly activity?: ActivityUpdate;
  readonly timeZone?: string;
  /** The text being answered, for conversational replies. */
  readonly inReplyTo?: string;
  /** Reply from this number (the one the person texted) rather than the default identity. */
  readonly replyFrom?: string;
}

export type RecordOutcome<D> =
  | {
      readonly status: 'recorded';
      readonly event: ConsentEvent;
      readonly replies: readonly SendResult[];
      readonly replayed: boolean;
      /** Effects that did not happen (recorded in an `effects_incomplete` outcome entry). */
      readonly incomplete: ConsentOutcome['failed'];
    }
  | { readonly status: 'not_consent'; readonly decision: D; readonly profile: Profile | undefined };

export class ConcurrentConsentChangeError extends Error {
  override readonly name = 'ConcurrentConsentChangeError';
}

/**
 * The change could not be projected onto the profile and never will (the same write fails every
 * time): the log holds it with a `not_applied` outcome, the profile is as it was, nothing was sent.
 */
export class ConsentChangeNotAppliedError extends Error {
  override readonly name = 'ConsentChangeNotAppliedError';
  constructor(
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`consent change ${eventId} was not applied (${reason}); the consent log records it as not applied`);
  }
}

const MAX_ATTEMPTS = 5;

export async function recordConsent<D extends { kind: string }>(
  deps: ConsentRecorderDeps,
  input: ConsentInput,
  decide: (profile: Profile | undefined) => ConsentChange | D,
): Promise<RecordOutcome<D>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const profile = await deps.profiles.get(input.phone);
    const projected = profile?.consentVersion ?? 0;
    const log = readConsentLog(await deps.consentLog.list(input.phone));
    const changes = effectiveChanges(log);

    // Events a crashed writer appended but never projected: project them first, in order.
    // An erasure closes what came before it: a profile made again after one (a JOIN from the
    // number) starts from the erasure's state, never from the consent given before it.
    const unprojected = changes.filter((e) => e.seq > projected);
    const erasure = unprojected.findLast((e) => e.action === 'profile_erased');
    if (unprojected.length > 0) {
      await projectOrVoid(deps, input, erasure ?? unprojected[0]!, projected);
      continue;
    }

    const mine = log.changes.find((e) => e.eventId === input.eventId);
    if (mine && isVoid(log, mine.seq))
      throw new ConsentChangeNotAppliedError(mine.eventId, voidReason(log, mine));
    // A replay finishes its effects only if nothing happened since: re-listing a number that texted
    // START after this STOP, or confirming a superseded change, would be wrong.
    if (mine) {
      const superseded = mine.seq !== changes.at(-1)?.seq;
      return finish(deps, input, mine, true, superseded, failedEffects(log, mine.seq));
    }

    const decision = decide(profile);
    if (decision.kind !== 'consent') return { status: 'not_consent', decision: decision as D, profile };
    const change = decision as ConsentChange;
    const seq = log.lastSeq + 1;
    const event: ConsentEvent = {
      phone: input.phone,
      eventKey: eventKeyOf(seq),
      seq,
      eventId: input.eventId,
      at: input.at,
      recordedAt: deps.clock.now().toISOString(),
      action: change.action,
      classes: change.classes,
      previous: consentStateOf(profile),
      next: change.next,
      applied: change.applied,
      ...(change.note ? { note: change.note } : {}),
      ...(change.propertyChange ? { propertyChange: change.propertyChange } : {}),
      evidence: input.evidence,
      effects: change.effects,
    };
    if ((await deps.consentLog.append(event)) === 'exists') continue;
    const projection = await projectOrVoid(deps, input, event, projected);
    if (projection === 'stale') continue;
    if (projection !== 'applied') throw new ConsentChangeNotAppliedError(event.eventId, projection.reason);
    return finish(deps, input, event, false);
  }
  throw new ConcurrentConsentChangeError(
    `consent of ${input.phone} kept changing while recording ${input.eventId}`,
  );
}

function voidReason(log: ReturnType<typeof readConsentLog>, change: ConsentEvent): string {
  const outcome = log.outcomesOf.get(change.seq)?.find((o) => o.outcome === 'not_applied');
  return outcome?.failed[0]?.reason ?? 'not_applied';
}

/**
 * Projects the event, or, when the write fails the same way every time, records it as not applied:
 * the profile stays as it was and the next change builds on the state before this one.
 */
async function projectOrVoid(
  deps: ConsentRecorderDeps,
  input: ConsentInput,
  event: ConsentEvent,
  expected: number,
): Promise<'applied' | 'stale' | { readonly reason: string }> {
  try {
    return await project(deps, input, event, expected);
  } catch (error) {
    if (!isRepeatableFailure(error)) throw error;
    const failed = [
      { step: 'projection' as const, reason: (error as Error).name, message: failureMessage(error) },
    ];
    await appendOutcome(deps, event, 'not_applied', failed);
    return { reason: (error as Error).name };
  }
}

/**
 * Appends an outcome entry for `change` (once: its id is derived from the change's), at the next free
 * position of the log.
 */
async function appendOutcome(
  deps: ConsentRecorderDeps,
  change: ConsentEvent,
  outcome: ConsentOutcome['outcome'],
  failed: ConsentOutcome['failed'],
): Promise<void> {
  // One entry per change and set of failures: a duplicate delivery of the same failure adds nothing.
  const failures = failed.map((f) => (f.key ? `${f.step}:${f.key}` : f.step)).join(',');
  const eventId = `${change.eventId}#${outcome}#${createHash('sha256').update(failures).digest('hex').slice(0, 12)}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entries = await deps.consentLog.list(change.phone);
    if (entries.some((e) => e.eventId === eventId)) return;
    const seq = readConsentLog(entries).lastSeq + 1;
    const now = deps.clock.now().toISOString();
    const entry: ConsentOutcome = {
      phone: change.phone,
      eventKey: eventKeyOf(seq),
      seq,
      eventId,
      at: now,
      recordedAt: now,
      outcome,
      of: { seq: change.seq, eventId: change.eventId },
      failed,
    };
    if ((await deps.consentLog.append(entry)) === 'appended') return;
  }
  throw new ConcurrentConsentChangeError(
    `consent of ${change.phone} kept changing while recording ${eventId}`,
  );
}

/** Moves the profile from event `expected` to `event`; an unapplied event moves only the counter. */
function project(deps: ConsentRecorderDeps, input: ConsentInput, event: ConsentEvent, expected: number) {
  const now = deps.clock.now().toISOString();
  const own = event.eventId === input.eventId;
  return deps.profiles.applyConsent({
    phone: input.phone,
    expectedVersion: expected,
    nextVersion: event.seq,
    eventId: event.eventId,
    // An event that changed nothing does not move the ordering mark either.
    consentUpdatedAt: event.applied ? event.at : undefined,
    state: event.next,
    activity: {
      ...(own ? { ...input.activity, ...(event.effects.replies.length > 0 ? { lastSmsAt: now } : {}) } : {}),
      // Engagement segments count a new subscriber as engaged from this moment.
      ...(event.next.marketing === 'subscribed' && event.previous.marketing !== 'subscribed'
        ? { marketingSubscribedAt: event.at }
        : {}),
    },
    timeZone: own ? input.timeZone : undefined,
    now,
  });
}

async function finish<D>(
  deps: ConsentRecorderDeps,
  input: ConsentInput,
  event: ConsentEvent,
  replayed: boolean,
  superseded = false,
  alreadyFailed: ReadonlySet<string> = new Set(),
): Promise<RecordOutcome<D>> {
  if (superseded) return { status: 'recorded', event, replies: [], replayed, incomplete: [] };
  const { effects } = event;
  const failed: ConsentOutcome['failed'][number][] = [];
  /** Runs one effect; a failure that would repeat is recorded instead of thrown, and not tried again. */
  const attempt = async <T>(
    step: ConsentStep,
    run: () => Promise<T>,
    key?: string,
  ): Promise<T | undefined> => {
    if (alreadyFailed.has(key ? `${step}:${key}` : step)) return undefined;
    try {
      return await run();
    } catch (error) {
      if (!isRepeatableFailure(error)) throw error;
      failed.push({
        step,
        ...(key ? { key } : {}),
        reason: (error as Error).name,
        message: failureMessage(error),
      });
      return undefined;
    }
  };
  // Removal first: End User Messaging refuses texts to a listed number, including the confirmation.
  if (effects.optOutList === 'delete')
    await attempt('opt_out_list', () => deps.gateway.deleteOptedOut(input.phone));
  const replies: SendResult[] = [];
  for (const reply of effects.replies) {
    const result = await attempt(
      'reply',
      () =>
        send(deps, {
          to: input.phone,
          body: reply.body,
          messageClass: reply.messageClass,
          idempotencyKey: reply.key,
          inReplyTo: input.inReplyTo,
          recordProfileActivity: false,
          profile: null,
          // Decided with the change: a throttle is ridden out here, not left to the invocation's retry,
          // which finds the event superseded (and sends nothing) once the person has texted again.
          retryWithinCall: true,
          ...(input.replyFrom ? { from: input.replyFrom } : {}),
        }),
      reply.key,
    );
    if (!result) continue;
    replies.push(result);
    // A decided reply that send() did not send (the carrier's opt-out list refused it…): the log
    // must not list it as a text that went.
    if (result.status === 'skipped') failed.push({ step: 'reply', key: reply.key, reason: result.reason });
    if (result.status === 'deferred') failed.push({ step: 'reply', key: reply.key, reason: 'deferred' });
  }
  // Listing last: the confirmation above is the one text AWS still lets through.
  if (effects.optOutList === 'put')
    await attempt('opt_out_list', () => deps.gateway.putOptedOut(input.phone));
  if (effects.events.length > 0) {
    const events: DomainEvent[] = effects.events.map((e) => ({
      type: e.type,
      at: event.at,
      detail: {
        ...e.detail,
        phone: input.phone,
        eventId: `${event.eventId}:${e.type}`,
        consentEventKey: event.eventKey,
      },
    }));
    await attempt('events', () => deps.events.publish(events));
  }
  if (failed.length > 0) await appendOutcome(deps, event, 'effects_incomplete', failed);
  return { status: 'recorded', event, replies, replayed, incomplete: failed };
}

/** An object whose every method rejects with `message`: a means the caller must never use. */
export function refused(message: string): never {
  return new Proxy(
    {},
    { get: (_target, name) => () => Promise.reject(new Error(`${message} (${String(name)})`)) },
  ) as never;
}

/**
 * The recorder's means of texting, for a caller whose changes text nobody (an import, an order's
 * consent at checkout): any call is a bug, refused here (and in AWS the function has no permission).
 */
export function refusedTexts(who: string): Pick<ConsentRecorderDeps, 'gateway' | 'messages'> {
  return { gateway: refused(`${who} never texts`), messages: refused(`${who} never texts`) };
}
