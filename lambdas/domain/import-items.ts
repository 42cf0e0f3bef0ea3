/**
 * The items of an uploaded file, read into one batch of the import: what the import of an uploaded
 * file hands the batch code for each group of items its Distributed Map's reader parsed
 * (docs/import.md#uploading-into-the-stack, lambdas/services/import-runs.ts). An
 * item is a CSV record keyed by the header (a reader that takes the first row as the header, as the
 * Distributed Map's CSV item reader does) or one JSON Lines value (a Pinpoint endpoint), with its
 * position among the file's items, from 0. Each is read by the same functions as the command's
 * (./import-sources.ts), so both paths read a line alike.
 *
 * Lines: a CSV record's line counts the header as line 1 (index + 2), a JSON Lines value's is
 * index + 1: the command's numbering for files without blank lines.
 *
 * Batches hold consecutive items, up to `IMPORT_BATCH_ROWS`, but Step Functions makes a batch smaller
 * to keep it under 256 KiB (`MaxInputBytesPerBatch`), so a batch is numbered by the position of its
 * first item, from 1 (items 0-99: batch 1; items 100-149: batch 101): the numbers stay unique
 * whatever the sizes, and a batch run again has its number.
 */
import type { ImportBatchRequest } from './import-request';
import {
  readCsvRecord,
  readPinpointEndpoint,
  resolveMapping,
  type ColumnMapping,
  type ImportSource,
  type MappingSpec,
} from './import-sources';

export interface ImportItem {
  /** Position among the file's items, from 0. */
  readonly index: number;
  readonly value: unknown;
}

export type ItemBatch = Pick<ImportBatchRequest, 'batch' | 'rows' | 'dropped'>;

/** The line of the file an item was read from. */
export function lineOfItem(source: ImportSource, index: number): number {
  return source === 'pinpoint' ? index + 1 : index + 2;
}

/** The batch a group of consecutive items forms, numbered by the position of its first. */
export function batchOfItems(
  source: Exclude<ImportSource, 'eum-opt-outs'>,
  spec: MappingSpec | undefined,
  items: readonly ImportItem[],
): ItemBatch {
  const first = Math.min(...items.map((item) => item.index));
  const rows: ImportBatchRequest['rows'] = [];
  const dropped: NonNullable<ImportBatchRequest['dropped']> = [];
  let mapping: ColumnMapping | undefined;
  for (const item of [...items].sort((a, b) => a.index - b.index)) {
    const line = lineOfItem(source, item.index);
    let read;
    if (source === 'pinpoint') read = readPinpointEndpoint(item.value, line);
    else if (!isRecord(item.value))
      read = { kind: 'skipped', line, reason: 'unreadable', message: 'not a CSV record' } as const;
    else {
      // Every record carries the header's names: the mapping is resolved against the first's.
      mapping ??= resolveMapping(Object.keys(item.value), spec!, source !== 'csv');
      read = readCsvRecord(item.value, mapping, line);
    }
    if (read.kind === 'row') rows.push({ ...read.row, properties: { ...read.row.properties } });
    else dropped.push({ line: read.line, reason: read.reason });
  }
  return {
    batch: (Number.isFinite(first) ? first : 0) + 1,
    rows,
    ...(dropped.length ? { dropped } : {}),
  };
}

function isRecord(value: unknown): value is Readonly<Record<string, string | undefined>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === undefined || typeof v === 'string')
  );
}
