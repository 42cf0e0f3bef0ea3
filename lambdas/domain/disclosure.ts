/**
 * Checks that the disclosure a person saw before giving marketing consent holds what the TCPA and
 * the CTIA Messaging Principles expect next to the checkbox or button: who is texting (brand), how
 * often, that message and data rates may apply, how to get help and to stop, and where the terms and
 * privacy policy are. A disclosure missing any of them is refused, naming what is missing.
 */
import type { RuntimeConfig } from './runtime-config';

export type DisclosureElement =
  | 'brand'
  | 'message frequency'
  | 'Msg & data rates may apply'
  | 'HELP instructions'
  | 'STOP instructions'
  | 'terms link'
  | 'privacy link';

type Program = Pick<RuntimeConfig, 'brand' | 'messageFrequency' | 'termsUrl' | 'privacyUrl'>;

const FREQUENCY =
  /\b(msg|message|text)s?\s+frequency\b|\b(up to|max(imum)?|about)?\s*\d+\s*(msgs?|messages?|texts?)\s*(\/|per|a|each)\s*(day|week|wk|month|mo)\b/i;
const RATES = /\b(msg|message)\s*(&|and)\s*data\s+rates\s+may\s+apply\b/i;
const HELP = /\bHELP\b/;
const STOP = /\bSTOP\b/;

function mentionsLink(text: string, url: string, word: RegExp): boolean {
  const bare = url
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '')
    .toLowerCase();
  return (
    text.toLowerCase().includes(bare) || (word.test(text) && /(https?:\/\/|www\.|\.[a-z]{2,}\/)/i.test(text))
  );
}

/** The elements the disclosure lacks; empty when it is complete. */
export function missingDisclosureElements(text: string, program: Program): DisclosureElement[] {
  const missing: DisclosureElement[] = [];
  if (!text.toLowerCase().includes(program.brand.toLowerCase())) missing.push('brand');
  if (!text.toLowerCase().includes(program.messageFrequency.toLowerCase()) && !FREQUENCY.test(text))
    missing.push('message frequency');
  if (!RATES.test(text)) missing.push('Msg & data rates may apply');
  if (!HELP.test(text)) missing.push('HELP instructions');
  if (!STOP.test(text)) missing.push('STOP instructions');
  if (!mentionsLink(text, program.termsUrl, /\bterms\b/i)) missing.push('terms link');
  if (!mentionsLink(text, program.privacyUrl, /\bprivacy\b/i)) missing.push('privacy link');
  return missing;
}
