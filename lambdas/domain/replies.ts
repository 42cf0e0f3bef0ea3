/**
 * The program's required texts. Each carries what carriers (CTIA handbook) and the TCPA expect:
 * brand, program, frequency, "Msg & data rates may apply", HELP and STOP instructions, and no
 * marketing in an opt-out confirmation.
 */
import type { RuntimeConfig } from './runtime-config';

type Program = Pick<
  RuntimeConfig,
  'brand' | 'programName' | 'supportContact' | 'messageFrequency' | 'termsUrl' | 'privacyUrl'
>;

export const RATES_DISCLOSURE = 'Msg & data rates may apply.';

export function optOutConfirmation(p: Program, resubscribeAfter?: string): string {
  const how = resubscribeAfter
    ? `Reply START after ${resubscribeAfter} to resubscribe (the carrier's opt-out list allows one removal per 30 days).`
    : 'Reply START to resubscribe.';
  // The support contact is included because HELP cannot be answered afterwards: End User Messaging
  // refuses every text to a number on the opt-out list.
  return `${p.brand}: You are unsubscribed and will receive no more messages. ${how} Help: ${p.supportContact}`;
}

export function helpReply(p: Program): string {
  return `${p.brand}: ${programLabel(p)} help at ${p.supportContact}. ${p.messageFrequency}. ${RATES_DISCLOSURE} Reply STOP to cancel.`;
}

/**
 * The double opt-in request. The brand prefix says who the texts are from: naming the program after it
 * as well read "Acme Coffee: … texts from Acme Coffee Texts". The confirmation names the program.
 */
export function optInRequest(p: Program): string {
  return (
    `${p.brand}: Reply Y to confirm you want recurring automated marketing texts. ` +
    `Consent is not a condition of purchase. ${p.messageFrequency}. ${RATES_DISCLOSURE} ` +
    `Reply HELP for help, STOP to cancel. Terms: ${p.termsUrl} Privacy: ${p.privacyUrl}`
  );
}

export function optInConfirmation(p: Program): string {
  return `${p.brand}: You're subscribed to ${programLabel(p)}! ${p.messageFrequency}. ${RATES_DISCLOSURE} Reply HELP for help, STOP to cancel.`;
}

export function resubscribeConfirmation(p: Program): string {
  return `${p.brand}: You're resubscribed to ${programLabel(p)}. ${p.messageFrequency}. ${RATES_DISCLOSURE} Reply HELP for help, STOP to cancel.`;
}

function programLabel(p: Program): string {
  return p.programName ?? `${p.brand} Texts`;
}
