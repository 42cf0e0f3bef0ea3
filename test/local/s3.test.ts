/**
 * The local S3: s3rver behind the checks S3 makes and s3rver leaves out. Presigned POST forms are
 * held to their policy (signature, expiration, key, size range) and to the signer's IAM policy;
 * presigned GETs to their signature, their expiry (by the clock the front is given) and the signer's
 * policy; header-signed requests to the caller's policy; objects written are announced.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3, type ObjectCreated } from '../../local/aws/s3';
import { AccessGuard } from '../../local/iam/access';

const BUCKET = 'optline-test-imports';
const REGION = 'us-east-1';

describe('local S3', () => {
  let s3: LocalS3;
  const created: ObjectCreated[] = [];
  /** The front's clock: presigned GETs expire by it. */
  let nowMs = Date.parse('2026-11-12T16:00:00Z');
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
          server: [
            {
              effect: 'Allow',
              actions: ['s3:PutObject', 's3:GetObject'],
              resources: [`arn:aws:s3:::${BUCKET}/documents/*`],
            },
          ],
        },
        { account: '000000000000', functionNamePrefix: 'optline-test' },
      ),
      now: () => nowMs,
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

  describe('presigned GET', () => {
    const KEY = 'documents/3f1c.json';
    const link = (signer: string, key = KEY, expiresIn = 900) =>
      getSignedUrl(client(signer), new GetObjectCommand({ Bucket: BUCKET, Key: key }), {
        expiresIn,
        signingDate: new Date(nowMs),
      });
    beforeAll(async () => {
      await client('local-server').send(
        new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: '{"a":1}', ContentType: 'application/json' }),
      );
    });

    it('serves the object to a plain GET of a URL its signer may read, until it expires', async () => {
      const url = await link('local-server');
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe('{"a":1}');

      nowMs += 899_000;
      expect((await fetch(url)).status).toBe(200);
      nowMs += 2_000;
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
    });

    it('refuses a URL whose key, expiry or signature was changed', async () => {
      const url = new URL(await link('local-server'));
      const changes: [string, (u: URL) => void][] = [
        ['key', (u) => (u.pathname = u.pathname.replace('3f1c', '3f1d'))],
        ['expiry', (u) => u.searchParams.set('X-Amz-Expires', '604800')],
        ['signature', (u) => u.searchParams.set('X-Amz-Signature', '0'.repeat(64))],
        ['added parameter', (u) => u.searchParams.set('response-content-type', 'text/html')],
      ];
      for (const [what, change] of changes) {
        const tampered = new URL(url);
        change(tampered);
        const response = await fetch(tampered);
        expect(response.status, what).toBe(403);
        expect(await response.text(), what).toContain('<Code>SignatureDoesNotMatch</Code>');
      }
      expect((await fetch(url)).status).toBe(200);
    });

    it('refuses a URL signed by a function whose policy does not allow GetObject there', async () => {
      const uploader = await fetch(await link('local-uploader'));
      expect(uploader.status).toBe(403);
      expect(await uploader.text()).toContain(
        `is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::${BUCKET}/${KEY}`,
      );
    });

    it('refuses a URL valid for more than 7 days', async () => {
      const url = new URL(await link('local-server'));
      url.searchParams.set('X-Amz-Expires', '604801');
      const response = await fetch(url);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>AuthorizationQueryParametersError</Code>');
    });
  });
});
