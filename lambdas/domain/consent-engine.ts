/**
 * The consent engine for inbound texts: pure. Given the current consent state and what the person
 * texted, it decides the new state, the evidence to append, the replies and the opt-out-list change.
 *
 * Rules worth knowing:
 * - An opt-out always wins and is confirmed exactly once; a repeated STOP changes nothing and gets no
 *   second reply (it is still recorded as evidence).
 * - HELP is answered whatever the state, even for opted-out numbers.
 * - A YES with nothing pending is conversational, not consent.
 * - Inbound texts can arrive out of order: a consent change older than the state's last change is
 *   recorded but not applied, so a late JOIN cannot undo a newer STOP.
 * - End User Messaging removes a number from its opt-out list at most once per 30 days
 *   (opt-out-list.ts). A STOP within 30 days of a removal tells the subscriber the date after which
 *   START works; a START before that date is recorded (`resubscribe_deferred`) and cannot be
 *   answered, because End User Messaging refuses every text to a listed number.
 */
import type { ConsentAction, ConsentClass, ConsentEffects, ConsentState, PlannedReply } from './consent';
import type { KeywordIntent } from './keywords';
import { optOutListRemovalBlockedUntil } from './opt-out-list';
import { GENERIC_PAUSE_PROPERTY, PAUSED_UNTIL_PROPERTY } from './profile';
import {
  helpReply,
  optInConfirmation,
  optInRequest,
  optOutConfirmation,
  resubscribeConfirmation,
} from './replies';
import { optInSource, type Keywords, type RuntimeConfig } from './runtime-config';

export interface InboundContext {
  readonly phone: string;
  /** When End User Messaging received the text. */
  readonly at: string;
  readonly inboundMessageId: string;
  readonly body: string;
  readonly now: Date;
  /** Time of the newest consent change already applied to the profile. */
  readonly consentUpdatedAt?: string;
  /** Campaign of the last message sent to the number (for reply-only keywords). */
  readonly lastOutboundCampaignId?: string;
}

/** A decision that appends a consent event. */
export interface ConsentChange {
  readonly kind: 'consent';
  readonly action: ConsentAction;
  readonly classes: readonly ConsentClass[];
  readonly next: ConsentState;
  readonly applied: boolean;
  readonly note?: string;
  readonly propertyChange?: { readonly name: string; readonly value: string | number | boolean | null };
  readonly effects: ConsentEffects;
}

export type InboundDecision =
  | ConsentChange
  /** HELP: answered, nothing changes. */
  | { readonly kind: 'reply'; readonly replies: readonly PlannedReply[] }
  /** Anything else: stored and published, no automatic reply. */
  | { readonly kind: 'conversational' };

type Program = Pick<
  RuntimeConfig,
  'brand' | 'programName' | 'supportContact' | 'messageFrequency' | 'termsUrl' | 'privacyUrl' | 'doubleOptIn'
> & {
  /** The opt-in keywords, for the `$source` an entry may name. */
  readonly keywords?: Pick<Keywords, 'optIn'>;
};

const noEffects: ConsentEffects = { replies: [], events: [] };

export function decideInbound(
  state: ConsentState,
  intent: KeywordIntent,
  ctx: InboundContext,
  program: Program,
): InboundDecision {
  const replyKey = `reply#${ctx.inboundMessageId}`;
  const reply = (body: string, messageClass: PlannedReply['messageClass'] = 'compliance'): PlannedReply[] => [
    { key: replyKey, body, messageClass },
  ];

  if (intent.kind === 'none') return { kind: 'conversational' };
  if (intent.kind === 'help') return { kind: 'reply', replies: reply(helpReply(program)) };

  const optedOut = state.optedOutAt !== undefined;
  // Ordering: a change older than the last applied one is evidence, not a state change.
  const stale = ctx.consentUpdatedAt !== undefined && ctx.at < ctx.consentUpdatedAt;
  const recordOnly = (
    action: ConsentAction,
    classes: readonly ConsentClass[],
    note: string,
  ): ConsentChange => ({
    kind: 'consent',
    action,
    classes,
    next: state,
    applied: false,
    note,
    effects: noEffects,
  });

  switch (intent.kind) {
    case 'opt_out': {
      if (stale)
        return recordOnly(
          'opted_out',
          ['marketing', 'transactional'],
          'older than the current consent state',
        );
      if (optedOut)
        return recordOnly(
          'opted_out',
          ['marketing', 'transactional'],
          'already opted out; no second confirmation',
        );
      const lastRemoved = state.optOutList?.lastRemovedAt;
      const relistLockedUntil = optOutListRemovalBlockedUntil(lastRemoved, ctx.now);
      const next: ConsentState = {
        marketing: 'unsubscribed',
        transactional: 'unsubscribed',
        optedOutAt: ctx.at,
        properties: state.properties,
        optOutList: {
          listed: true,
          listedAt: ctx.now.toISOString(),
          ...(lastRemoved ? { lastRemovedAt: lastRemoved } : {}),
        },
        beforeOptOut: {
          marketing: state.marketing,
          transactional: state.transactional,
          ...(state.marketingConfirmedBy ? { marketingConfirmedBy: state.marketingConfirmedBy } : {}),
        },
      };
      return {
        kind: 'consent',
        action: 'opted_out',
        classes: ['marketing', 'transactional'],
        next,
        applied: true,
        effects: {
          // The confirmation goes out before the number is listed: after that AWS refuses every text.
          replies: reply(
            optOutConfirmation(program, relistLockedUntil ? formatDate(relistLockedUntil) : undefined),
          ),
          optOutList: 'put',
          events: [
            {
              type: 'OptedOut',
              detail: { phone: ctx.phone, keyword: intent.keyword, naturalLanguage: intent.natural },
            },
          ],
        },
      };
    }

    case 'resubscribe':
    case 'opt_in': {
      if (stale)
        return recordOnly(
          intent.kind === 'opt_in' ? 'opt_in_requested' : 'resubscribed',
          ['marketing'],
          'older than the current consent state',
        );
      if (optedOut) {
        const lockedUntil = state.optOutList?.listed
          ? optOutListRemovalBlockedUntil(state.optOutList.lastRemovedAt, ctx.now)
          : undefined;
        if (lockedUntil) {
          return recordOnly(
            'resubscribe_deferred',
            ['marketing', 'transactional'],
            `the carrier opt-out list allows the next removal on ${lockedUntil.toISOString()}; the number cannot be texted until then`,
          );
        }
        return resubscribe(state, intent, ctx, program, replyKey);
      }
      if (intent.kind === 'resubscribe') return { kind: 'conversational' };
      return optIn(state, ctx, program, replyKey, intent.keyword);
    }

    case 'confirm': {
      if (optedOut || state.marketing !== 'pending') return { kind: 'conversational' };
      if (stale) return recordOnly('opt_in_confirmed', ['marketing'], 'older than the current consent state');
      return {
        kind: 'consent',
        action: 'opt_in_confirmed',
        classes: ['marketing'],
        next: confirmPending(state, 'double_opt_in'),
        applied: true,
        effects: {
          replies: reply(optInConfirmation(program)),
          events: [
            {
              type: 'SubscriptionConfirmed',
              detail: {
                phone: ctx.phone,
                source: state.properties.$source ?? null,
                confirmedBy: 'double_opt_in',
              },
            },
          ],
        },
      };
    }

    case 'property': {
      const { definition } = intent;
      if (optedOut) return { kind: 'conversational' };
      if (definition.onlyInReplyTo && definition.onlyInReplyTo !== ctx.lastOutboundCampaignId)
        return { kind: 'conversational' };
      if (stale) return recordOnly('property_changed', ['marketing'], 'older than the current consent state');
      const { name, value } = definition.setProperty;
      const properties = { ...state.properties };
      if (value === null) delete properties[name];
      else properties[name] = value;
      // RESUME (clearing `Paused`) also ends a timed pause from the preference page.
      if (name === GENERIC_PAUSE_PROPERTY && value === null) delete properties[PAUSED_UNTIL_PROPERTY];
      return {
        kind: 'consent',
        action: 'property_changed',
        classes: ['marketing'],
        next: { ...state, properties },
        applied: true,
        propertyChange: { name, value },
        effects: {
          replies: reply(definition.reply, 'conversational'),
          events: [
            {
              type: 'ProfilePropertyChanged',
              detail: { phone: ctx.phone, name, value, keyword: intent.keyword },
            },
          ],
        },
      };
    }
  }
}

function optIn(
  state: ConsentState,
  ctx: InboundContext,
  program: Program,
  replyKey: string,
  keyword: string,
): ConsentChange {
  if (state.marketing === 'subscribed') {
    return {
      kind: 'consent',
      action: 'opt_in_requested',
      classes: ['marketing'],
      next: state,
      applied: false,
      note: 'already subscribed; nothing sent',
      effects: noEffects,
    };
  }
  const properties =
    state.properties.$source === undefined
      ? {
          ...state.properties,
          $source: program.keywords ? optInSource(program.keywords, keyword) : `keyword:${keyword}`,
        }
      : state.properties;
  if (program.doubleOptIn) {
    return {
      kind: 'consent',
      action: 'opt_in_requested',
      classes: ['marketing'],
      next: { ...state, marketing: 'pending', properties },
      // Re-asking a pending number resends the request but changes nothing.
      applied: state.marketing !== 'pending',
      ...(state.marketing === 'pending' ? { note: 'already pending; confirmation request sent again' } : {}),
      effects: {
        replies: [{ key: replyKey, body: optInRequest(program), messageClass: 'compliance' }],
        events:
          state.marketing === 'pending'
            ? []
            : [
                {
                  type: 'SubscriptionRequested',
                  detail: { phone: ctx.phone, source: properties.$source ?? null },
                },
              ],
      },
    };
  }
  return {
    kind: 'consent',
    action: 'opt_in_confirmed',
    classes: ['marketing'],
    next: { ...state, marketing: 'subscribed', marketingConfirmedBy: 'single_opt_in', properties },
    applied: true,
    effects: {
      replies: [{ key: replyKey, body: optInConfirmation(program), messageClass: 'compliance' }],
      events: [
        {
          type: 'SubscriptionConfirmed',
          detail: { phone: ctx.phone, source: properties.$source ?? null, confirmedBy: 'single_opt_in' },
        },
      ],
    },
  };
}

function resubscribe(
  state: ConsentState,
  intent: KeywordIntent & { kind: 'resubscribe' | 'opt_in' },
  ctx: InboundContext,
  program: Program,
  replyKey: string,
): ConsentChange {
  const before = state.beforeOptOut;
  // No record of what the opt-out ended (an erasure drops it): nothing is restored, nothing reset.
  const cleared: ConsentState = {
    marketing: before?.marketing ?? 'unsubscribed',
    transactional: before?.transactional ?? 'unsubscribed',
    properties: state.properties,
    ...(before?.marketingConfirmedBy ? { marketingConfirmedBy: before.marketingConfirmedBy } : {}),
    optOutList: { listed: false, lastRemovedAt: ctx.now.toISOString() },
  };
  // START with no record of what the opt-out ended (an erasure drops it, docs/privacy.md) is a new
  // opt-in like JOIN: it never revives consent, and never says "resubscribed" to nothing.
  if ((intent.kind === 'opt_in' && cleared.marketing !== 'subscribed') || before === undefined) {
    // JOIN after STOP: a new opt-in, with the opt-out lifted so the request can be delivered.
    const decision = optIn(cleared, ctx, program, replyKey, intent.keyword);
    return { ...decision, applied: true, effects: { ...decision.effects, optOutList: 'delete' } };
  }
  // START restores the subscriptions the opt-out ended (a returning subscriber does not restart the welcome flow).
  return {
    kind: 'consent',
    action: 'resubscribed',
    classes: ['marketing', 'transactional'],
    next: cleared,
    applied: true,
    effects: {
      optOutList: 'delete',
      replies: [{ key: replyKey, body: resubscribeConfirmation(program), messageClass: 'compliance' }],
      events: [
        {
          type: 'Resubscribed',
          detail: { phone: ctx.phone, marketing: cleared.marketing, transactional: cleared.transactional },
        },
      ],
    },
  };
}

/** A pending double opt-in confirmed: marketing subscribed, and transactional when it was asked for too. */
export function confirmPending(state: ConsentState, by: 'double_opt_in' | 'otp'): ConsentState {
  const { pendingClasses, ...rest } = state;
  return {
    ...rest,
    marketing: 'subscribed',
    marketingConfirmedBy: by,
    ...(pendingClasses?.includes('transactional') ? { transactional: 'subscribed' as const } : {}),
  };
}

/** A calendar date a subscriber understands, in UTC (e.g. "Dec 23, 2026"). */
function formatDate(date: Date): string {
  return date.toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
