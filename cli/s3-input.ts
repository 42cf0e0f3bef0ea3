/**
 * `optline import s3://bucket/prefix`: every object under the prefix, in key order (as
 * `aws s3 cp --recursive` would copy them; a Pinpoint export job writes several gzipped files under
 * one prefix). A prefix that is itself an object's whole key names that object alone. Each object is
 * copied to a temporary file and imported from there, then removed: the import hashes the file before
 * it reads it (the SHA-256 is in the evidence and the import id), and memory stays flat however large
 * the object; the disk holds one object at a time.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { clientSettings, type AwsTarget } from './aws-target';

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** An `s3://` argument that names no bucket, or an object that cannot be read: exit code 2. */
export class S3InputError extends Error {}

export function isS3Url(input: string): boolean {
  return input.startsWith('s3://');
}

export function parseS3Url(input: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(input);
  if (!match) throw new S3InputError(`${input} is not s3://<bucket>/<prefix>`);
  return { bucket: match[1]!, prefix: match[2] ?? '' };
}

export function s3Client(target: AwsTarget): S3Client {
  // An endpoint of one's own (the local runtime's, an S3-compatible store) is addressed by path.
  return new S3Client({ ...clientSettings(target), ...(target.endpoint ? { forcePathStyle: true } : {}) });
}

/** The objects to import, in key order; folder markers (`…/`) are not objects to import. */
export async function* objectsUnder(client: S3Client, location: S3Location): AsyncGenerator<string> {
  let found = false;
  try {
    for await (const page of paginateListObjectsV2(
      { client },
      { Bucket: location.bucket, Prefix: location.prefix },
    )) {
      const keys = (page.Contents ?? []).map((o) => o.Key!).filter((key) => !key.endsWith('/'));
      if (!found && keys.includes(location.prefix)) {
        yield location.prefix;
        return;
      }
      for (const key of keys) {
        found = true;
        yield key;
      }
    }
  } catch (error) {
    throw new S3InputError(`cannot list ${urlOf(location)}: ${describe(error)}`);
  }
  if (!found) throw new S3InputError(`${urlOf(location)} has no objects`);
}

/** Copies one object to `path`, streaming. */
export async function download(client: S3Client, bucket: string, key: string, path: string): Promise<void> {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(object.Body as Readable, createWriteStream(path));
  } catch (error) {
    throw new S3InputError(`cannot read s3://${bucket}/${key}: ${describe(error)}`);
  }
}

export function urlOf(location: S3Location, key = location.prefix): string {
  return `s3://${location.bucket}/${key}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
