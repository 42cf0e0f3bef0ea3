/**
 * The consent-log archive: once a day DynamoDB exports the whole consent log (point-in-time export,
 * DynamoDB JSON) into an S3 bucket whose objects are locked in COMPLIANCE mode for the configured
 * retention (5 years by default): nobody, the root user included, can delete or overwrite an export
 * before then. It is the consent evidence that outlives an accidental table deletion or a bad deploy.
 *
 * No Lambda: an EventBridge Scheduler schedule (`rate(1 day)`) calls `ExportTableToPointInTime`
 * through Scheduler's universal target, as a role that may do exactly that.
 *
 * Permissions, from "Requesting a table export in DynamoDB" (Amazon DynamoDB Developer Guide,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport_Requesting.html):
 * `dynamodb:ExportTableToPointInTime` on the table, and `s3:AbortMultipartUpload`, `s3:PutObject`,
 * `s3:PutObjectAcl` on the destination. The export writes as the caller, so with SSE-KMS the role also
 * needs a data key from the bucket's key (`kms:GenerateDataKey`, and `kms:Decrypt` for multipart
 * uploads). The table needs point-in-time recovery (it has it); requester-pays buckets are the one
 * destination the guide rules out.
 *
 * Object Lock: the guide does not list Object Lock among unsupported destinations, and S3 applies the
 * bucket's default retention to every object version written, whoever writes it. S3 requires an
 * integrity checksum (Content-MD5 or x-amz-checksum-*) on uploads to a bucket with default retention
 * (Amazon S3 API Reference, PutObject, `Content-MD5`);
 * the export is an AWS-internal writer and is expected to send one, but this is not stated in the
 * DynamoDB guide, so the first export after a deploy is checked by hand (docs/deploy.md).
 * A failed export shows as `FAILED` in `aws dynamodb list-exports`; a call Scheduler cannot make
 * at all (permissions, throttling) goes to the schedules' dead-letter queue, which is alarmed.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantDeadLetterDelivery } from './campaign-scheduling';
import { acknowledge, wildcardResourceFinding } from './nag';

/** Where in the bucket the exports land: `consent-log/AWSDynamoDB/<export id>/…`. */
export const CONSENT_ARCHIVE_PREFIX = 'consent-log/';

export interface ConsentArchiveProps {
  /** The consent log table (point-in-time recovery on). */
  readonly table: dynamodb.ITable;
  /** Key that encrypts the archive bucket. */
  readonly encryptionKey: kms.IKey;
  /** Days each export is locked (COMPLIANCE mode) after it is written. */
  readonly retentionDays: number;
  /** Where the bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** Export calls Scheduler could not make after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
}

export class ConsentArchive extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly role: iam.Role;
  public readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: ConsentArchiveProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      // Locked objects outlive the stack whatever the removal policy; the bucket is kept with them.
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'consent-archive/',
      lifecycleRules: [
        {
          // A full export a day adds up: after 90 days the copies move to Glacier Instant Retrieval
          // (readable in milliseconds, about a fifth of the price). The lock is unaffected.
          id: 'ArchiveOlderExports',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
        },
      ],
    });

    this.role = new iam.Role(this, 'ExportRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler exports the Optline consent log to its archive bucket',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:ExportTableToPointInTime'],
        resources: [props.table.tableArn],
      }),
    );
    const exportObjects = this.bucket.arnForObjects(`${CONSENT_ARCHIVE_PREFIX}*`);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:PutObject', 's3:PutObjectAcl'],
        resources: [exportObjects],
      }),
    );
    acknowledge(
      this.role,
      wildcardResourceFinding(this, exportObjects),
      'Writes under the consent-log/ prefix of the archive only; DynamoDB names the export files (AWSDynamoDB/<export id>/…).',
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    grantDeadLetterDelivery(this.role, props.deadLetterQueue, props.encryptionKey);

    this.schedule = new scheduler.CfnSchedule(this, 'DailyExport', {
      description: 'Daily export of the Optline consent log to its Object Lock archive',
      scheduleExpression: 'rate(1 day)',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: `arn:${stack.partition}:scheduler:::aws-sdk:dynamodb:exportTableToPointInTime`,
        roleArn: this.role.roleArn,
        input: stack.toJsonString({
          TableArn: props.table.tableArn,
          S3Bucket: this.bucket.bucketName,
          S3Prefix: CONSENT_ARCHIVE_PREFIX,
          ExportFormat: 'DYNAMODB_JSON',
          S3SseAlgorithm: 'KMS',
          S3SseKmsKeyId: props.encryptionKey.keyArn,
          // The same token for every retry of one day's invocation: a retried call does not start a
          // second export (DynamoDB keeps a client token for 8 hours).
          ClientToken: '<aws.scheduler.scheduled-time>',
        }),
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 6 * 3600 },
        deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
      },
    });
    this.schedule.node.addDependency(this.role);
  }
}
