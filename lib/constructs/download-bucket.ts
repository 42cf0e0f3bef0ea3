/**
 * The downloads bucket: consent certificates and privacy exports too large for an API response
 * (docs/consent-evidence.md, docs/privacy.md). The function that made the document writes it under
 * its own prefix and answers a presigned GET that expires in minutes; the object itself expires after
 * a day, so a document outlives its link by hours, never by weeks.
 *
 * Encrypted with a key of its own (SSE-KMS, bucket key on): a presigned GET downloads as its signer,
 * so the signer needs `kms:Decrypt`, and on this key that reads these documents and nothing else.
 * TLS only, no public access, server access logs to the stack's log bucket.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucketProps } from './private-bucket';

/** Days a document is kept after it is written (its link expires long before). */
export const DOWNLOAD_RETENTION_DAYS = 1;

export interface DownloadBucketProps {
  /** Where the bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
}

export class DownloadBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DownloadBucketProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Optline: certificates and exports served through short-lived download links',
      enableKeyRotation: true,
      // Its documents expire within a day; nothing encrypted with it outlives the stack for long.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      privateBucketProps({
        encryptionKey: this.key,
        accessLogsBucket: props.accessLogsBucket,
        accessLogsPrefix: 'downloads/',
        expiryRuleId: 'ExpireDownloads',
        expiryDays: DOWNLOAD_RETENTION_DAYS,
      }),
    );
  }
}
