/**
 * Consent events: the append-only evidence of every change to what a number agreed to receive.
 * The consent log is the source of truth; the profile's consent fields are a projection of it.
 * Events of a number form a sequence (1, 2, 3…): appending number n+1 is conditional on its key being
 * free, so the append itself is the optimistic lock and two inputs can never both build on state n.
 * An event records the state before and after and the effects decided with it (replies, opt-out
 * list), so a replay after a crash finishes exactly what was decided, without deciding again.
 */
import type {
  ConfirmationMethod,
  MarketingState,
  OptOutListState,
  Profile,
  PropertyValue,
  TransactionalState,
} from './profile';
import type { MessageClass } from './messages';

export type ConsentClass = 'marketing' | 'transactional';

/** Channels a revocation can reach Optline through outside SMS (`POST /v1/opt-outs`). */
export const REVOCATION_CHANNELS = ['email', 'phone_call', 'web', 'in_person', 'mail', 'other'] as const;
export type RevocationChannel = (typeof REVOCATION_CHANNELS)[number];

export const CONSENT_METHODS = [
  'keyword',
  'form',
  'checkout',
  'api',
  'otp',
  'import',
  'preference_page',
  ...REVOCATION_CHANNELS,
] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const CONSENT_ACTIONS = [
  /** JOIN or a form with double opt-in: marketing becomes pending, the confirmation request is sent. */
  'opt_in_requested',
  /** YES to a pending request, a correct OTP, or a single opt-in: subscribed. */
  'opt_in_confirmed',
  /** STOP, a per-se keyword or a natural-language revocation: every class unsubscribed. */
  'opted_out',
  /** START/UNSTOP after an opt-out. */
  'resubscribed',
  /** A resubscription End User Messaging's opt-out list does not allow yet (one removal per 30 days). */
  'resubscribe_deferred',
  /**
   * Marketing ended from the preference page (and transactional too when the person unticked it):
   * not an opt-out, so no opt-out list entry, and the other class is kept.
   */
  'unsubscribed',
  /** A keyword such as PAUSE or RESUME set or cleared a profile property. */
  'property_changed',
  /** Transactional consent given (API, checkout). */
  'transactional_consent_given',
  /**
   * The checkout's "text me about this order": express consent to one order's updates
   * (`evidence.orderId`), and nothing else; the profile's subscriptions do not change
   * (order-consent.ts).
   */
  'order_updates_consent_given',
  /**
   * An import marked the number as not to be texted without saying the person opted out (an inactive
   * endpoint): every class unsubscribed, no opt-out time; a new opt-in by the person lifts it.
   */
  'suppressed',
  /** A privacy request erased the number's data: every subscription ends, the opt-out state stays. */
  'profile_erased',
] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/** The consent part of a profile: what the log projects. */
export interface ConsentState {
  readonly marketing: MarketingState;
  readonly transactional: TransactionalState;
  readonly optedOutAt?: string;
  readonly marketingConfirmedBy?: ConfirmationMethod;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly optOutList?: OptOutListState;
  /** Classes a pending double opt-in will subscribe on YES (marketing, and transactional when asked). */
  readonly pendingClasses?: readonly ConsentClass[];
  /** The subscriptions an opt-out ended, restored by START. */
  readonly beforeOptOut?: {
    readonly marketing: MarketingState;
    readonly transactional: TransactionalState;
    readonly marketingConfirmedBy?: ConfirmationMethod;
  };
}

export interface ConsentEvidence {
  /** How the person expressed it. */
  readonly method: ConsentMethod;
  readonly keyword?: string;
  readonly naturalLanguage?: boolean;
  readonly inboundMessageId?: string;
  /** The exact text the person sent. */
  readonly messageBody?: string;
  readonly originationNumber?: string;
  readonly destinationNumber?: string;
  readonly disclosure?: { readonly text: string; readonly version: string };
  readonly ip?: string;
  readonly userAgent?: string;
  readonly pageUrl?: string;
  readonly source?: string;
  readonly checkedByUser?: boolean;
  readonly uncheckedByDefault?: boolean;
  /** Where an imported consent came from (method `import`). */
  readonly import?: ImportEvidence;
  /** A revocation received outside SMS: when it reached the business, who took it, what they noted. */
  readonly receivedAt?: string;
  readonly agent?: string;
  readonly note?: string;
  /** The order a consent is limited to (`order_updates_consent_given`). */
  readonly orderId?: string;
}

/** The source of an imported consent change: the file and line, and what the source system said. */
export interface ImportEvidence {
  /** The source system (`pinpoint`, `klaviyo`, `eum-opt-outs`…). */
  readonly system: string;
  readonly importId: string;
  readonly fileName: string;
  /** SHA-256 of the file as read, hex. */
  readonly sha256: string;
  /** Line of the file (1 = first line; a CSV's header is line 1). */
  readonly line: number;
  /** What the source said: consent, an opt-out or an inactive number. */
  readonly sourceStatus: 'opted_in' | 'opted_out' | 'suppressed';
  /** The source's own time of the consent or opt-out, when it has one. */
  readonly sourceConsentAt?: string;
  /** The source's own word for how consent was given (a sign-up source, a keyword…). */
  readonly sourceConsentMethod?: string;
  /** Consent without a time, accepted with `--accept-undated-consent`. */
  readonly undated?: true;
}

/** A text decided together with a consent change (confirmation, HELP answer…). */
export interface PlannedReply {
  /** Idempotency key of the send. */
  readonly key: string;
  readonly body: string;
  readonly messageClass: MessageClass;
}

/** The bus events a consent change publishes. */
export const CONSENT_EVENT_TYPES = [
  'SubscriptionRequested',
  'SubscriptionConfirmed',
  'OptedOut',
  'Resubscribed',
  'Unsubscribed',
  'ProfilePropertyChanged',
] as const;
export type ConsentEventType = (typeof CONSENT_EVENT_TYPES)[number];

export interface ConsentEffects {
  readonly replies: readonly PlannedReply[];
  /** End User Messaging opt-out list change, done before the replies. */
  readonly optOutList?: 'put' | 'delete';
  /** Domain events to publish once the change is projected. */
  readonly events: readonly {
    readonly type: ConsentEventType;
    readonly detail: Record<string, unknown>;
  }[];
}

export interface ConsentEvent {
  readonly phone: string;
  /** Sort key: the zero-padded sequence number, so a query returns events in the order they were recorded. */
  readonly eventKey: string;
  /** Position in the number's log (1, 2, 3…). */
  readonly seq: number;
  /** Deterministic from the input (e.g. the inbound message id): a duplicate delivery appends nothing. */
  readonly eventId: string;
  /** When the person acted (inbound timestamp, form submission time). */
  readonly at: string;
  /** When Optline recorded it. */
  readonly recordedAt: string;
  readonly action: ConsentAction;
  readonly classes: readonly ConsentClass[];
  readonly previous: ConsentState;
  readonly next: ConsentState;
  /** False when the event changed nothing (older than the current state, or already in it); `note` says why. */
  readonly applied: boolean;
  readonly note?: string;
  readonly propertyChange?: { readonly name: string; readonly value: PropertyValue | null };
  readonly evidence: ConsentEvidence;
  readonly effects: ConsentEffects;
  /** The hash chain (./consent-chain.ts): set by the store when it appends the event. */
  readonly prevHash?: string;
  readonly hash?: string;
}

/** A step of carrying out a change: its projection onto the profile, or one of its effects. */
export const CONSENT_STEPS = ['projection', 'opt_out_list', 'reply', 'events'] as const;
export type ConsentStep = (typeof CONSENT_STEPS)[number];

/**
 * An entry that says what became of an earlier change, appended after it (events are never
 * updated). `not_applied`: the change was never projected (the profile never moved, nothing was sent
 * or published): it is void, and the next change builds on the state before it. `effects_incomplete`:
 * the change stands, but the listed effects did not happen (a reply not sent, and why).
 */
export interface ConsentOutcome {
  readonly phone: string;
  readonly eventKey: string;
  readonly seq: number;
  /** `<eventId of the change>#<outcome>`: one outcome of each kind per change. */
  readonly eventId: string;
  readonly at: string;
  readonly recordedAt: string;
  readonly outcome: 'not_applied' | 'effects_incomplete';
  readonly of: { readonly seq: number; readonly eventId: string };
  readonly failed: readonly {
    readonly step: ConsentStep;
    /** The reply's idempotency key, for a reply. */
    readonly key?: string;
    /** An error name (`ValidationException`) or a send's skip reason (`opt_out_list`). */
    readonly reason: string;
    readonly message?: string;
  }[];
  /** The hash chain (./consent-chain.ts): set by the store when it appends the entry. */
  readonly prevHash?: string;
  readonly hash?: string;
}

export type ConsentLogEntry = ConsentEvent | ConsentOutcome;

export function isOutcome(entry: ConsentLogEntry): entry is ConsentOutcome {
  return 'outcome' in entry;
}

/**
 * Where a change of the log stands, for a reader of the log:
 * - `done`: projected onto the profile (the profile's `consentVersion` has reached it) with no
 *   outcome entry against it: the change holds and its effects were carried out (or are being
 *   finished by a retry of the same input, which never decides again);
 * - `in_progress`: appended but not yet projected: the writer is still at work or crashed, and the
 *   next write for the number (or the input's retry) projects it or records it `not_applied`;
 * - `not_applied`: an outcome entry says it never took effect;
 * - `effects_incomplete`: it took effect, and an outcome entry lists the effects that did not.
 */
export type ConsentChangeStatus = 'done' | 'in_progress' | 'not_applied' | 'effects_incomplete';

export interface ConsentLogReading {
  readonly changes: readonly ConsentEvent[];
  /** The outcome entries of each change, by the change's seq. */
  readonly outcomesOf: ReadonlyMap<number, readonly ConsentOutcome[]>;
  /** The last sequence number in use (changes and outcomes). */
  readonly lastSeq: number;
}

export function readConsentLog(entries: readonly ConsentLogEntry[]): ConsentLogReading {
  const changes: ConsentEvent[] = [];
  const outcomesOf = new Map<number, ConsentOutcome[]>();
  let lastSeq = 0;
  for (const entry of entries) {
    lastSeq = Math.max(lastSeq, entry.seq);
    if (isOutcome(entry)) outcomesOf.set(entry.of.seq, [...(outcomesOf.get(entry.of.seq) ?? []), entry]);
    else changes.push(entry);
  }
  return { changes, outcomesOf, lastSeq };
}

export function isVoid(reading: ConsentLogReading, seq: number): boolean {
  return (reading.outcomesOf.get(seq) ?? []).some((o) => o.outcome === 'not_applied');
}

/** The changes that took effect (or may still), in order: what the profile's state is built from. */
export function effectiveChanges(reading: ConsentLogReading): ConsentEvent[] {
  return reading.changes.filter((change) => !isVoid(reading, change.seq));
}

export function changeStatus(
  reading: ConsentLogReading,
  change: ConsentEvent,
  projectedVersion: number,
): ConsentChangeStatus {
  const outcomes = reading.outcomesOf.get(change.seq) ?? [];
  if (outcomes.some((o) => o.outcome === 'not_applied')) return 'not_applied';
  if (change.seq > projectedVersion) return 'in_progress';
  return outcomes.length > 0 ? 'effects_incomplete' : 'done';
}

/** The effects a change's outcome entries already record as failed: a retry does not repeat them. */
export function failedEffects(reading: ConsentLogReading, seq: number): Set<string> {
  const failed = new Set<string>();
  for (const outcome of reading.outcomesOf.get(seq) ?? []) {
    for (const f of outcome.failed) failed.add(f.key ? `${f.step}:${f.key}` : f.step);
  }
  return failed;
}

export function eventKeyOf(seq: number): string {
  return String(seq).padStart(10, '0');
}

export function consentStateOf(profile: Profile | undefined): ConsentState {
  if (!profile) return { marketing: 'never_subscribed', transactional: 'never_subscribed', properties: {} };
  return {
    marketing: profile.marketing,
    transactional: profile.transactional,
    properties: profile.properties,
    ...(profile.optedOutAt ? { optedOutAt: profile.optedOutAt } : {}),
    ...(profile.marketingConfirmedBy ? { marketingConfirmedBy: profile.marketingConfirmedBy } : {}),
    ...(profile.optOutList ? { optOutList: profile.optOutList } : {}),
    ...(profile.beforeOptOut ? { beforeOptOut: profile.beforeOptOut } : {}),
    ...(profile.pendingClasses ? { pendingClasses: profile.pendingClasses } : {}),
  };
}
