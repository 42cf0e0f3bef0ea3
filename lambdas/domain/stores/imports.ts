/**
 * The imports store: each import's description and the report of each finished batch.
 * Implemented by lambdas/adapters/import-store.ts.
 */
import type { ImportReport } from '../import-report';
import type { ImportUploadRequest } from '../import-request';

export interface ImportDescription {
  readonly importId: string;
  readonly system: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly acceptUndatedConsent: boolean;
  readonly createdAt: string;
}

export interface BatchRecord {
  readonly importId: string;
  readonly batch: number;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly report: ImportReport;
  readonly doneAt: string;
}

/** An import by upload (`POST /v1/imports`): what the file is and how to read it, before it arrives. */
export interface UploadRecord {
  readonly importId: string;
  /** SHA-256 of the request's `Idempotency-Key`: the same key is the same upload. */
  readonly keyHash: string;
  readonly request: ImportUploadRequest;
  /** The object the file is uploaded to. */
  readonly objectKey: string;
  readonly createdAt: string;
}

/** Where an import by upload stands: its file not yet read, being imported, done, or stopped by an error. */
export type ImportState = 'uploaded' | 'running' | 'succeeded' | 'failed';

/**
 * The run of an import by upload (its state machine's steps write it): the file's SHA-256, how its
 * items are read, and the state it reached. Absent until the upload's file arrives.
 */
export interface RunRecord {
  readonly importId: string;
  readonly state: Exclude<ImportState, 'uploaded'>;
  /** Absent when the run failed before the file was read. */
  readonly sha256?: string;
  /** The item reader: CSV records (header first) or JSON Lines. */
  readonly reader?: 'csv' | 'jsonl';
  /** The object the items are read from: the upload, or its gunzipped copy. */
  readonly itemsKey?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Why it failed: the Step Functions error name and its cause. */
  readonly error?: { readonly error: string; readonly cause: string };
}

/** An import's execution as Step Functions reports it. */
export interface ImportExecution {
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  readonly error?: string;
  readonly cause?: string;
}

/** The executions of the import state machine, by import id (the execution's name). */
export interface ImportExecutions {
  describe(importId: string): Promise<ImportExecution | undefined>;
}

export interface ImportStore {
  /** Stores the upload unless one with its import id exists; answers the stored one. */
  registerUpload(upload: UploadRecord): Promise<UploadRecord>;
  getUpload(importId: string): Promise<UploadRecord | undefined>;
  /** Stores the description unless one exists; answers the stored one. */
  describe(description: ImportDescription): Promise<ImportDescription>;
  getDescription(importId: string): Promise<ImportDescription | undefined>;
  getBatch(importId: string, batch: number): Promise<BatchRecord | undefined>;
  /** Puts the batch's record unless one exists (a concurrent retry of the same batch); answers the stored one. */
  putBatch(record: BatchRecord): Promise<BatchRecord>;
  /** Every finished batch of the import, in order. */
  listBatches(importId: string): Promise<BatchRecord[]>;
  /** Stores the run's state (each step replaces the one before). */
  putRun(run: RunRecord): Promise<void>;
  getRun(importId: string): Promise<RunRecord | undefined>;
}
