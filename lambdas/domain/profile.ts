/**
 * A subscriber's profile: consent state per message class (a projection of the consent log) plus
 * properties and engagement. Pure data and pure rules: no record means not marketable, and an opt-out
 * always wins.
 */
import type { CapSend } from './state-message-caps';

export const MARKETING_STATES = ['never_subscribed', 'pending', 'subscribed', 'unsubscribed'] as const;
export const TRANSACTIONAL_STATES = ['never_subscribed', 'subscribed', 'unsubscribed'] as const;
export type MarketingState = (typeof MARKETING_STATES)[number];
export type TransactionalState = (typeof TRANSACTIONAL_STATES)[number];

/**
 * How marketing consent was confirmed; abandoned-cart messages need `double_opt_in` or `otp`.
 * `import`: consent another system recorded, imported with its evidence (docs/import.md).
 */
export const CONFIRMATION_METHODS = ['double_opt_in', 'otp', 'single_opt_in', 'import'] as const;
export type ConfirmationMethod = (typeof CONFIRMATION_METHODS)[number];

export type PropertyValue = string | number | boolean;

export interface Profile {
  readonly phone: string;
  readonly marketing: MarketingState;
  readonly transactional: TransactionalState;
  /** Set by an opt-out (STOP or a revocation), cleared by a resubscription. Blocks every class. */
  readonly optedOutAt?: string;
  readonly marketingConfirmedBy?: ConfirmationMethod;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly timeZone?: string;
  /** Number of consent events projected onto this profile (the optimistic-lock version). */
  readonly consentVersion: number;
  /** Time of the newest consent event applied; older inbound events do not override it. */
  readonly consentUpdatedAt?: string;
  readonly lastConsentEventId?: string;
  /** The number's state on the End User Messaging opt-out list, as far as Optline changed it. */
  readonly optOutList?: OptOutListState;
  /** Classes a pending double opt-in will subscribe on YES. */
  readonly pendingClasses?: readonly ('marketing' | 'transactional')[];
  /** The subscriptions an opt-out ended, restored by START. */
  readonly beforeOptOut?: {
    readonly marketing: MarketingState;
    readonly transactional: TransactionalState;
    readonly marketingConfirmedBy?: ConfirmationMethod;
  };
  readonly lastSmsAt?: string;
  /**
   * Marketing texts of the last window to a number with a message cap (a state's, as in Florida, or
   * the subscriber's own weekly one), reserved before each is sent, with the version that guards the
   * reservation (state-message-caps.ts).
   */
  readonly stateCapSends?: readonly CapSend[];
  readonly stateCapVersion?: number;
  /** Last marketing text: the first one to a number carries the opt-out language. */
  readonly lastMarketingAt?: string;
  readonly lastInboundAt?: string;
  /** The last message sent to the number, for keywords that only count as a reply to it. */
  readonly lastOutbound?: {
    readonly messageId: string;
    readonly awsMessageId?: string;
    readonly campaignId?: string;
    readonly at: string;
  };
  /** When marketing last became `subscribed` (engagement segments count a new subscriber as engaged). */
  readonly marketingSubscribedAt?: string;
  /** The last delivery failure End User Messaging reported. */
  readonly deliveryError?: DeliveryError;
  /** Engagement, for segments and flows. */
  readonly lastOrderAt?: string;
  readonly lastCartAt?: string;
  readonly lastViewedAt?: string;
  readonly lastClickAt?: string;
  /** The message whose link was clicked last: orders within 5 days are attributed to it. */
  readonly lastClick?: {
    readonly at: string;
    readonly messageId: string;
    readonly campaignId?: string;
    readonly flowId?: string;
    /** The branches of the flow's execution that sent the text (flow-stats.ts). */
    readonly flowBranches?: Readonly<Record<string, string>>;
  };
  readonly orderCount?: number;
  readonly totalSpent?: number;
  /** The number's conversation (conversations.ts): `open` only while it is open. */
  readonly conversationOpen?: 'open';
  readonly conversationOpenedAt?: string;
  readonly conversationLastMessageAt?: string;
  /** The person's last free text in the conversation (a reply answers it). */
  readonly conversationLastInboundAt?: string;
  readonly conversationLastInboundId?: string;
  readonly conversationClosedAt?: string;
  readonly conversationClosedBy?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DeliveryError {
  readonly at: string;
  /** Invalid or deactivated number: no text goes to it any more. Temporary ones expire. */
  readonly permanent: boolean;
  /** End User Messaging's event type or status, e.g. TEXT_CARRIER_UNREACHABLE. */
  readonly reason: string;
}

export interface OptOutListState {
  readonly listed: boolean;
  readonly listedAt?: string;
  /** When Optline last removed it; End User Messaging allows one removal per 30 days. */
  readonly lastRemovedAt?: string;
}

/**
 * A timed pause from the preference page (docs/preferences.md): the property holds the instant
 * marketing resumes by itself. A property, so setting and clearing it are property events of the
 * consent log like PAUSE's `Paused`.
 */
export const PAUSED_UNTIL_PROPERTY = '$pausedUntil';

/** When a timed pause ends, if one was set (it may be over). */
export function pausedUntil(profile: Pick<Profile, 'properties'>): string | undefined {
  const value = profile.properties[PAUSED_UNTIL_PROPERTY];
  return typeof value === 'string' ? value : undefined;
}

/** True while a timed pause holds: it ends by itself, with no job to clear it. */
export function isPausedUntilLater(profile: Pick<Profile, 'properties'>, now: Date): boolean {
  const until = pausedUntil(profile);
  return until !== undefined && Date.parse(until) > now.getTime();
}

/**
 * "Fewer texts" from the preference page (docs/preferences.md): at most this many marketing texts in
 * any 7 days, counted by send() with the state caps' window (state-message-caps.ts). A property, so
 * choosing and clearing it are property events of the consent log.
 */
export const MAX_MARKETING_PER_WEEK_PROPERTY = '$maxMarketingPerWeek';

/** The subscriber's own weekly cap, if one is set (a whole number of at least 1). */
export function maxMarketingPerWeek(profile: Pick<Profile, 'properties'>): number | undefined {
  const value = profile.properties[MAX_MARKETING_PER_WEEK_PROPERTY];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** The pause the PAUSE keyword sets (runtime-config); every marketing text honours it. */
export const GENERIC_PAUSE_PROPERTY = 'Paused';

/** How pause properties are read everywhere: any value but absent, null, false, '' or 0 holds. */
export function isSetProperty(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

/**
 * Whether marketing to this profile is paused: by PAUSE's `Paused`, by one of the caller's own
 * pause properties (a campaign's `Paused-BFCM2025`), or by a timed pause not over at `now` (when the
 * caller has a clock).
 */
export function isPaused(
  profile: Pick<Profile, 'properties'>,
  now: Date | undefined,
  ownPauseProperties: readonly string[] = [],
): boolean {
  const names = [GENERIC_PAUSE_PROPERTY, ...ownPauseProperties];
  if (
    names.some((name) => Object.hasOwn(profile.properties, name) && isSetProperty(profile.properties[name]))
  )
    return true;
  return now !== undefined && isPausedUntilLater(profile, now);
}

/** The profile of a number Optline has never seen: nothing is allowed. */
export function newProfile(phone: string, at: string): Profile {
  return {
    phone,
    marketing: 'never_subscribed',
    transactional: 'never_subscribed',
    properties: {},
    consentVersion: 0,
    createdAt: at,
    updatedAt: at,
  };
}

export function isOptedOut(profile: Profile | undefined): boolean {
  return profile?.optedOutAt !== undefined;
}

/** No record means not marketable; an opt-out always wins. */
export function isMarketable(profile: Profile | undefined): boolean {
  return profile !== undefined && !isOptedOut(profile) && profile.marketing === 'subscribed';
}

export function canReceiveTransactional(profile: Profile | undefined): boolean {
  return profile !== undefined && !isOptedOut(profile) && profile.transactional === 'subscribed';
}

/** The API view of a profile. */
export function toProfileView(profile: Profile) {
  return {
    phone: profile.phone,
    marketing: profile.marketing,
    transactional: profile.transactional,
    optedOut: isOptedOut(profile),
    optedOutAt: profile.optedOutAt ?? null,
    marketingConfirmedBy: profile.marketingConfirmedBy ?? null,
    properties: profile.properties,
    timeZone: profile.timeZone ?? null,
    pausedUntil: pausedUntil(profile) ?? null,
    maxMarketingPerWeek: maxMarketingPerWeek(profile) ?? null,
    lastSmsAt: profile.lastSmsAt ?? null,
    lastInboundAt: profile.lastInboundAt ?? null,
    consentUpdatedAt: profile.consentUpdatedAt ?? null,
    engagement: {
      lastOrderAt: profile.lastOrderAt ?? null,
      lastCartAt: profile.lastCartAt ?? null,
      lastViewedAt: profile.lastViewedAt ?? null,
      lastClickAt: profile.lastClickAt ?? null,
      orderCount: profile.orderCount ?? 0,
      totalSpent: profile.totalSpent ?? 0,
    },
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
  };
}
