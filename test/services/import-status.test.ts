/**
 * The state of an import (`GET /v1/imports/{importId}`): the one its steps recorded, and, while that
 * says uploaded or running, the execution's when it stopped without recording it.
 */
import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../lambdas/domain/import-report';
import type {
  BatchRecord,
  ImportDescription,
  ImportExecution,
  ImportStore,
  RunRecord,
  UploadRecord,
} from '../../lambdas/domain/stores/imports';
import { importStatus } from '../../lambdas/services/imports';

const ID = 'imp-0123456789abcdef0123';
const UPLOAD: UploadRecord = {
  importId: ID,
  keyHash: 'k',
  request: { from: 'klaviyo', fileName: 'profiles.csv' },
  objectKey: `uploads/${ID}`,
  createdAt: '2026-11-10T23:00:00.000Z',
};
const DESCRIPTION: ImportDescription = {
  importId: ID,
  system: 'klaviyo',
  fileName: 'profiles.csv',
  sha256: 'a'.repeat(64),
  acceptUndatedConsent: false,
  createdAt: '2026-11-10T23:01:00.000Z',
};

/** The records an import may have, read as the store answers them. */
function store(records: {
  upload?: UploadRecord;
  description?: ImportDescription;
  run?: RunRecord;
  batches?: BatchRecord[];
}): ImportStore {
  const refused = () => Promise.reject(new Error('not read by importStatus'));
  return {
    registerUpload: refused,
    describe: refused,
    getBatch: refused,
    putBatch: refused,
    putRun: refused,
    getUpload: () => Promise.resolve(records.upload),
    getDescription: () => Promise.resolve(records.description),
    getRun: () => Promise.resolve(records.run),
    listBatches: () => Promise.resolve(records.batches ?? []),
  };
}
const executions = (execution: ImportExecution | undefined) => ({
  describe: () => Promise.resolve(execution),
});

describe('the state of an import', () => {
  it('answers an upload whose file has not arrived as uploaded, with no SHA-256 yet', async () => {
    const status = await importStatus(
      { imports: store({ upload: UPLOAD }), executions: executions(undefined) },
      ID,
    );
    expect(status).toMatchObject({
      via: 'upload',
      state: 'uploaded',
      source: { system: 'klaviyo', fileName: 'profiles.csv', sha256: null },
      batches: 0,
      report: emptyReport(),
    });
  });

  it('answers running once the execution runs, before the first step recorded it', async () => {
    const status = await importStatus(
      { imports: store({ upload: UPLOAD }), executions: executions({ status: 'RUNNING' }) },
      ID,
    );
    expect(status.state).toBe('running');
  });

  it('answers the recorded state, and the time it began and ended', async () => {
    const run: RunRecord = {
      importId: ID,
      state: 'succeeded',
      sha256: DESCRIPTION.sha256,
      reader: 'csv',
      itemsKey: `uploads/${ID}`,
      startedAt: '2026-11-10T23:01:00.000Z',
      finishedAt: '2026-11-10T23:02:00.000Z',
    };
    const status = await importStatus(
      {
        imports: store({ upload: UPLOAD, description: DESCRIPTION, run }),
        executions: executions({ status: 'FAILED' }),
      },
      ID,
    );
    expect(status).toMatchObject({
      state: 'succeeded',
      source: { sha256: DESCRIPTION.sha256 },
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    });
    expect(status.error).toBeUndefined();
  });

  it('answers failed, with the execution’s error, when it stopped while the record says running', async () => {
    const run: RunRecord = { importId: ID, state: 'running', startedAt: '2026-11-10T23:01:00.000Z' };
    const status = await importStatus(
      {
        imports: store({ upload: UPLOAD, description: DESCRIPTION, run }),
        executions: executions({ status: 'ABORTED', error: 'Stopped', cause: 'stopped by an operator' }),
      },
      ID,
    );
    expect(status).toMatchObject({
      state: 'failed',
      error: { error: 'Stopped', cause: 'stopped by an operator' },
    });
  });

  it('gives an import through the command no state', async () => {
    const status = await importStatus({ imports: store({ description: DESCRIPTION }) }, ID);
    expect(status.via).toBe('command');
    expect(status.state).toBeUndefined();
  });

  it('answers 404 for an import it does not know', async () => {
    await expect(importStatus({ imports: store({}) }, ID)).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
