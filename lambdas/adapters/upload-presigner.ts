/**
 * Presigned POST uploads (S3 API Reference, "Browser-Based Uploads Using POST"): the policy the
 * fields carry names the bucket and the one key, allows 1 byte to `maxBytes` (`content-length-range`,
 * which S3 enforces on the upload) and expires. The signature is the function's: S3 accepts the
 * upload only if the function's role may PutObject that key (and use the bucket's KMS key).
 */
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { PresignedUpload, UploadPresigner } from '../domain/ports/upload-presigner';
import { s3Client } from './s3-client';

export class S3UploadPresigner implements UploadPresigner {
  constructor(private readonly bucket: string) {}

  async presign(input: {
    readonly key: string;
    readonly maxBytes: number;
    readonly expiresSeconds: number;
  }): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(s3Client(), {
      Bucket: this.bucket,
      Key: input.key,
      Conditions: [['content-length-range', 1, input.maxBytes]],
      Expires: input.expiresSeconds,
    });
    return { url, fields };
  }
}
