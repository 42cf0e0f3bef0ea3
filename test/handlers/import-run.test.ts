/**
 * The import of an uploaded file on the local runtime: a file uploaded with the form of
 * `POST /v1/imports` starts the import state machine (S3 → the import starter → an execution named
 * by the import id), whose Distributed Map the local Step Functions runs batch by batch through the
 * same handlers as in AWS. The outcome is the command's: the same report, profiles and evidence;
 * `GET /v1/imports/{importId}` follows the import from uploaded to succeeded (or failed); and a
 * campaign then reaches exactly the subscribers the files consented.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoImportStore } from '../../lambdas/adapters/import-store';
import type { ImportReport } from '../../lambdas/domain/import-report';
import { KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime';

const START = new Date('2026-11-10T23:00:00Z');
const FIXTURES = join(__dirname, '../fixtures/import');

interface UploadAnswer {
  importId: string;
  fileName: string;
  upload: { url: string; fields: Record<string, string> };
}
interface StatusView {
  via: string;
  state?: string;
  error?: { error: string; cause: string };
  startedAt?: string;
  finishedAt?: string;
  report: ImportReport;
  source: { system: string; fileName: string; sha256: string | null };
}

describe('the import of an uploaded file', () => {
  let runtime: TestRuntime;
  let s3: S3Client;

  const requestUpload = async (body: unknown, key: string) => {
    const response = await fetch(`${runtime.url}/v1/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return (await response.json()) as UploadAnswer;
  };
  const upload = async (answer: UploadAnswer, file: Buffer) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(answer.upload.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(file)]), answer.fileName);
    const status = (await fetch(answer.upload.url, { method: 'POST', body: form })).status;
    expect(status).toBe(204);
    await runtime.settle();
  };
  const executionsOf = (importId: string) =>
    [...runtime.stepFunctions.executions.values()].filter((e) => e.name === importId);
  const profile = (phone: string) => runtime.get(`/v1/profiles/${encodeURIComponent(phone)}`);
  const consentLog = async (phone: string) =>
    (
      await runtime.get<{ events: { action: string; evidence: Record<string, unknown> }[] }>(
        `/v1/profiles/${encodeURIComponent(phone)}/consent-log`,
      )
    ).body.events;
  const run = (importId: string) => new DynamoImportStore(runtime.dynamo.tableNames.imports).getRun(importId);

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: START, config: KEYWORDS_ONLY });
    s3 = new S3Client({
      endpoint: runtime.s3.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    s3?.destroy();
    await runtime?.stop();
  });

  describe('a Klaviyo CSV', () => {
    const file = readFileSync(join(FIXTURES, 'klaviyo-profiles.csv'));
    let answer: UploadAnswer;

    let beforeFile: { status: number; body: StatusView };

    beforeAll(async () => {
      answer = await requestUpload({ from: 'klaviyo', fileName: 'klaviyo-profiles.csv' }, 'run-klaviyo-0001');
      beforeFile = await runtime.get<StatusView>(`/v1/imports/${answer.importId}`);
      await upload(answer, file);
    });

    it('answers the import as uploaded before its file arrives', () => {
      expect(beforeFile.status).toBe(200);
      expect(beforeFile.body).toMatchObject({
        via: 'upload',
        state: 'uploaded',
        source: { system: 'klaviyo', fileName: 'klaviyo-profiles.csv', sha256: null },
        report: { rows: 0 },
      });
    });

    it('runs one execution, named by the import id, to success', async () => {
      const executions = executionsOf(answer.importId);
      expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
      expect(executions[0]!.tasks.map((t) => t.state)).toEqual([
        'PrepareImportTask',
        'ImportCsvBatchTask',
        'WriteReportTask',
      ]);
      expect(await run(answer.importId)).toMatchObject({
        state: 'succeeded',
        reader: 'csv',
        itemsKey: `uploads/${answer.importId}`,
        sha256: createHash('sha256').update(file).digest('hex'),
      });
    });

    it('reports what the command reports for the same file, and imports as its rules say', async () => {
      const { status, body } = await runtime.get<StatusView>(`/v1/imports/${answer.importId}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        via: 'upload',
        state: 'succeeded',
        source: { sha256: createHash('sha256').update(file).digest('hex') },
      });
      expect(Date.parse(body.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(body.startedAt!));
      expect(body.report).toMatchObject({ rows: 4, created: 1, optedOut: 1, failed: { count: 0 } });
      expect(body.report.skipped).toEqual({
        no_consent: { count: 1, lines: [4] },
        undated_consent: { count: 1, lines: [5] },
      });
      expect((await profile('+12065550111')).body).toMatchObject({
        marketing: 'subscribed',
        properties: { first_name: 'Ada', email: 'ada@example.com' },
      });
      expect((await profile('+12065550112')).body).toMatchObject({ optedOut: true });
      expect((await profile('+12065550113')).status).toBe(404);
    });

    it('cites the uploaded file by name, SHA-256 and line in the evidence', async () => {
      const [entry] = await consentLog('+12065550111');
      expect(entry?.evidence).toMatchObject({
        method: 'import',
        import: {
          system: 'klaviyo',
          importId: answer.importId,
          fileName: 'klaviyo-profiles.csv',
          sha256: createHash('sha256').update(file).digest('hex'),
          line: 2,
        },
      });
    });

    it("writes the Distributed Map's results back to the bucket", async () => {
      const listed = await s3.send(
        new ListObjectsV2Command({
          Bucket: runtime.bucketNames.imports,
          Prefix: `results/${answer.importId}/`,
        }),
      );
      const keys = (listed.Contents ?? []).map((o) => o.Key);
      expect(keys.some((k) => k?.endsWith('/manifest.json'))).toBe(true);
      expect(keys.some((k) => k?.endsWith('/SUCCEEDED_0.json'))).toBe(true);
    });

    it('changes nothing and starts nothing when the same file is uploaded again', async () => {
      const before = await consentLog('+12065550111');
      const again = await requestUpload(
        { from: 'klaviyo', fileName: 'klaviyo-profiles.csv' },
        'run-klaviyo-0001',
      );
      await upload(again, file);
      expect(executionsOf(answer.importId)).toHaveLength(1);
      expect(await consentLog('+12065550111')).toEqual(before);
    });
  });

  describe('a gzipped Pinpoint export', () => {
    const file = gzipSync(readFileSync(join(FIXTURES, 'pinpoint-export.jsonl')));
    let answer: UploadAnswer;

    beforeAll(async () => {
      answer = await requestUpload(
        { from: 'pinpoint', fileName: 'export.jsonl.gz', acceptUndatedConsent: true },
        'run-pinpoint-0001',
      );
      await upload(answer, file);
    });

    it('reads the gunzipped copy as JSON Lines, citing the file as uploaded', async () => {
      expect(await run(answer.importId)).toMatchObject({
        state: 'succeeded',
        reader: 'jsonl',
        itemsKey: `expanded/${answer.importId}`,
        sha256: createHash('sha256').update(file).digest('hex'),
      });
      const expanded = await s3.send(
        new GetObjectCommand({ Bucket: runtime.bucketNames.imports, Key: `expanded/${answer.importId}` }),
      );
      expect(await expanded.Body!.transformToString()).toBe(
        readFileSync(join(FIXTURES, 'pinpoint-export.jsonl'), 'utf8'),
      );
    });

    it('counts every row once, as the command does', async () => {
      const { body } = await runtime.get<StatusView>(`/v1/imports/${answer.importId}`);
      expect(body.report).toMatchObject({ rows: 8, created: 1, optedOut: 2, suppressed: 1 });
      expect(body.report.skipped).toEqual({
        duplicate: { count: 1, lines: [1] },
        not_sms: { count: 2, lines: [4, 7] },
        invalid_number: { count: 1, lines: [5] },
      });
      expect((await profile('+12065550106')).body).toMatchObject({
        marketing: 'subscribed',
        properties: { $consentUndated: true, $source: 'import:pinpoint' },
      });
      expect((await profile('+12065550101')).body).toMatchObject({ optedOut: true });
    });
  });

  describe('a file that cannot be read as its options say', () => {
    let answer: UploadAnswer;

    beforeAll(async () => {
      answer = await requestUpload(
        { from: 'csv', fileName: 'mapped.csv', map: ['phone=Mobile'] },
        'run-unmapped-0001',
      );
      await upload(answer, readFileSync(join(FIXTURES, 'mapped.csv')));
    });

    it('fails the import and records why', async () => {
      expect(executionsOf(answer.importId).map((e) => e.status)).toEqual(['FAILED']);
      const failed = await run(answer.importId);
      expect(failed).toMatchObject({
        state: 'failed',
        error: { error: 'States.ExceedToleratedFailureThreshold' },
      });
      expect(failed?.error?.cause).toMatch(/Mobile/);
      const { body } = await runtime.get<StatusView>(`/v1/imports/${answer.importId}`);
      expect(body).toMatchObject({
        state: 'failed',
        error: { error: 'States.ExceedToleratedFailureThreshold' },
      });
      expect(body.report.rows).toBe(0);
    });
  });

  it('the imports texted no one', () => {
    expect(runtime.sms.outbox).toEqual([]);
  });

  it('a campaign to every subscriber reaches exactly the imported subscribers', async () => {
    const created = await runtime.post<{ campaignId: string }>('/v1/campaigns', {
      name: 'Imported',
      body: 'Acme: the winter roast is in',
      segment: { all: true },
      sendAt: runtime.clock.now().toISOString(),
      smartSending: false,
    });
    expect(created.status).toBe(201);
    runtime.clock.advance(2 * 60_000);
    await waitFor(
      async () =>
        (await runtime.get<{ state: string }>(`/v1/campaigns/${created.body.campaignId}`)).body.state ===
        'dispatched',
      20_000,
      'the campaign dispatched',
    );
    await runtime.settle();
    // Klaviyo's dated consent and Pinpoint's undated one (accepted); every opt-out, suppression,
    // undated or missing consent of either file is left out.
    expect(runtime.sms.outbox.map((m) => m.to).sort()).toEqual(['+12065550106', '+12065550111']);
  });

  describe('a CSV too wide for 100 rows to a batch', () => {
    const columns = Array.from({ length: 20 }, (_, i) => `note${i}`);
    const rows = Array.from({ length: 150 }, (_, i) =>
      [
        `+1206555${9000 + i}`,
        'yes',
        '2025-04-02T10:00:00Z',
        ...columns.map((c) => `${c}-${'x'.repeat(180)}`),
      ].join(','),
    );
    const file = Buffer.from([['Phone', 'Consent', 'At', ...columns].join(','), ...rows, ''].join('\n'));
    let answer: UploadAnswer;

    beforeAll(async () => {
      answer = await requestUpload(
        {
          from: 'csv',
          fileName: 'wide.csv',
          map: ['phone=Phone', 'consent=Consent', 'consentAt=At', ...columns.map((c) => `${c}=${c}`)],
        },
        'run-wide-0001',
      );
      await upload(answer, file);
    });

    it('imports every row once, in the smaller batches Step Functions makes under 256 KiB', async () => {
      const { body } = await runtime.get<StatusView & { batches: number }>(`/v1/imports/${answer.importId}`);
      expect(body).toMatchObject({ state: 'succeeded', report: { rows: 150, created: 150 } });
      expect(body.batches).toBeGreaterThan(2);
      const batchTasks = executionsOf(answer.importId)[0]!.tasks.filter(
        (t) => t.state === 'ImportCsvBatchTask',
      );
      expect(batchTasks).toHaveLength(body.batches);
    });
  });
});
