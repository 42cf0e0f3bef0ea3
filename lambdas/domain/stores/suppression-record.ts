/**
 * Suppressions after erasure as the suppressions table holds them (SuppressionRecord in
 * ../privacy.ts), parsed on every read. Loose at every level; the type checks hold the schema to the
 * interface.
 */
import type { SuppressionRecord } from '../privacy';
import * as z from '../zod';
import { consentStateFields } from './profile-record';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();

const suppressionFields = {
  phoneHash: text,
  erasedAt: text,
  marketing: consentStateFields.marketing,
  transactional: consentStateFields.transactional,
  optedOutAt: consentStateFields.optedOutAt,
  optOutList: consentStateFields.optOutList,
  consentSeq: z.number(),
  consentHead: z.optional(text),
};

const suppressionRecord = z.looseObject(suppressionFields);

const everyFieldNamed: EveryFieldNamed<SuppressionRecord, typeof suppressionFields> = true;
const givesSuppression = (record: z.output<typeof suppressionRecord>): SuppressionRecord => record;
void everyFieldNamed;
void givesSuppression;

/** A suppression item read from the table. */
export function parseSuppression(item: unknown): SuppressionRecord {
  return parseRecord(suppressionRecord, 'suppression', ['phoneHash'], item);
}
