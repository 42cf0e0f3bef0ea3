/**
 * The import routes' requests: `POST /v1/imports/{importId}/batches`, one batch of an import (rows
 * already read from the source, numbers as written) as the CLI sends it; `POST /v1/imports`, an
 * upload of a file to import inside the account. Validated by the handler, described by the API
 * description.
 */
import { IMPORT_SOURCES } from './import-sources';
import { printable, storableNumber } from './input-fields';
import * as z from './zod';

/**
 * Rows per batch: the CLI's, and the Distributed Map's `MaxItemsPerBatch` in the import of an
 * uploaded file (statemachines/import.asl.json).
 */
export const IMPORT_BATCH_ROWS = 100;
/**
 * Batches of one import in flight at once: the command's, and the Distributed Map's
 * `MaxConcurrency` (statemachines/import.asl.json). The pace (./import-pace.ts) shares the import's
 * rate among them.
 */
export const IMPORT_BATCHES_AT_ONCE = 4;
/** Lines the reader dropped (not SMS, unreadable) reported with one batch. */
export const MAX_DROPPED_LINES = 1000;

/** `imp-` and 20 hex digits: derived from the input's SHA-256, the source and the options. */
export const IMPORT_ID = /^imp-[0-9a-f]{20}$/;

const line = () => z.int().check(z.minimum(1), z.maximum(1_000_000_000));
const text = (max: number) => z.string().check(z.maxLength(max));

const PropertiesSchema = z
  .record(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z][\w.-]{0,63}$/,
          'property names are letters, digits, _ . - and do not start with $',
        ),
      ),
    z.union([printable(200), storableNumber(), z.boolean()]),
  )
  .check(z.refine((p) => Object.keys(p).length <= 50, 'at most 50 properties'));

export const ImportRowSchema = z.strictObject({
  line: line(),
  phone: text(64),
  consent: z.enum(['opted_in', 'opted_out', 'suppressed', 'none']),
  consentAt: z.optional(z.iso.datetime({ offset: true })),
  consentMethod: z.optional(printable(200)),
  email: z.optional(printable(200)),
  timeZone: z.optional(printable(64)),
  properties: PropertiesSchema,
});

export const ImportBatchSchema = z.strictObject({
  /** Position of the batch in the import (1, 2, 3…): a batch sent again is answered from its record. */
  batch: z.int().check(z.minimum(1), z.maximum(100_000_000)),
  source: z.strictObject({
    system: z.enum(IMPORT_SOURCES),
    fileName: printable(1024),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the input, 64 hex digits')),
  }),
  acceptUndatedConsent: z.optional(z.boolean()),
  /** Decide and report, write nothing. */
  dryRun: z.optional(z.boolean()),
  rows: z.array(ImportRowSchema).check(z.maxLength(IMPORT_BATCH_ROWS)),
  /** Lines the reader dropped since the previous batch, counted in the import's report. */
  dropped: z.optional(
    z
      .array(z.strictObject({ line: line(), reason: z.enum(['not_sms', 'unreadable']) }))
      .check(z.maxLength(MAX_DROPPED_LINES)),
  ),
});

export type ImportBatchRequest = z.output<typeof ImportBatchSchema>;

/** What a file uploaded through `POST /v1/imports` may be: an opt-out list is read from its service. */
export const UPLOAD_SOURCES = ['pinpoint', 'klaviyo', 'attentive', 'postscript', 'csv'] as const;

/**
 * The largest file an upload may be: 1 GiB, about two million Pinpoint endpoints or ten million
 * CSV rows. The presigned POST's `content-length-range` makes S3 refuse a larger one (a presigned
 * POST could allow up to 5 GB); larger exports are split, or imported with the command.
 */
export const IMPORT_UPLOAD_MAX_BYTES = 1024 ** 3;
/** Seconds an upload's presigned POST stays valid. */
export const IMPORT_UPLOAD_SECONDS = 3600;

/**
 * `POST /v1/imports`: the source and the options of an import, as `npx optline import` takes them
 * (`--from`, `--map target=column`…, read by ./import-options.ts); answered with an upload URL.
 */
export const ImportUploadSchema = z.strictObject({
  from: z.enum(UPLOAD_SOURCES),
  /** The file's name, as the consent evidence records it. */
  fileName: printable(255),
  map: z.optional(
    z
      .array(z.string().check(z.regex(/^[^=\p{Cc}]{1,64}=[^\p{Cc}]{1,200}$/u, 'must be target=column')))
      .check(z.maxLength(100)),
  ),
  consentValues: z.optional(printable(1000)),
  noConsentValues: z.optional(printable(1000)),
  optOutValues: z.optional(printable(1000)),
  acceptUndatedConsent: z.optional(z.boolean()),
});

export type ImportUploadRequest = z.output<typeof ImportUploadSchema>;
