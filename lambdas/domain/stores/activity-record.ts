/**
 * Activity records as the activity table holds them (ActivityRecord in ./activity.ts), parsed on
 * every read. Loose at every level; the type checks hold the schema to the interface.
 */
import * as z from '../zod';
import type { ActivityRecord } from './activity';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();

const activityFields = {
  phone: text,
  activityKey: text,
  type: text,
  at: text,
  detail: z.record(z.string(), z.unknown()),
  aggregated: z.boolean(),
  expiresAt: z.number(),
};

const activityRecord = z.looseObject(activityFields);

const everyFieldNamed: EveryFieldNamed<ActivityRecord, typeof activityFields> = true;
const givesActivity = (record: z.output<typeof activityRecord>): ActivityRecord => record;
void everyFieldNamed;
void givesActivity;

/** An activity item read from the table. */
export function parseActivity(item: unknown): ActivityRecord {
  return parseRecord(activityRecord, 'activity', ['phone', 'activityKey'], item);
}
