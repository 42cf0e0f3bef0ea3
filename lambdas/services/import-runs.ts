/**
 * The import of an uploaded file, step by step, as the import state machine runs it
 * (statemachines/import.asl.json, docs/import.md#uploading-into-the-stack):
 * 1. `prepareImport`: the file's SHA-256 (the evidence cites it), its reader (JSON Lines for a
 *    Pinpoint export, CSV otherwise), a gunzipped copy when it is gzip (the Distributed Map's item
 *    reader reads objects as stored), the import's description, and the run recorded as running;
 * 2. `importItems`, for each batch (up to 100 items) the Distributed Map hands over: read into rows by
 *    the command's own readers (`batchOfItems`) and imported by the batch route's code
 *    (`importBatch`), so both paths apply the same rules and resume alike;
 * 3. `finishImport` records the run as succeeded with the sum of the batches' reports, or
 *    `failImport` as failed with the error.
 */
import { EXPANDED_PREFIX, RESULTS_PREFIX } from '../../lib/catalog';
import type { Clock } from '../domain/clock';
import { ImportConflictError, NotFoundError } from '../domain/errors';
import { batchOfItems, type ImportItem } from '../domain/import-items';
import { mappingOf } from '../domain/import-options';
import type { ImportReport } from '../domain/import-report';
import { ImportRowSchema, type ImportBatchRequest, type ImportUploadRequest } from '../domain/import-request';
import type { UploadedFiles } from '../domain/ports/uploaded-files';
import type { ImportStore, RunRecord } from '../domain/stores/imports';
import { importBatch, importStatus, type ImportDeps } from './imports';

export interface PrepareDeps {
  readonly clock: Clock;
  readonly imports: ImportStore;
  readonly files: UploadedFiles;
}

/** What every batch of the run is given (the Distributed Map's `BatchInput`). */
export interface RunBatchInput {
  readonly importId: string;
  readonly sha256: string;
  readonly request: ImportUploadRequest;
}

export interface PreparedImport {
  readonly importId: string;
  /** The item reader's `InputType`. */
  readonly reader: 'CSV' | 'JSONL';
  readonly bucket: string;
  /** The object the items are read from. */
  readonly itemsKey: string;
  /** Where the Distributed Map writes its results. */
  readonly resultsPrefix: string;
  readonly batchInput: RunBatchInput;
}

/** A batch whose rows could not all be written: the Distributed Map retries it, then fails. */
export class ImportBatchFailedError extends Error {
  override readonly name = 'ImportBatchFailedError';
}

export async function prepareImport(
  deps: PrepareDeps,
  input: { readonly importId: string; readonly bucket: string; readonly key: string },
): Promise<PreparedImport> {
  const { importId } = input;
  const upload = await deps.imports.getUpload(importId);
  if (!upload) throw new NotFoundError(`no upload ${importId}`, 'importId');
  const expandedKey = `${EXPANDED_PREFIX}${importId}`;
  const file = await deps.files.inspect(input.key, expandedKey);
  const now = deps.clock.now().toISOString();
  const { request } = upload;
  const description = await deps.imports.describe({
    importId,
    system: request.from,
    fileName: request.fileName,
    sha256: file.sha256,
    acceptUndatedConsent: request.acceptUndatedConsent ?? false,
    createdAt: now,
  });
  // The evidence already cites another file under this import: importing this one would mix them.
  if (description.sha256 !== file.sha256)
    throw new ImportConflictError(
      `import ${importId} was of a file with SHA-256 ${description.sha256}; this upload is another file`,
      'importId',
    );
  const reader = request.from === 'pinpoint' ? 'JSONL' : 'CSV';
  const itemsKey = file.gzip ? expandedKey : input.key;
  await deps.imports.putRun({
    importId,
    state: 'running',
    sha256: file.sha256,
    reader: reader === 'CSV' ? 'csv' : 'jsonl',
    itemsKey,
    startedAt: now,
  });
  return {
    importId,
    reader,
    bucket: input.bucket,
    itemsKey,
    resultsPrefix: `${RESULTS_PREFIX}${importId}`,
    batchInput: { importId, sha256: file.sha256, request },
  };
}

export interface ItemsResult {
  readonly batch: number;
  readonly replayed: boolean;
  readonly rows: number;
}

/** One batch of the Distributed Map: its items read into rows and imported. */
export async function importItems(
  deps: ImportDeps,
  event: { readonly Items: readonly ImportItem[]; readonly BatchInput: RunBatchInput },
): Promise<ItemsResult> {
  const { importId, sha256, request } = event.BatchInput;
  const read = batchOfItems(request.from, mappingOf(request.from, request), event.Items);
  // A row the batch route would refuse (a value too long, too many properties) is reported as
  // unreadable with its line, as the reader reports a line it cannot read.
  const rows: ImportBatchRequest['rows'] = [];
  const dropped = [...(read.dropped ?? [])];
  for (const row of read.rows) {
    if (ImportRowSchema.safeParse(row).success) rows.push(row);
    else dropped.push({ line: row.line, reason: 'unreadable' });
  }
  const result = await importBatch(deps, importId, {
    batch: read.batch,
    source: { system: request.from, fileName: request.fileName, sha256 },
    acceptUndatedConsent: request.acceptUndatedConsent ?? false,
    rows,
    ...(dropped.length ? { dropped } : {}),
  });
  if (result.report.failed.count > 0)
    throw new ImportBatchFailedError(
      `batch ${read.batch}: ${result.report.failed.count} rows not written (lines ${result.report.failed.lines
        .map((l) => `${l.line} ${l.error}`)
        .join(', ')})`,
    );
  return { batch: read.batch, replayed: result.replayed, rows: result.report.rows };
}

export interface FinishedImport {
  readonly importId: string;
  readonly state: RunRecord['state'];
  readonly report: Pick<ImportReport, 'rows' | 'created' | 'updated' | 'optedOut' | 'suppressed'>;
}

/** Records the run as succeeded, with the sum of its batches' reports. */
export async function finishImport(
  deps: Pick<ImportDeps, 'imports' | 'clock'>,
  input: { readonly importId: string },
): Promise<FinishedImport> {
  const run = await deps.imports.getRun(input.importId);
  if (!run) throw new NotFoundError(`no run of import ${input.importId}`, 'importId');
  const { report } = await importStatus(deps, input.importId);
  await deps.imports.putRun({ ...run, state: 'succeeded', finishedAt: deps.clock.now().toISOString() });
  const { rows, created, updated, optedOut, suppressed } = report;
  return {
    importId: input.importId,
    state: 'succeeded',
    report: { rows, created, updated, optedOut, suppressed },
  };
}

/** Records the run as failed with the step's error (a run that failed before it began is recorded too). */
export async function failImport(
  deps: Pick<ImportDeps, 'imports' | 'clock'>,
  input: { readonly importId: string; readonly error: string; readonly cause: string },
): Promise<{ readonly importId: string; readonly state: 'failed' }> {
  const now = deps.clock.now().toISOString();
  const run = await deps.imports.getRun(input.importId);
  await deps.imports.putRun({
    ...(run ?? { importId: input.importId, startedAt: now }),
    state: 'failed',
    finishedAt: now,
    // A cause can be long (a stack); the record keeps what explains it.
    error: { error: input.error.slice(0, 256), cause: input.cause.slice(0, 2048) },
  });
  return { importId: input.importId, state: 'failed' };
}
