/**
 * Revocations from any channel (`POST /v1/opt-outs`): the FCC's revocation rule (47 CFR
 * § 64.1200(a)(10), in force 2025-04-11) lets a person revoke consent by any reasonable means, a
 * support call or an email reply as much as a STOP. Such a revocation is decided like STOP (every
 * class unsubscribed, the number on the opt-out list), with the channel as the consent method, and
 * is confirmed by text only when asked and within 5 minutes of its receipt: the one confirmation the
 * rule allows, sent promptly. Pure: the service passes the clock and the number's consent log.
 */
import { REVOCATION_CHANNELS, type ConsentState, type RevocationChannel } from './consent';
import { decideInbound, type ConsentChange } from './consent-engine';
import { phoneInput, printable } from './input-fields';
import type { RuntimeConfig } from './runtime-config';
import * as z from './zod';

/** The FCC allows one confirmation text, sent within 5 minutes of the revocation. */
export const CONFIRMATION_WINDOW_MS = 5 * 60_000;

export const OptOutRequestSchema = z.strictObject({
  phone: phoneInput(),
  channel: z.enum(REVOCATION_CHANNELS),
  /** When the revocation reached the business (the call, the email), not when it is posted. */
  receivedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' }),
  note: z.optional(printable(500)),
  /** Who took it (a support agent's name or id). */
  agent: z.optional(printable(100)),
  /** Text the one confirmation the FCC allows (only within 5 minutes of `receivedAt`). */
  confirmBySms: z._default(z.boolean(), false),
});
export type OptOutRequest = z.output<typeof OptOutRequestSchema>;

/** Why `receivedAt` cannot be right, or undefined: not in the future, not before the first consent. */
export function receivedAtProblem(
  receivedAt: Date,
  now: Date,
  firstConsentAt: string | undefined,
): string | undefined {
  if (receivedAt.getTime() > now.getTime()) return 'receivedAt: is in the future';
  if (firstConsentAt !== undefined && receivedAt.getTime() < Date.parse(firstConsentAt))
    return `receivedAt: is before the number's first consent event (${firstConsentAt})`;
  return undefined;
}

export type ConfirmationVerdict = 'sent' | 'not_requested' | 'too_late' | 'already_opted_out';

/**
 * The consent change for a revocation: STOP's, received at `receivedAt` through `channel`, with the
 * confirmation text kept only when asked for and within the window.
 */
export function decideRevocation(
  state: ConsentState,
  input: {
    readonly phone: string;
    readonly channel: RevocationChannel;
    readonly receivedAt: string;
    readonly eventId: string;
    readonly consentUpdatedAt?: string;
    readonly confirmBySms: boolean;
    readonly now: Date;
  },
  program: Pick<
    RuntimeConfig,
    | 'brand'
    | 'programName'
    | 'supportContact'
    | 'messageFrequency'
    | 'termsUrl'
    | 'privacyUrl'
    | 'doubleOptIn'
  >,
): { readonly change: ConsentChange; readonly confirmation: ConfirmationVerdict } {
  const decision = decideInbound(
    state,
    { kind: 'opt_out', keyword: input.channel.toUpperCase(), natural: false },
    {
      phone: input.phone,
      at: input.receivedAt,
      inboundMessageId: input.eventId,
      body: '',
      now: input.now,
      ...(input.consentUpdatedAt ? { consentUpdatedAt: input.consentUpdatedAt } : {}),
    },
    program,
  );
  if (decision.kind !== 'consent') throw new Error('an opt-out always decides a consent change');
  const inWindow = input.now.getTime() - Date.parse(input.receivedAt) <= CONFIRMATION_WINDOW_MS;
  const confirmation: ConfirmationVerdict = !decision.applied
    ? 'already_opted_out'
    : !input.confirmBySms
      ? 'not_requested'
      : inWindow
        ? 'sent'
        : 'too_late';
  const events = decision.effects.events.map((event) =>
    event.type === 'OptedOut' ? { ...event, detail: { phone: input.phone, channel: input.channel } } : event,
  );
  const change: ConsentChange = {
    ...decision,
    effects: {
      ...decision.effects,
      events,
      replies: confirmation === 'sent' ? decision.effects.replies : [],
    },
  };
  return { change, confirmation };
}
