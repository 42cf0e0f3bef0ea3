/**
 * Imports a batch of rows: the one import code path, behind `POST /v1/imports/{importId}/batches`,
 * which the CLI calls as it streams a file, and called by the import of an uploaded file for each
 * batch of its Distributed Map (./import-runs.ts). Each row's change goes through the consent
 * recorder (the append stays conditional on its event id, the projection on the profile's version);
 * rows are recorded a few at a time, and each batch is held to its share of `imports.rowsPerSecond`
 * (../domain/import-pace.ts), so an import does not take the tables' throughput from live traffic.
 *
 * A batch is done when its report is stored: a batch sent again (a retry, a resumed import) is
 * answered from that report and writes nothing. A batch with a failed row stores no report, so a
 * re-run tries it again; the rows it did record answer `already_imported` then, by their event ids.
 */
import { isTimeZone } from '../domain/config-values';
import {
  CountryNotAllowedError,
  ImportConflictError,
  InvalidPhoneNumberError,
  NotFoundError,
  ValidationError,
} from '../domain/errors';
import {
  addOutcome,
  emptyReport,
  mergeReports,
  type ImportReport,
  type RowOutcome,
} from '../domain/import-report';
import { IMPORT_ID, type ImportBatchRequest } from '../domain/import-request';
import {
  decideImport,
  importEventId,
  importEventTime,
  importEvidence,
  mergeBatchRows,
  type ImportContext,
  type NormalisedImportRow,
} from '../domain/import-rules';
import { paceDelayMs } from '../domain/import-pace';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import type { Profile } from '../domain/profile';
import type { ImportExecutions, ImportState, ImportStore } from '../domain/stores/imports';
import { recordConsent, refused, refusedTexts, type ConsentRecorderDeps } from './consent-recorder';

export interface ImportDeps extends ConsentRecorderDeps {
  readonly imports: ImportStore;
  readonly phonePolicy: PhonePolicy;
  /** Holds each batch to its share of the import's rate; without it, batches run unpaced. */
  readonly pace?: ImportPace;
}

/** The import's rate (`imports.rowsPerSecond`) and the real time it is kept in. */
export interface ImportPace {
  readonly rowsPerSecond: number;
  /** Real milliseconds from a fixed point (monotonic). */
  now(): number;
  wait(ms: number): Promise<void>;
}

/** Rows recorded at once within a batch. */
const ROWS_AT_ONCE = 8;

export interface BatchResult {
  readonly importId: string;
  readonly batch: number;
  /** Answered from the report of an earlier run: nothing was written now. */
  readonly replayed: boolean;
  readonly dryRun: boolean;
  readonly report: ImportReport;
}

export function checkImportId(importId: string | undefined): string {
  if (!importId || !IMPORT_ID.test(importId))
    throw new ValidationError('importId: must be imp- and 20 hex digits', 'importId');
  return importId;
}

export async function importBatch(
  deps: ImportDeps,
  importId: string,
  request: ImportBatchRequest,
): Promise<BatchResult> {
  const dryRun = request.dryRun ?? false;
  const startedMs = deps.pace?.now() ?? 0;
  const lines = [...request.rows.map((r) => r.line), ...(request.dropped ?? []).map((d) => d.line)];
  const firstLine = lines.length ? Math.min(...lines) : 0;
  const lastLine = lines.length ? Math.max(...lines) : 0;
  const now = deps.clock.now();
  const ctx: ImportContext = {
    importId,
    system: request.source.system,
    fileName: request.source.fileName,
    sha256: request.source.sha256,
    acceptUndatedConsent: request.acceptUndatedConsent ?? false,
    now,
  };

  if (!dryRun) {
    const description = await deps.imports.describe({
      importId,
      system: ctx.system,
      fileName: ctx.fileName,
      sha256: ctx.sha256,
      acceptUndatedConsent: ctx.acceptUndatedConsent,
      createdAt: now.toISOString(),
    });
    if (description.sha256 !== ctx.sha256 || description.system !== ctx.system)
      throw new ImportConflictError(
        `import ${importId} is of ${description.system} input ${description.sha256}; this batch is of another input`,
        'source',
      );
    const done = await deps.imports.getBatch(importId, request.batch);
    if (done) {
      if (done.firstLine !== firstLine || done.lastLine !== lastLine)
        throw new ImportConflictError(
          `batch ${request.batch} of import ${importId} held lines ${done.firstLine}-${done.lastLine}, not ${firstLine}-${lastLine}`,
          'batch',
        );
      return { importId, batch: request.batch, replayed: true, dryRun, report: done.report };
    }
  }

  let report = emptyReport();
  const outcomes: { line: number; outcome: RowOutcome }[] = [];
  for (const dropped of request.dropped ?? [])
    outcomes.push({ line: dropped.line, outcome: { kind: 'skipped', reason: dropped.reason } });

  const normalised: NormalisedImportRow[] = [];
  for (const row of request.rows) {
    try {
      normalised.push({ ...row, e164: normalisePhone(row.phone, deps.phonePolicy).e164 });
    } catch (error) {
      if (error instanceof CountryNotAllowedError)
        outcomes.push({ line: row.line, outcome: { kind: 'skipped', reason: 'country_not_allowed' } });
      else if (error instanceof InvalidPhoneNumberError)
        outcomes.push({ line: row.line, outcome: { kind: 'skipped', reason: 'invalid_number' } });
      else throw error;
    }
  }
  const { kept, duplicates } = mergeBatchRows(normalised);
  for (const row of duplicates)
    outcomes.push({ line: row.line, outcome: { kind: 'skipped', reason: 'duplicate' } });

  for (let i = 0; i < kept.length; i += ROWS_AT_ONCE) {
    const slice = kept.slice(i, i + ROWS_AT_ONCE);
    const results = await Promise.all(
      slice.map((row) => (dryRun ? decideRow(deps, row, ctx) : recordRow(deps, row, ctx))),
    );
    slice.forEach((row, j) => outcomes.push({ line: row.line, outcome: results[j]! }));
  }

  outcomes.sort((a, b) => a.line - b.line);
  for (const { line, outcome } of outcomes) report = addOutcome(report, line, outcome);

  if (dryRun || report.failed.count > 0)
    return { importId, batch: request.batch, replayed: false, dryRun, report };
  // Every row that reached the recorder wrote (or tried to): the batch takes its share of the pace.
  if (deps.pace && kept.length > 0) {
    const delay = paceDelayMs(kept.length, deps.pace.now() - startedMs, deps.pace.rowsPerSecond);
    if (delay > 0) await deps.pace.wait(delay);
  }
  const stored = await deps.imports.putBatch({
    importId,
    batch: request.batch,
    firstLine,
    lastLine,
    report,
    doneAt: deps.clock.now().toISOString(),
  });
  // A concurrent retry of the same batch stored its report first: that one counts.
  return {
    importId,
    batch: request.batch,
    replayed: stored.report !== report,
    dryRun,
    report: stored.report,
  };
}

/** Records one row's change through the consent recorder and says what became of it. */
async function recordRow(
  deps: ImportDeps,
  row: NormalisedImportRow,
  ctx: ImportContext,
): Promise<RowOutcome> {
  let before: Profile | undefined;
  try {
    const outcome = await recordConsent(
      deps,
      {
        phone: row.e164,
        at: importEventTime(row, ctx),
        eventId: importEventId(ctx.importId, row.line),
        evidence: importEvidence(row, ctx),
        ...(row.timeZone && isTimeZone(row.timeZone) ? { timeZone: row.timeZone } : {}),
      },
      (profile) => {
        before = profile;
        return decideImport(profile, row, ctx);
      },
    );
    if (outcome.status === 'not_consent') {
      const decision = outcome.decision;
      return decision.kind === 'skipped' ? decision : { kind: 'failed', error: 'unexpected decision' };
    }
    if (outcome.replayed) return { kind: 'already_imported' };
    return outcomeOf(outcome.event.action, before);
  } catch (error) {
    return { kind: 'failed', error: error instanceof Error ? error.name : String(error) };
  }
}

/** What the row would do, without writing: the same rules on the profile and log as they stand. */
async function decideRow(
  deps: ImportDeps,
  row: NormalisedImportRow,
  ctx: ImportContext,
): Promise<RowOutcome> {
  const eventId = importEventId(ctx.importId, row.line);
  if ((await deps.consentLog.list(row.e164)).some((entry) => entry.eventId === eventId))
    return { kind: 'already_imported' };
  const profile = await deps.profiles.get(row.e164);
  const decision = decideImport(profile, row, ctx);
  return decision.kind === 'skipped' ? decision : outcomeOf(decision.action, profile);
}

function outcomeOf(action: string, before: Profile | undefined): RowOutcome {
  if (action === 'opted_out') return { kind: 'opted_out' };
  if (action === 'suppressed') return { kind: 'suppressed' };
  return before ? { kind: 'updated' } : { kind: 'created' };
}

export interface ImportStatus {
  readonly importId: string;
  /** Through the command's batches, or by an upload the account imports. */
  readonly via: 'command' | 'upload';
  /**
   * An import by upload: `uploaded` (its file not read yet), `running`, `succeeded` or `failed`.
   * The command's imports have none (the command reports its own progress).
   */
  readonly state?: ImportState;
  /** Why an import by upload failed. */
  readonly error?: { readonly error: string; readonly cause: string };
  /** `sha256` is null until the uploaded file is read. */
  readonly source: { readonly system: string; readonly fileName: string; readonly sha256: string | null };
  readonly acceptUndatedConsent: boolean;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Batches done, and the last line they reached. */
  readonly batches: number;
  readonly lastLine: number;
  readonly report: ImportReport;
}

export interface ImportStatusDeps {
  readonly imports: ImportStore;
  /** The import state machine's executions; without it, the state is the record's alone. */
  readonly executions?: ImportExecutions;
}

/**
 * An import's description, its state when it is an import by upload, and the sum of its finished
 * batches' reports. The state is the one its steps recorded; while that says the file is not read
 * yet or is running, the execution (when there is one) says whether it stopped without recording it
 * (a step that could not record its failure, an execution stopped by hand).
 */
export async function importStatus(deps: ImportStatusDeps, importId: string): Promise<ImportStatus> {
  const [description, upload, run] = await Promise.all([
    deps.imports.getDescription(importId),
    deps.imports.getUpload(importId),
    deps.imports.getRun(importId),
  ]);
  if (!description && !upload) throw new NotFoundError(`no import ${importId}`, 'importId');
  const batches = await deps.imports.listBatches(importId);
  const source = description
    ? { system: description.system, fileName: description.fileName, sha256: description.sha256 }
    : { system: upload!.request.from, fileName: upload!.request.fileName, sha256: null };
  let state: ImportState | undefined;
  let error = run?.error;
  if (upload) {
    state = run?.state ?? 'uploaded';
    if (state === 'uploaded' || state === 'running') {
      const execution = await deps.executions?.describe(importId);
      if (execution?.status === 'RUNNING') state = 'running';
      else if (execution && execution.status !== 'SUCCEEDED') {
        state = 'failed';
        error = { error: execution.error ?? execution.status, cause: execution.cause ?? '' };
      }
    }
  }
  return {
    importId,
    via: upload ? 'upload' : 'command',
    ...(state ? { state } : {}),
    ...(state === 'failed' && error ? { error } : {}),
    source,
    acceptUndatedConsent: description?.acceptUndatedConsent ?? upload?.request.acceptUndatedConsent ?? false,
    createdAt: upload?.createdAt ?? description!.createdAt,
    ...(run?.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run?.finishedAt ? { finishedAt: run.finishedAt } : {}),
    batches: batches.length,
    lastLine: Math.max(0, ...batches.map((b) => b.lastLine)),
    report: batches.reduce((total, b) => mergeReports(total, b.report), emptyReport()),
  };
}

/**
 * The recorder's means of texting and publishing, for an import: it decides no texts and no bus
 * events, so any call is a bug, refused here (and in AWS the function has no permission for either).
 */
export function refusedEffects(): Pick<ConsentRecorderDeps, 'gateway' | 'messages' | 'events'> {
  return { ...refusedTexts('an import'), events: refused('an import never publishes events') };
}
