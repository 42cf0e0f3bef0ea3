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
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucketProps } from './private-bucket';

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
    // The files are consent evidence: their objects expire by rule, `retentionDays` after upload.
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      privateBucketProps({
        encryptionKey: props.encryptionKey,
        accessLogsBucket: props.accessLogsBucket,
        accessLogsPrefix: 'imports/',
        expiryRuleId: 'ExpireImportFiles',
        expiryDays: props.retentionDays,
      }),
    );
    // On the bucket itself (CloudFormation's NotificationConfiguration), not through the custom
    // resource `eventBridgeEnabled` adds: no extra function to deploy for one setting.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
