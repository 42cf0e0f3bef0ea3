/**
 * Number changes and the `@current` identity as the number-changes table holds them (./number-change.ts),
 * parsed on every read. Loose at every level; the type checks hold the schemas to the interfaces.
 */
import * as z from '../zod';
import type { CurrentIdentity, NumberChange } from './number-change';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();

const numberChangeFields = {
  changeId: text,
  oldIdentity: text,
  oldPhoneNumber: text,
  newIdentity: text,
  newPhoneNumber: text,
  switchAt: text,
  finalAt: text,
  finalCampaignId: text,
  firstCampaignId: text,
  state: z.enum(['scheduled', 'switched']),
  switchedAt: z.optional(text),
  createdAt: text,
};

const currentIdentityFields = {
  identity: text,
  phoneNumber: text,
  since: text,
  byChange: text,
};

const numberChangeRecord = z.looseObject(numberChangeFields);
const currentIdentityRecord = z.looseObject(currentIdentityFields);

const everyChangeFieldNamed: EveryFieldNamed<NumberChange, typeof numberChangeFields> = true;
const everyCurrentFieldNamed: EveryFieldNamed<CurrentIdentity, typeof currentIdentityFields> = true;
const givesChange = (record: z.output<typeof numberChangeRecord>): NumberChange => record;
const givesCurrent = (record: z.output<typeof currentIdentityRecord>): CurrentIdentity => record;
void everyChangeFieldNamed;
void everyCurrentFieldNamed;
void givesChange;
void givesCurrent;

/** A number change read from the table. */
export function parseNumberChange(item: unknown): NumberChange {
  return parseRecord(numberChangeRecord, 'number change', ['changeId'], item);
}

/** The `@current` item read from the table. */
export function parseCurrentIdentity(item: unknown): CurrentIdentity {
  return parseRecord(currentIdentityRecord, 'current identity', ['changeId'], item);
}
