/**
 * An import by upload as the imports table holds it (`#upload`, UploadRecord in ./imports.ts),
 * parsed on every read: the import of the file reads its source and options from it. Loose at every
 * level; the type checks hold the schema to the interface.
 */
import { UPLOAD_SOURCES } from '../import-request';
import * as z from '../zod';
import type { UploadRecord } from './imports';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();

const requestFields = {
  from: z.enum(UPLOAD_SOURCES),
  fileName: text,
  map: z.optional(z.array(text)),
  consentValues: z.optional(text),
  noConsentValues: z.optional(text),
  optOutValues: z.optional(text),
  acceptUndatedConsent: z.optional(z.boolean()),
};

const uploadFields = {
  importId: text,
  keyHash: text,
  request: z.looseObject(requestFields),
  objectKey: text,
  createdAt: text,
};

const uploadRecord = z.looseObject(uploadFields);

const everyFieldNamed: EveryFieldNamed<UploadRecord, typeof uploadFields> = true;
const everyRequestFieldNamed: EveryFieldNamed<UploadRecord['request'], typeof requestFields> = true;
const givesUpload = (record: z.output<typeof uploadRecord>): UploadRecord => record;
void everyFieldNamed;
void everyRequestFieldNamed;
void givesUpload;

/** An upload item read from the table. */
export function parseUpload(item: unknown): UploadRecord {
  return parseRecord(uploadRecord, 'import upload', ['importId', 'itemKey'], item);
}
