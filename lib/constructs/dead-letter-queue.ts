/**
 * A dead-letter queue as every async path in Optline uses it: encrypted with the stack's key, TLS
 * only, 14 days of retention (SQS's maximum, time to investigate and redrive), and kept with the stack
 * when the stage is protected, because a failed event can be consent evidence (an unprocessed STOP).
 * Every dead-letter queue gets a depth alarm (see monitoring.ts).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface DeadLetterQueueProps {
  readonly encryptionKey: kms.IKey;
  /**
   * Keep the queue (and the failed messages in it) when the stack is deleted.
   * @default true
   */
  readonly retain?: boolean;
  /**
   * The queue is the `deadLetterQueue` of an SQS queue's redrive policy, which cdk-nag recognises on
   * its own (AwsSolutions-SQS3 does not fire). Dead-letter queues of SNS subscriptions, EventBridge
   * targets, schedules and Lambda destinations are referenced from other services and need the
   * acknowledgement.
   * @default false
   */
  readonly redriveTargetOfSqsQueue?: boolean;
}

export function deadLetterQueue(scope: Construct, id: string, props: DeadLetterQueueProps): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: (props.retain ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  if (props.redriveTargetOfSqsQueue) return queue;
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter queue: its messages are inspected and redriven by hand, and its depth is alarmed.',
  );
  return queue;
}
