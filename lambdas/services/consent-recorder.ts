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
 */
import type { Clock } from '../domain/clock';
import { consentStateOf, eventKeyOf, type ConsentEvent, type ConsentEvidence } from '../domain/consent';
import type { ConsentChange } from '../domain/consent-engine';
import type { DomainEvent } from '../domain/events';
import type { Profile } from '../domain/profile';
import type { ConsentLogStore } from '../adapters/consent-log-store';
import type { EventPublisher } from '../adapters/event-publisher';
import type { ActivityUpdate, ProfileStore } from '../adapters/profile-store';
import type { SmsGateway } from '../adapters/sms-gateway';
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
    }
  | { readonly status: 'not_consent'; readonly decision: D; readonly profile: Profile | undefined };

export class ConcurrentConsentChangeError extends Error {
  override readonly name = 'ConcurrentConsentChangeError';
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
    const log = await deps.consentLog.list(input.phone);

    // Events a crashed writer appended but never projected: project them first, in order.
    const unprojected = log.filter((e) => e.seq > projected);
    if (unprojected.length > 0) {
      await project(deps, input, unprojected[0]!, projected);
      continue;
    }

    const mine = log.find((e) => e.eventId === input.eventId);
    // A replay finishes its effects only if nothing happened since: re-listing a number that texted
    // START after this STOP, or confirming a superseded change, would be wrong.
    if (mine) return finish(deps, input, mine, true, mine.seq !== log.at(-1)?.seq);

    const decision = decide(profile);
    if (decision.kind !== 'consent') return { status: 'not_consent', decision: decision as D, profile };
    const change = decision as ConsentChange;
    const seq = (log.at(-1)?.seq ?? 0) + 1;
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
    if ((await project(deps, input, event, projected)) === 'stale') continue;
    return finish(deps, input, event, false);
  }
  throw new ConcurrentConsentChangeError(
    `consent of ${input.phone} kept changing while recording ${input.eventId}`,
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
): Promise<RecordOutcome<D>> {
  if (superseded) return { status: 'recorded', event, replies: [], replayed };
  const { effects } = event;
  // Removal first: End User Messaging refuses texts to a listed number, including the confirmation.
  if (effects.optOutList === 'delete') await deps.gateway.deleteOptedOut(input.phone);
  const replies: SendResult[] = [];
  for (const reply of effects.replies) {
    replies.push(
      await send(deps, {
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
    );
  }
  // Listing last: the confirmation above is the one text AWS still lets through.
  if (effects.optOutList === 'put') await deps.gateway.putOptedOut(input.phone);
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
    await deps.events.publish(events);
  }
  return { status: 'recorded', event, replies, replayed };
}
