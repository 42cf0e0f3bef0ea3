/**
 * Changing the sending number without losing subscribers' trust (CTIA: tell them before and after).
 * About a week before the switch, the old number sends a final message naming the new number; at the
 * switch the new identity becomes the default; then the new number introduces itself with the full
 * program disclosures. Both texts are plain (no images, no emoji) and are checked for their required
 * elements when the change is scheduled.
 */
import * as z from './zod';
import { RATES_DISCLOSURE } from './replies';
import type { RuntimeConfig } from './runtime-config';
import { renderTemplate, templateProblems } from './templates';

export const FINAL_MESSAGE_LEAD_MS = 7 * 24 * 3600 * 1000;

export const DEFAULT_FINAL_MESSAGE =
  "{{ brand }}: We're moving! From {{ switch_date }} our texts will come from {{ new_number }}. Save it to your contacts. Reply HELP for help, STOP to opt out.";
export const DEFAULT_FIRST_MESSAGE =
  '{{ brand }}: This is the new number for {{ program_name }}. {{ message_frequency }}. Msg & data rates may apply. Reply HELP for help, STOP to opt out.';

const NUMBER_CHANGE_VARIABLES = ['new_number', 'switch_date', 'message_frequency'];

const template = z.string().check(
  z.minLength(1),
  z.maxLength(480),
  z.superRefine((source, ctx) => {
    for (const problem of templateProblems(source, NUMBER_CHANGE_VARIABLES))
      ctx.addIssue({ code: 'custom', message: problem });
  }),
);

export const NumberChangeRequestSchema = z.strictObject({
  /** The new number's ARN (or E.164 number) as End User Messaging knows it. */
  newOriginationIdentity: z
    .string()
    .check(
      z.regex(
        /^(arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool)\/[\w-]+|\+[1-9]\d{6,14})$/,
        'must be an sms-voice phone-number or pool ARN, or an E.164 number',
      ),
    ),
  /** The number subscribers will see, E.164. */
  newPhoneNumber: z
    .string()
    .check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +18885550123')),
  switchAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' }),
  finalMessage: z._default(template, DEFAULT_FINAL_MESSAGE),
  firstMessage: z._default(template, DEFAULT_FIRST_MESSAGE),
});

export type NumberChangeRequest = z.output<typeof NumberChangeRequestSchema>;

type Program = Pick<RuntimeConfig, 'brand' | 'programName' | 'messageFrequency'>;

/**
 * The number as people read it: (888) 555-0123 in North America; elsewhere E.164 (+447700900123),
 * which dials from any phone. Grouping digits the way each country writes them would take every
 * country's phone metadata (libphonenumber, 118 KB) into this function for one line of one text.
 */
export function displayNumber(e164: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : e164;
}

export function renderNumberChangeMessage(
  source: string,
  program: Program,
  newPhoneNumber: string,
  switchAt: Date,
): string {
  return renderTemplate(source, {
    brand: program.brand,
    program_name: program.programName ?? `${program.brand} Texts`,
    support_contact: '',
    message_frequency: program.messageFrequency,
    new_number: displayNumber(newPhoneNumber),
    switch_date: switchAt.toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' }),
    profile: { phone: '', properties: {} },
  });
}

const EMOJI = /\p{Extended_Pictographic}/u;
const digits = (value: string) => value.replace(/\D/g, '');

/** Required elements the final message (from the old number) lacks. */
export function finalMessageProblems(text: string, program: Program, newPhoneNumber: string): string[] {
  const problems: string[] = [];
  if (!text.toLowerCase().includes(program.brand.toLowerCase())) problems.push('the brand');
  const national = digits(displayNumber(newPhoneNumber));
  if (!digits(text).includes(national) && !digits(text).includes(digits(newPhoneNumber)))
    problems.push('the new number');
  if (!/\bHELP\b/.test(text)) problems.push('HELP instructions');
  if (!/\bSTOP\b/.test(text)) problems.push('STOP instructions');
  if (EMOJI.test(text)) problems.push('no emoji');
  return problems;
}

/** Required elements the first message (from the new number) lacks. */
export function firstMessageProblems(text: string, program: Program): string[] {
  const problems: string[] = [];
  const lower = text.toLowerCase();
  if (!lower.includes(program.brand.toLowerCase())) problems.push('the brand');
  if (!lower.includes((program.programName ?? `${program.brand} Texts`).toLowerCase()))
    problems.push('the program name');
  if (!/\bHELP\b/.test(text)) problems.push('HELP instructions');
  if (!/\bSTOP\b/.test(text)) problems.push('STOP instructions');
  if (!lower.includes(RATES_DISCLOSURE.toLowerCase().replace(/\.$/, '')))
    problems.push('"Msg & data rates may apply"');
  if (!lower.includes(program.messageFrequency.toLowerCase())) problems.push('the message frequency');
  if (EMOJI.test(text)) problems.push('no emoji');
  return problems;
}

/** Opt-outs after a number change run about 2.5% (shown beside each message's rate). */
export const BASELINE_OPT_OUT_RATE = 0.025;
