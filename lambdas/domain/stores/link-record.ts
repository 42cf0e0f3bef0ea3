/**
 * Short links as the links table holds them (LinkRecord in ./link.ts), parsed on every read. Loose
 * at every level; the type checks hold the schema to the interface.
 */
import * as z from '../zod';
import type { LinkRecord } from './link';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();
const optionalText = z.optional(text);

const linkFields = {
  code: text,
  url: text,
  phone: text,
  messageId: text,
  campaignId: optionalText,
  flowId: optionalText,
  flowBranches: z.optional(z.record(z.string(), z.string())),
  createdAt: text,
  expiresAt: z.number(),
  clicks: z.optional(z.number()),
};

const linkRecord = z.looseObject(linkFields);

const everyFieldNamed: EveryFieldNamed<LinkRecord, typeof linkFields> = true;
const givesLink = (record: z.output<typeof linkRecord>): LinkRecord => record;
void everyFieldNamed;
void givesLink;

/** A link item read from the table. */
export function parseLink(item: unknown): LinkRecord {
  return parseRecord(linkRecord, 'link', ['code'], item);
}
