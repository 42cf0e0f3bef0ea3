/**
 * What the preference page changes (docs/preferences.md), decided like a keyword: pure, from the
 * consent state, as a consent change the recorder appends to the log and projects. A pause is a
 * property event (`$pausedUntil`), as PAUSE sets `Paused`; ending it clears both. "Fewer texts" is a
 * property event too (`$maxMarketingPerWeek`), which send() enforces.
 */
import type { ConsentState } from './consent';
import type { ConsentChange } from './consent-engine';
import { GENERIC_PAUSE_PROPERTY, MAX_MARKETING_PER_WEEK_PROPERTY, PAUSED_UNTIL_PROPERTY } from './profile';

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
  | { readonly kind: 'frequency'; readonly perWeek: WeeklyCap | null };

export interface PreferenceContext {
  readonly phone: string;
  readonly now: Date;
}

/** A change the page cannot make in this state (the page shows the state again). */
export interface PreferenceRefusal {
  readonly kind: 'refused';
  readonly reason: 'not_subscribed' | 'not_paused';
}

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
    case 'frequency': {
      if (!marketable) return { kind: 'refused', reason: 'not_subscribed' };
      const properties = { ...state.properties };
      if (change.perWeek === null) delete properties[MAX_MARKETING_PER_WEEK_PROPERTY];
      else properties[MAX_MARKETING_PER_WEEK_PROPERTY] = change.perWeek;
      return propertyChange(state, ctx, properties, change.perWeek, MAX_MARKETING_PER_WEEK_PROPERTY);
    }
  }
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
