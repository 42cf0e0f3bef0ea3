/**
 * Consent given through the API (a form, a checkout, a server call, or an OTP check): pure decisions.
 *
 * - Marketing with double opt-in (the default): `pending`, and the confirmation request is texted;
 *   YES completes it. Without double opt-in: `subscribed`, confirmed by text, `SubscriptionConfirmed`.
 * - A correct one-time code proves the person holds the phone, so it subscribes directly (`otp`).
 * - Transactional consent applies at once: it needs express consent, not written confirmation.
 * - An already subscribed number changes nothing and is texted nothing.
 * - An opted-out number is never silently resubscribed by an API call: marketing needs a new double
 *   opt-in (or a code), and transactional alone is refused until the person texts START or JOIN.
 */
import type { ConsentClass, ConsentMethod, ConsentState } from './consent';
import { confirmPending, type ConsentChange } from './consent-engine';
import { regionForNumber } from './number-time-zone';
import { optOutListRemovalBlockedUntil } from './opt-out-list';
import type { PropertyValue } from './profile';
import { optInConfirmation, optInRequest } from './replies';
import type { RuntimeConfig } from './runtime-config';

export interface SubscriptionRequest {
  readonly phone: string;
  readonly source: string;
  readonly classes: readonly ConsentClass[];
  readonly method: ConsentMethod;
  readonly properties?: Readonly<Record<string, PropertyValue>>;
  /** True when the number's holder is proven (a correct one-time code). */
  readonly possessionProven: boolean;
  readonly requireDoubleOptIn: boolean;
  /** Idempotency key of the text this request causes. */
  readonly replyKey: string;
  readonly now: Date;
}

export type SubscriptionDecision =
  | ConsentChange
  | { readonly kind: 'unchanged'; readonly reason: 'already_subscribed' }
  | {
      readonly kind: 'refused';
      readonly code: 'opted_out' | 'opt_out_list_locked';
      readonly message: string;
    };

type Program = Pick<
  RuntimeConfig,
  'brand' | 'programName' | 'supportContact' | 'messageFrequency' | 'termsUrl' | 'privacyUrl'
>;

/**
 * Until when a new opt-in of this number must wait: an opted-out number that End User Messaging's
 * opt-out list holds and that was last taken off it less than 30 days ago cannot be taken off again
 * before then (lambdas/domain/opt-out-list.ts). Undefined when an opt-in may proceed now.
 */
export function optInBlockedUntil(state: ConsentState, now: Date): Date | undefined {
  if (state.optedOutAt === undefined || !state.optOutList?.listed) return undefined;
  return optOutListRemovalBlockedUntil(state.optOutList.lastRemovedAt, now);
}

export function decideSubscription(
  state: ConsentState,
  request: SubscriptionRequest,
  program: Program,
): SubscriptionDecision {
  const wantsMarketing = request.classes.includes('marketing');
  const wantsTransactional = request.classes.includes('transactional');
  const properties = {
    ...state.properties,
    ...request.properties,
    ...(wantsMarketing ? { $source: request.source } : {}),
  };
  const reply = (body: string) => [{ key: request.replyKey, body, messageClass: 'compliance' as const }];

  if (state.optedOutAt !== undefined) {
    if (!wantsMarketing && !request.possessionProven) {
      return {
        kind: 'refused',
        code: 'opted_out',
        message:
          'this number opted out; it must text START or JOIN, or confirm a one-time code, to receive texts again',
      };
    }
    const blockedUntil = optInBlockedUntil(state, request.now);
    if (blockedUntil) {
      const until = blockedUntil.toISOString();
      return {
        kind: 'refused',
        code: 'opt_out_list_locked',
        message: `this number opted out again within 30 days of a resubscription; AWS allows texting it again after ${until}`,
      };
    }
    // A new opt-in lifts the opt-out so the request (or confirmation) can be delivered.
    const lifted: ConsentState = {
      marketing: 'unsubscribed',
      transactional: 'unsubscribed',
      properties,
      optOutList: { listed: false, lastRemovedAt: request.now.toISOString() },
    };
    const change = optIn(lifted, request, program, reply, true);
    return { ...change, effects: { ...change.effects, optOutList: 'delete' } };
  }

  if (wantsMarketing && state.marketing !== 'subscribed')
    return optIn({ ...state, properties }, request, program, reply, false);

  if (wantsTransactional && state.transactional !== 'subscribed') {
    return {
      kind: 'consent',
      action: 'transactional_consent_given',
      classes: ['transactional'],
      next: {
        ...state,
        transactional: 'subscribed',
        properties: { ...state.properties, ...request.properties },
      },
      applied: true,
      effects: { replies: [], events: [] },
    };
  }
  return { kind: 'unchanged', reason: 'already_subscribed' };
}

function optIn(
  state: ConsentState,
  request: SubscriptionRequest,
  program: Program,
  reply: (body: string) => { key: string; body: string; messageClass: 'compliance' }[],
  afterOptOut: boolean,
): ConsentChange {
  const classes: ConsentClass[] = request.classes.includes('transactional')
    ? ['marketing', 'transactional']
    : ['marketing'];
  // Immediate subscription only with proof of possession, or single opt-in for a number that never opted out.
  if (request.possessionProven || (!request.requireDoubleOptIn && !afterOptOut)) {
    const by = request.possessionProven ? 'otp' : 'single_opt_in';
    const next =
      by === 'otp'
        ? confirmPending({ ...state, pendingClasses: classes }, 'otp')
        : {
            ...confirmPending({ ...state, pendingClasses: classes }, 'double_opt_in'),
            marketingConfirmedBy: 'single_opt_in' as const,
          };
    return {
      kind: 'consent',
      action: 'opt_in_confirmed',
      classes,
      next,
      applied: true,
      effects: {
        replies: reply(optInConfirmation(program)),
        events: [
          {
            type: 'SubscriptionConfirmed',
            detail: { source: request.source, confirmedBy: by, method: request.method },
          },
        ],
      },
    };
  }
  const alreadyPending = state.marketing === 'pending';
  return {
    kind: 'consent',
    action: 'opt_in_requested',
    classes,
    next: { ...state, marketing: 'pending', pendingClasses: classes },
    applied: true,
    ...(alreadyPending ? { note: 'already pending; confirmation request sent again' } : {}),
    effects: {
      replies: reply(optInRequest(program)),
      events: alreadyPending
        ? []
        : [{ type: 'SubscriptionRequested', detail: { source: request.source, method: request.method } }],
    },
  };
}

const CANADIAN_REGIONS = new Set([
  'AB',
  'BC',
  'MB',
  'NB',
  'NL',
  'NS',
  'NT',
  'NU',
  'ON',
  'PE',
  'QC',
  'SK',
  'YT',
]);

/**
 * Double opt-in is required when the config says so, and always for US numbers while a flow that
 * texts only confirmed subscriptions is enabled (the abandoned cart's `confirmedOptIn`): carriers
 * and the CTIA expect a confirmed opt-in before cart reminders.
 */
export function requiresDoubleOptIn(
  config: Pick<RuntimeConfig, 'doubleOptIn' | 'flows'>,
  phone: string,
): boolean {
  if (config.doubleOptIn) return true;
  const confirmedOnly = config.flows.definitions.some(
    (definition) =>
      definition.enabled && definition.steps.some((step) => step.kind === 'send' && step.confirmedOptIn),
  );
  if (!confirmedOnly || !phone.startsWith('+1')) return false;
  const region = regionForNumber(phone);
  return region !== undefined && !CANADIAN_REGIONS.has(region);
}
