/**
 * Download links for documents too large for an API response (a consent certificate, a privacy
 * export): the document is written to the downloads bucket under the function's prefix and a random
 * id (no phone number in the key, which S3 access logs and the URL show), and a presigned GET for it
 * is made that expires in `DOWNLOAD_LINK_SECONDS`. The URL is signed by the function's role: it works
 * only while that role may GetObject the key and decrypt with the bucket's key, and nobody can
 * change the key or the expiry without breaking the signature. The link is dated by the injected
 * clock, so `expiresAt` is the time S3 holds it to.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../domain/clock';
import type { DownloadPrefix } from '../../lib/catalog';
import { s3Client } from './s3-client';

/** How long a download link works: long enough to fetch a large file, short enough not to linger. */
export const DOWNLOAD_LINK_SECONDS = 15 * 60;

export interface DownloadLink {
  /** A presigned GET: no credentials needed, until `expiresAt`. */
  readonly url: string;
  readonly expiresAt: string;
  readonly contentType: string;
  /** The document's size. */
  readonly bytes: number;
}

export interface DownloadDocument {
  readonly body: Uint8Array;
  readonly contentType: 'application/pdf' | 'application/json';
  /** The name a browser saves it under (object metadata, not the key). */
  readonly fileName: string;
}

export class S3DownloadLinks {
  constructor(
    private readonly bucket: string,
    private readonly prefix: DownloadPrefix,
    private readonly clock: Clock,
  ) {}

  async publish(document: DownloadDocument): Promise<DownloadLink> {
    const extension = document.contentType === 'application/pdf' ? 'pdf' : 'json';
    const key = `${this.prefix}${randomUUID()}.${extension}`;
    await s3Client().send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: document.body,
        ContentType: document.contentType,
        ContentDisposition: `attachment; filename="${document.fileName}"`,
        CacheControl: 'no-store',
      }),
    );
    // SigV4 dates to the second: the link is signed at a whole second and expires that long after.
    const signedAt = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const url = await getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: DOWNLOAD_LINK_SECONDS,
      signingDate: signedAt,
    });
    return {
      url,
      expiresAt: new Date(signedAt.getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
      contentType: document.contentType,
      bytes: document.body.byteLength,
    };
  }
}
