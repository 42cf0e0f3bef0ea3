/**
 * Consent log entries as the consent log table holds them (ConsentEvent and ConsentOutcome in
 * ../consent.ts), parsed on every read. Loose at every level, so what is read is exactly what was
 * written: the hash chain is computed over it. The type checks hold the schema to the interfaces.
 */
import {
  CONSENT_ACTIONS,
  CONSENT_EVENT_TYPES,
  CONSENT_METHODS,
  CONSENT_STEPS,
  type ConsentEffects,
  type ConsentEvent,
  type ConsentEvidence,
  type ConsentLogEntry,
  type ConsentOutcome,
  type ImportEvidence,
} from '../consent';
import { MESSAGE_CLASSES } from '../messages';
import * as z from '../zod';
import { consentStateFields, propertyValue } from './profile-record';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();
const optionalText = z.optional(text);
const consentClass = z.enum(['marketing', 'transactional']);
const importFields = {
  system: text,
  importId: text,
  fileName: text,
  sha256: text,
  line: z.number(),
  sourceStatus: z.enum(['opted_in', 'opted_out', 'suppressed']),
  sourceConsentAt: optionalText,
  sourceConsentMethod: optionalText,
  undated: z.optional(z.literal(true)),
};

const evidenceFields = {
  method: z.enum(CONSENT_METHODS),
  keyword: optionalText,
  naturalLanguage: z.optional(z.boolean()),
  inboundMessageId: optionalText,
  messageBody: optionalText,
  originationNumber: optionalText,
  destinationNumber: optionalText,
  disclosure: z.optional(z.looseObject({ text, version: text })),
  ip: optionalText,
  userAgent: optionalText,
  pageUrl: optionalText,
  source: optionalText,
  checkedByUser: z.optional(z.boolean()),
  uncheckedByDefault: z.optional(z.boolean()),
  import: z.optional(z.looseObject(importFields)),
  receivedAt: optionalText,
  agent: optionalText,
  note: optionalText,
  orderId: optionalText,
};

const effectsFields = {
  replies: z.readonly(
    z.array(z.looseObject({ key: text, body: text, messageClass: z.enum(MESSAGE_CLASSES) })),
  ),
  optOutList: z.optional(z.enum(['put', 'delete'])),
  events: z.readonly(
    z.array(
      z.looseObject({
        type: z.enum(CONSENT_EVENT_TYPES),
        detail: z.record(z.string(), z.unknown()),
      }),
    ),
  ),
};

const entryFields = {
  phone: text,
  eventKey: text,
  seq: z.number(),
  eventId: text,
  at: text,
  recordedAt: text,
  prevHash: optionalText,
  hash: optionalText,
};

const eventFields = {
  ...entryFields,
  action: z.enum(CONSENT_ACTIONS),
  classes: z.readonly(z.array(consentClass)),
  previous: z.looseObject(consentStateFields),
  next: z.looseObject(consentStateFields),
  applied: z.boolean(),
  note: optionalText,
  propertyChange: z.optional(z.looseObject({ name: text, value: z.nullable(propertyValue) })),
  evidence: z.looseObject(evidenceFields),
  effects: z.looseObject(effectsFields),
};

const outcomeFields = {
  ...entryFields,
  outcome: z.enum(['not_applied', 'effects_incomplete']),
  of: z.looseObject({ seq: z.number(), eventId: text }),
  failed: z.readonly(
    z.array(
      z.looseObject({
        step: z.enum(CONSENT_STEPS),
        key: optionalText,
        reason: text,
        message: optionalText,
      }),
    ),
  ),
};

const consentEventRecord = z.looseObject(eventFields);
const consentOutcomeRecord = z.looseObject(outcomeFields);

const named: readonly true[] = [
  true satisfies EveryFieldNamed<ImportEvidence, typeof importFields>,
  true satisfies EveryFieldNamed<ConsentEvidence, typeof evidenceFields>,
  true satisfies EveryFieldNamed<ConsentEffects, typeof effectsFields>,
  true satisfies EveryFieldNamed<ConsentEvent, typeof eventFields>,
  true satisfies EveryFieldNamed<ConsentOutcome, typeof outcomeFields>,
];
const givesEvent = (record: z.output<typeof consentEventRecord>): ConsentEvent => record;
const givesOutcome = (record: z.output<typeof consentOutcomeRecord>): ConsentOutcome => record;
void named;
void givesEvent;
void givesOutcome;

/** A consent log item read from the table: an outcome when it says `outcome`, else a change. */
export function parseConsentLogEntry(item: unknown): ConsentLogEntry {
  const schema =
    typeof item === 'object' && item !== null && 'outcome' in item
      ? consentOutcomeRecord
      : consentEventRecord;
  return parseRecord(schema, 'consent log entry', ['phone', 'eventKey'], item);
}
