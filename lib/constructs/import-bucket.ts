/**
 * The import bucket: files uploaded for an import (`POST /v1/imports` answers a presigned POST to
 * `uploads/<importId>`). Encrypted with the stack's key (SSE-KMS, bucket key on), TLS only, no public
 * access, server access logs to the stack's log bucket. Each object expires `retentionDays` after it
 * is written (400 by default): the consent events imported from a file cite it by name and SHA-256,
 * so the file stays as long as that evidence may be asked for. Uploads that never completed are
 * aborted after a day. Its events go to EventBridge (the default bus): an object created under
 * `uploads/` starts its import (./import-run.ts).
 *
 * The size limit is not the bucket's: each presigned POST carries it (`content-length-range`,
 * lambdas/domain/import-request.ts), and S3 refuses a larger file.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ImportBucketProps {
  /** Key that encrypts the uploaded files. */
  readonly encryptionKey: kms.IKey;
  /** Days an uploaded file is kept. */
  readonly retentionDays: number;
  /** Where the bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
}

export class ImportBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ImportBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The files are consent evidence: the bucket outlives the stack, and its objects expire by rule.
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'imports/',
      lifecycleRules: [
        {
          id: 'ExpireImportFiles',
          expiration: Duration.days(props.retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    // On the bucket itself (CloudFormation's NotificationConfiguration), not through the custom
    // resource `eventBridgeEnabled` adds: no extra function to deploy for one setting.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
