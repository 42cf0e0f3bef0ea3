/**
 * What the preference page changes (docs/preferences.md), decided like a keyword: pure, from the
 * consent state, as a consent change the recorder appends to the log and projects. A pause is a
 * property event (`$pausedUntil`), as PAUSE sets `Paused`; ending it clears both. "Fewer texts" is a
 * property event too (`$maxMarketingPerWeek`), which send() enforces. Subscribing again is the
 * subscription of the API with the page as its method, always by double opt-in.
 */
import type { ConsentClass, ConsentState } from './consent';
import type { ConsentChange } from './consent-engine';
import { GENERIC_PAUSE_PROPERTY, MAX_MARKETING_PER_WEEK_PROPERTY, PAUSED_UNTIL_PROPERTY } from './profile';
import type { RuntimeConfig } from './runtime-config';
import { decideSubscription } from './subscription-engine';

/** The pauses the page offers, in days. */
export const PAUSE_DAYS = [7, 30, 90] as const;
export type PauseDays = (typeof PAUSE_DAYS)[number];

/** The weekly caps "fewer texts" offers: at most this many marketing texts in 7 days. */
export const WEEKLY_CAPS = [1, 2, 4] as const;
export type WeeklyCap = (typeof WEEKLY_CAPS)[number];

export type PreferenceChange =
  | { readonly kind: 'pause'; readonly days: PauseDays }
  | { readonly kind: 'resume' }
  /** `perWeek` null: every text again. */
  | { readonly kind: 'frequency'; readonly perWeek: WeeklyCap | null }
  /** The configured topics, each on (true) or off (false). */
  | { readonly kind: 'topics'; readonly choices: Readonly<Record<string, boolean>> }
  /** Marketing ends; transactional too when `transactional` is true. */
  | { readonly kind: 'unsubscribe'; readonly transactional: boolean }
  /** Marketing again, after an unsubscribe or an opt-out: a double opt-in starts. */
  | { readonly kind: 'resubscribe' };

export interface PreferenceContext {
  readonly phone: string;
  readonly now: Date;
  /** The program whose texts a resubscription sends (its double opt-in request). */
  readonly program: Pick<
    RuntimeConfig,
    'brand' | 'programName' | 'supportContact' | 'messageFrequency' | 'termsUrl' | 'privacyUrl'
  >;
  /** Idempotency key of the text a change sends (a resubscription's request to reply Y). */
  readonly replyKey: string;
}

/** A change the page cannot make in this state (the page shows the state again). */
export interface PreferenceRefusal {
  readonly kind: 'refused';
  readonly reason:
    | 'not_subscribed'
    | 'not_paused'
    | 'unchanged'
    /** Resubscribing a number that gets marketing texts, or whose YES is awaited. */
    | 'already_subscribed'
    /** End User Messaging cannot take the number off its opt-out list yet (one removal per 30 days). */
    | 'opt_out_list_locked';
}

/** The `$source` and consent-log source of a subscription made on the page. */
export const PREFERENCE_PAGE_SOURCE = 'preference_page';

const DAY_MS = 86_400_000;

export function decidePreferenceChange(
  state: ConsentState,
  change: PreferenceChange,
  ctx: PreferenceContext,
): ConsentChange | PreferenceRefusal {
  const marketable = state.optedOutAt === undefined && state.marketing === 'subscribed';
  switch (change.kind) {
    case 'pause': {
      if (!marketable) return { kind: 'refused', reason: 'not_subscribed' };
      const until = new Date(ctx.now.getTime() + change.days * DAY_MS).toISOString();
      return propertyChange(state, ctx, { ...state.properties, [PAUSED_UNTIL_PROPERTY]: until }, until);
    }
    case 'resume': {
      const paused =
        state.properties[PAUSED_UNTIL_PROPERTY] !== undefined ||
        state.properties[GENERIC_PAUSE_PROPERTY] !== undefined;
      if (!paused) return { kind: 'refused', reason: 'not_paused' };
      const properties = { ...state.properties };
      delete properties[PAUSED_UNTIL_PROPERTY];
      delete properties[GENERIC_PAUSE_PROPERTY];
      return propertyChange(state, ctx, properties, null);
    }
    case 'unsubscribe':
      return unsubscribe(state, change.transactional, ctx);
    case 'resubscribe':
      return resubscribe(state, ctx);
    case 'topics':
      return topics(state, change.choices, ctx, marketable);
    case 'frequency': {
      if (!marketable) return { kind: 'refused', reason: 'not_subscribed' };
      const properties = { ...state.properties };
      if (change.perWeek === null) delete properties[MAX_MARKETING_PER_WEEK_PROPERTY];
      else properties[MAX_MARKETING_PER_WEEK_PROPERTY] = change.perWeek;
      return propertyChange(state, ctx, properties, change.perWeek, MAX_MARKETING_PER_WEEK_PROPERTY);
    }
  }
}

/**
 * Unsubscribe from marketing (a pending double opt-in ends too), and from transactional texts when the
 * person unticked them as well. Not an opt-out: the number stays off the opt-out list, and a new
 * subscription needs a new double opt-in or code as any other.
 */
function unsubscribe(
  state: ConsentState,
  transactional: boolean,
  ctx: PreferenceContext,
): ConsentChange | PreferenceRefusal {
  const marketing = state.marketing === 'subscribed' || state.marketing === 'pending';
  const endTransactional = transactional && state.transactional === 'subscribed';
  if (state.optedOutAt !== undefined || (!marketing && !endTransactional))
    return { kind: 'refused', reason: 'not_subscribed' };
  const classes: ConsentClass[] = [
    ...(marketing ? (['marketing'] as const) : []),
    ...(endTransactional ? (['transactional'] as const) : []),
  ];
  const next: ConsentState = {
    marketing: marketing ? 'unsubscribed' : state.marketing,
    transactional: endTransactional ? 'unsubscribed' : state.transactional,
    properties: state.properties,
    ...(!marketing && state.marketingConfirmedBy ? { marketingConfirmedBy: state.marketingConfirmedBy } : {}),
    ...(state.optOutList ? { optOutList: state.optOutList } : {}),
    ...(state.beforeOptOut ? { beforeOptOut: state.beforeOptOut } : {}),
  };
  return {
    kind: 'consent',
    action: 'unsubscribed',
    classes,
    next,
    applied: true,
    effects: {
      replies: [],
      events: [{ type: 'Unsubscribed', detail: { phone: ctx.phone, classes, source: 'preference_page' } }],
    },
  };
}

/**
 * Subscribe again: the API's subscription with method `preference_page` and double opt-in whatever
 * the config says (a link proves who opened it no more than a form does): pending, and the request
 * to reply Y is texted. An opted-out number is taken off End User Messaging's opt-out list for that
 * text, unless the list's one removal per 30 days was used: then nothing changes and the page says
 * when it can.
 */
function resubscribe(state: ConsentState, ctx: PreferenceContext): ConsentChange | PreferenceRefusal {
  const optedOut = state.optedOutAt !== undefined;
  if (!optedOut && (state.marketing === 'subscribed' || state.marketing === 'pending'))
    return { kind: 'refused', reason: 'already_subscribed' };
  const decision = decideSubscription(
    state,
    {
      phone: ctx.phone,
      source: PREFERENCE_PAGE_SOURCE,
      classes: ['marketing'],
      method: 'preference_page',
      possessionProven: false,
      requireDoubleOptIn: true,
      replyKey: ctx.replyKey,
      now: ctx.now,
    },
    ctx.program,
  );
  if (decision.kind === 'refused')
    return {
      kind: 'refused',
      reason: decision.code === 'opt_out_list_locked' ? decision.code : 'not_subscribed',
    };
  if (decision.kind === 'unchanged') return { kind: 'refused', reason: 'already_subscribed' };
  return decision;
}

/**
 * Topics: each a boolean property, written as chosen; one event for the form, one
 * `ProfilePropertyChanged` per topic that changed. A topic never set counts as on.
 */
function topics(
  state: ConsentState,
  choices: Readonly<Record<string, boolean>>,
  ctx: PreferenceContext,
  marketable: boolean,
): ConsentChange | PreferenceRefusal {
  if (!marketable) return { kind: 'refused', reason: 'not_subscribed' };
  const changed = Object.entries(choices).filter(([name, on]) => (state.properties[name] !== false) !== on);
  if (changed.length === 0) return { kind: 'refused', reason: 'unchanged' };
  return {
    kind: 'consent',
    action: 'property_changed',
    classes: ['marketing'],
    next: { ...state, properties: { ...state.properties, ...Object.fromEntries(changed) } },
    applied: true,
    ...(changed.length === 1 ? { propertyChange: { name: changed[0]![0], value: changed[0]![1] } } : {}),
    effects: {
      replies: [],
      events: changed.map(([name, value]) => ({
        type: 'ProfilePropertyChanged' as const,
        detail: { phone: ctx.phone, name, value, source: 'preference_page' },
      })),
    },
  };
}

function propertyChange(
  state: ConsentState,
  ctx: PreferenceContext,
  properties: ConsentState['properties'],
  value: string | number | null,
  name: string = PAUSED_UNTIL_PROPERTY,
): ConsentChange {
  return {
    kind: 'consent',
    action: 'property_changed',
    classes: ['marketing'],
    next: { ...state, properties },
    applied: true,
    propertyChange: { name, value },
    effects: {
      replies: [],
      events: [
        {
          type: 'ProfilePropertyChanged',
          detail: { phone: ctx.phone, name, value, source: 'preference_page' },
        },
      ],
    },
  };
}
