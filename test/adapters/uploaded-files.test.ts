/**
 * Uploaded files read in one pass on the local S3 (s3rver): the SHA-256 of the bytes as uploaded,
 * and a gzipped file's expansion written to another object, in parts when it is larger than one
 * part (a multipart upload), in one PutObject otherwise.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetClients } from '../../lambdas/adapters/aws-clients';
import { S3UploadedFiles } from '../../lambdas/adapters/uploaded-files';
import { PLATFORM_VARIABLES } from '../../lib/function-environment';
import { startLocalS3, type LocalS3 } from '../../local/aws/s3';

const BUCKET = 'optline-test-uploads';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('uploaded files', () => {
  let s3: LocalS3;
  let client: S3Client;
  const saved: Record<string, string | undefined> = {};
  const settings = {
    [PLATFORM_VARIABLES.s3EndpointUrl]: '',
    [PLATFORM_VARIABLES.region]: 'us-east-1',
    [PLATFORM_VARIABLES.accessKeyId]: 'local',
    [PLATFORM_VARIABLES.secretAccessKey]: 'local',
  };
  const read = async (key: string) => {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: [BUCKET], region: 'us-east-1' });
    settings[PLATFORM_VARIABLES.s3EndpointUrl] = s3.url;
    for (const [name, value] of Object.entries(settings)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    resetClients();
    client = new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    resetClients();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await s3?.stop();
  });

  it('hashes a gzipped file as uploaded and writes its expansion in parts', async () => {
    // About 12 MiB once gunzipped: more than one 8 MiB part.
    const lines = Array.from({ length: 120_000 }, (_, i) =>
      JSON.stringify({
        ChannelType: 'SMS',
        Address: `+1206${2_000_000 + i}`,
        Id: `ep-${i}`,
        pad: 'x'.repeat(40),
      }),
    );
    const plain = Buffer.from(`${lines.join('\n')}\n`);
    expect(plain.length).toBeGreaterThan(8 * 1024 * 1024);
    const file = gzipSync(plain);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/big', Body: file }));

    const inspected = await new S3UploadedFiles(BUCKET).inspect('uploads/big', 'expanded/big');

    expect(inspected).toEqual({ sha256: sha256(file), bytes: file.length, gzip: true });
    expect(sha256(await read('expanded/big'))).toBe(sha256(plain));
  });

  it('writes a small expansion in one piece', async () => {
    const plain = Buffer.from('{"Address":"+12065550101"}\n');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/small', Body: gzipSync(plain) }));
    const inspected = await new S3UploadedFiles(BUCKET).inspect('uploads/small', 'expanded/small');
    expect(inspected.gzip).toBe(true);
    expect((await read('expanded/small')).toString()).toBe(plain.toString());
  });

  it('hashes a plain file and writes nothing else', async () => {
    const file = Buffer.from('Phone,Consent\n+12065550101,yes\n');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/plain', Body: file }));
    const inspected = await new S3UploadedFiles(BUCKET).inspect('uploads/plain', 'expanded/plain');
    expect(inspected).toEqual({ sha256: sha256(file), bytes: file.length, gzip: false });
    await expect(read('expanded/plain')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
