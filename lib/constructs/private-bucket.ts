/**
 * The settings every bucket holding subscribers' data shares (the import and download buckets):
 * SSE-KMS with a bucket key, TLS only, no public access, owner-enforced objects, server access logs to
 * the stack's log bucket, retained with the stack, and objects (and abandoned uploads) expiring by rule.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

export interface PrivateBucketSettings {
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  /** Prefix of the bucket's server access logs in the log bucket. */
  readonly accessLogsPrefix: string;
  /** Id of the lifecycle rule that expires the objects. */
  readonly expiryRuleId: string;
  /** Days an object is kept after it is written. */
  readonly expiryDays: number;
}

export function privateBucketProps(settings: PrivateBucketSettings): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: settings.encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Its objects expire by rule; a bucket left behind by a deleted stack empties itself.
    removalPolicy: RemovalPolicy.RETAIN,
    serverAccessLogsBucket: settings.accessLogsBucket,
    serverAccessLogsPrefix: settings.accessLogsPrefix,
    lifecycleRules: [
      {
        id: settings.expiryRuleId,
        expiration: Duration.days(settings.expiryDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  };
}
