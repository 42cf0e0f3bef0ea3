/**
 * SQS queues from the catalog, each with a dead-letter queue and its consumer's event source mapping
 * (partial batch responses on, concurrency capped), and the grants for the functions that fill them
 * (`sendsTo`).
 */
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  consumerOf,
  functions,
  queues,
  type FunctionDefinition,
  type FunctionId,
  type QueueDefinition,
  type QueueId,
} from '../catalog';
import { pascal } from './data-tables';
import { deadLetterQueue } from './dead-letter-queue';

export interface QueuesProps {
  readonly functions: Record<FunctionId, lambda.Function>;
  readonly encryptionKey: kms.IKey;
  /**
   * Keep the dead-letter queues (and the messages in them) when the stack is deleted. The work queues
   * themselves are transient and go with the stack.
   * @default true
   */
  readonly retain?: boolean;
}

export class Queues extends Construct {
  public readonly queues: Record<QueueId, sqs.Queue>;
  public readonly deadLetterQueues: Record<QueueId, sqs.Queue>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const built = {} as Record<QueueId, sqs.Queue>;
    const dlqs = {} as Record<QueueId, sqs.Queue>;
    for (const [queueId, definition] of Object.entries(queues) as [QueueId, QueueDefinition][]) {
      const dlq = deadLetterQueue(this, `${pascal(queueId)}Dlq`, {
        encryptionKey: props.encryptionKey,
        retain: props.retain,
        redriveTargetOfSqsQueue: true,
      });
      const queue = new sqs.Queue(this, pascal(queueId), {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.encryptionKey,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: definition.maxReceiveCount },
      });
      const consumer = consumerOf(queueId);
      if (consumer) {
        props.functions[consumer].addEventSource(
          new sources.SqsEventSource(queue, {
            batchSize: definition.batchSize,
            reportBatchItemFailures: true,
            maxConcurrency: definition.maxConcurrency,
            ...(definition.maximumBatchingWindowSeconds
              ? { maxBatchingWindow: Duration.seconds(definition.maximumBatchingWindowSeconds) }
              : {}),
          }),
        );
      }
      // Its URL arrives with the function's environment (lib/function-environment.ts).
      for (const [functionId, fn] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
        if (fn.sendsTo?.includes(queueId)) queue.grantSendMessages(props.functions[functionId]);
      }
      built[queueId] = queue;
      dlqs[queueId] = dlq;
    }
    this.queues = built;
    this.deadLetterQueues = dlqs;
  }
}
