/**
 * The local S3: s3rver behind the checks S3 makes and s3rver leaves out. Presigned POST forms are
 * held to their policy (signature, expiration, key, size range) and to the signer's IAM policy;
 * header-signed requests to the caller's policy; objects written are announced.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3, type ObjectCreated } from '../../local/aws/s3';
import { AccessGuard } from '../../local/iam/access';

const BUCKET = 'optline-test-imports';
const REGION = 'us-east-1';

describe('local S3', () => {
  let s3: LocalS3;
  const created: ObjectCreated[] = [];
  const client = (accessKeyId: string) =>
    new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: REGION,
      credentials: { accessKeyId, secretAccessKey: 'local' },
    });
  const post = async (form: { url: string; fields: Record<string, string> }, file: string) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append('file', new Blob([file]), 'upload.csv');
    const response = await fetch(form.url, { method: 'POST', body });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    s3 = await startLocalS3({
      buckets: [BUCKET],
      region: REGION,
      guard: new AccessGuard(
        {
          uploader: [
            { effect: 'Allow', actions: ['s3:PutObject'], resources: [`arn:aws:s3:::${BUCKET}/uploads/*`] },
          ],
          bystander: [],
        },
        { account: '000000000000', functionNamePrefix: 'optline-test' },
      ),
    });
    s3.onObjectCreated((object) => created.push(object));
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const presign = (signer: string, key: string, maxBytes = 100, expires = 60) =>
    createPresignedPost(client(signer), {
      Bucket: BUCKET,
      Key: key,
      Conditions: [['content-length-range', 1, maxBytes]],
      Expires: expires,
    });

  it('stores a form upload its policy and its signer allow, and announces it', async () => {
    const form = await presign('local-uploader', 'uploads/imp-1');
    expect(await post(form, 'phone\n+12065550100\n')).toMatchObject({ status: 204 });
    const object = await client('local').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/imp-1' }));
    expect(await object.Body!.transformToString()).toBe('phone\n+12065550100\n');
    expect(created).toContainEqual({ bucket: BUCKET, key: 'uploads/imp-1', size: 19 });
  });

  it('refuses a file larger than the form allows', async () => {
    const form = await presign('local-uploader', 'uploads/imp-2', 10);
    const answer = await post(form, 'x'.repeat(11));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>EntityTooLarge</Code>');
  });

  it('refuses a form whose key was changed after signing', async () => {
    const form = await presign('local-uploader', 'uploads/imp-3');
    const answer = await post({ ...form, fields: { ...form.fields, key: 'uploads/other' } }, 'phone\n');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Policy Condition failed');
  });

  it('refuses a form whose policy was changed after signing', async () => {
    const form = await presign('local-uploader', 'uploads/imp-4', 10);
    const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString()) as {
      conditions: unknown[];
    };
    policy.conditions = policy.conditions.map((c) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 1_000_000] : c,
    );
    const tampered = Buffer.from(JSON.stringify(policy)).toString('base64');
    const answer = await post({ ...form, fields: { ...form.fields, Policy: tampered } }, 'x'.repeat(11));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('refuses an expired form', async () => {
    const form = await presign('local-uploader', 'uploads/imp-5', 100, -1);
    const answer = await post(form, 'phone\n');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Policy expired');
  });

  it('refuses a form signed by a function whose policy does not allow PutObject there', async () => {
    const outside = await presign('local-uploader', 'elsewhere/imp-6');
    expect((await post(outside, 'phone\n')).text).toContain(
      `is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${BUCKET}/elsewhere/imp-6`,
    );
    const bystander = await presign('local-bystander', 'uploads/imp-6');
    expect(await post(bystander, 'phone\n')).toMatchObject({ status: 403 });
  });

  it("holds a function's signed requests to its policy", async () => {
    await client('local-uploader').send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/imp-7', Body: 'phone\n' }),
    );
    await expect(
      client('local-uploader').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/imp-7' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('is not authorized to perform: s3:GetObject'),
    });
  });

  it('checks the signature of signed requests', async () => {
    const forged = new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: REGION,
      credentials: { accessKeyId: 'local-uploader', secretAccessKey: 'not-the-secret' },
    });
    await expect(
      forged.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/imp-8', Body: 'phone\n' })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });
});
