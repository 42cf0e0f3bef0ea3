/**
 * Uploaded files in the import bucket, read in one pass: every chunk is hashed, and a gzipped file's
 * chunks also go through gunzip into a new object, in 8 MiB parts (a multipart upload; one PutObject
 * when the whole expansion fits in a part). Memory holds one part, whatever the file's size.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { InspectedFile, UploadedFiles } from '../domain/ports/uploaded-files';
import { s3Client } from './s3-client';

/** A multipart upload's part size (S3: 5 MiB to 5 GiB, all but the last). */
const PART_BYTES = 8 * 1024 * 1024;

export class S3UploadedFiles implements UploadedFiles {
  constructor(private readonly bucket: string) {}

  async inspect(key: string, expandTo: string): Promise<InspectedFile> {
    const object = await s3Client().send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const chunks = (object.Body as AsyncIterable<Uint8Array> | undefined)?.[Symbol.asyncIterator]();
    const first = chunks ? await chunks.next() : { done: true as const, value: undefined };
    const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    const hash = createHash('sha256');
    let bytes = 0;
    const hashed = Readable.from(
      (async function* () {
        let next: IteratorResult<Uint8Array> = first;
        while (!next.done) {
          const chunk = Buffer.from(next.value);
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
          next = await chunks!.next();
        }
      })(),
    );
    if (gzip)
      await pipeline(hashed, createGunzip(), (expanded: AsyncIterable<Buffer>) =>
        this.write(expandTo, expanded),
      );
    else for await (const _chunk of hashed) void _chunk;
    return { sha256: hash.digest('hex'), bytes, gzip };
  }

  /** Writes the stream to `key`: one PutObject if it fits in a part, else a multipart upload. */
  private async write(key: string, source: AsyncIterable<Buffer>): Promise<void> {
    const client = s3Client();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let uploadId: string | undefined;
    const parts: { ETag: string | undefined; PartNumber: number }[] = [];
    const flush = async () => {
      uploadId ??= (await client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key })))
        .UploadId;
      const PartNumber = parts.length + 1;
      const { ETag } = await client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber,
          Body: Buffer.concat(pending),
        }),
      );
      parts.push({ ETag, PartNumber });
      pending = [];
      pendingBytes = 0;
    };
    try {
      for await (const chunk of source) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= PART_BYTES) await flush();
      }
      if (uploadId === undefined) {
        await client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: Buffer.concat(pending) }),
        );
        return;
      }
      if (pendingBytes > 0) await flush();
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      if (uploadId !== undefined)
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      throw error;
    }
  }
}
