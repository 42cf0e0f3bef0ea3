/**
 * The pace of an import (docs/import.md#pacing): `imports.rowsPerSecond` is the import's rate over
 * all its batches in flight (`IMPORT_BATCHES_AT_ONCE`, the command's and the Distributed Map's), so
 * each batch is held to its share: a batch that recorded `rows` rows takes at least
 * rows × batches-at-once / rate seconds. Rows a batch skipped write nothing and are not counted.
 */
import { IMPORT_BATCHES_AT_ONCE } from './import-request';

/** Milliseconds a batch that recorded `rows` rows in `elapsedMs` waits before it is done. */
export function paceDelayMs(rows: number, elapsedMs: number, rowsPerSecond: number): number {
  const minimumMs = (rows * 1000 * IMPORT_BATCHES_AT_ONCE) / rowsPerSecond;
  return Math.max(0, Math.ceil(minimumMs - elapsedMs));
}
