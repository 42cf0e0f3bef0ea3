/**
 * `POST /v1/imports` on the local runtime: the import id and a presigned POST into the import
 * bucket, signed by the imports function (whose policy in the template lets it PutObject under
 * `uploads/` and nothing else); the `Idempotency-Key` is the upload.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_UPLOAD_MAX_BYTES } from '../../lambdas/domain/import-request';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

interface UploadAnswer {
  importId: string;
  from: string;
  fileName: string;
  upload: {
    method: string;
    url: string;
    fields: Record<string, string>;
    maxBytes: number;
    expiresAt: string;
  };
}
interface ErrorAnswer {
  error: { code: string; message: string; field?: string };
}

const CSV = 'Phone Number,SMS Consent,SMS Consent Timestamp\n+12065550140,SUBSCRIBED,2025-04-02T10:00:00Z\n';

describe('POST /v1/imports', () => {
  let runtime: TestRuntime;
  const request = async <T>(body: unknown, key?: string) => {
    const response = await fetch(`${runtime.url}/v1/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const upload = async (answer: UploadAnswer, file: string) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(answer.upload.fields)) form.append(name, value);
    form.append('file', new Blob([file]), answer.fileName);
    return (await fetch(answer.upload.url, { method: 'POST', body: form })).status;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers an import id and a form that uploads the file into the import bucket', async () => {
    const { status, body } = await request<UploadAnswer>(
      { from: 'klaviyo', fileName: 'profiles.csv', map: ['first_name=First Name'] },
      'upload-klaviyo-0001',
    );
    expect(status).toBe(201);
    expect(body.importId).toMatch(/^imp-[0-9a-f]{20}$/);
    expect(body.upload).toMatchObject({
      method: 'POST',
      url: `${runtime.s3.url}/${runtime.bucketNames.imports}`,
      maxBytes: IMPORT_UPLOAD_MAX_BYTES,
    });
    expect(body.upload.fields.key).toBe(`uploads/${body.importId}`);

    expect(await upload(body, CSV)).toBe(204);
    const s3 = new S3Client({
      endpoint: runtime.s3.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const object = await s3.send(
      new GetObjectCommand({ Bucket: runtime.bucketNames.imports, Key: `uploads/${body.importId}` }),
    );
    expect(await object.Body!.transformToString()).toBe(CSV);
  });

  it('answers the same import, with a fresh form, for the same key; another request with it conflicts', async () => {
    const first = await request<UploadAnswer>(
      { from: 'pinpoint', fileName: 'export.gz' },
      'upload-same-key-1',
    );
    const again = await request<UploadAnswer>(
      { from: 'pinpoint', fileName: 'export.gz' },
      'upload-same-key-1',
    );
    expect(again.status).toBe(200);
    expect(again.body.importId).toBe(first.body.importId);
    expect(again.body.upload.fields.key).toBe(first.body.upload.fields.key);

    const other = await request<ErrorAnswer>(
      { from: 'csv', fileName: 'export.gz', map: ['phone=Phone'] },
      'upload-same-key-1',
    );
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'import_conflict', field: 'Idempotency-Key' });
  });

  it('requires an Idempotency-Key', async () => {
    const { status, body } = await request<ErrorAnswer>({ from: 'pinpoint', fileName: 'export.gz' });
    expect(status).toBe(400);
    expect(body.error.field).toBe('Idempotency-Key');
  });

  it('refuses options the command would refuse, naming them', async () => {
    const noPhone = await request<ErrorAnswer>(
      { from: 'csv', fileName: 'list.csv', map: ['email=Email'] },
      'upload-no-phone-1',
    );
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error).toMatchObject({
      field: 'map',
      message: expect.stringContaining('--map phone='),
    });

    const optOutList = await request<ErrorAnswer>(
      { from: 'eum-opt-outs', fileName: 'list.jsonl' },
      'upload-list-1',
    );
    expect(optOutList.status).toBe(400);
    expect(optOutList.body.error.field).toBe('from');
  });
});
