/**
 * What campaigns need to schedule themselves: a schedule group, the role EventBridge Scheduler
 * assumes to invoke the dispatcher, a dead-letter queue for invocations Scheduler gives up on, and,
 * for each function allowed to schedule, the permission to create and delete schedules in that group
 * only (and to pass that role only).
 *
 * The schedules are created at run time (lambdas/adapters/scheduler.ts) with this role and this
 * dead-letter queue (both in the scheduling functions' environment: lib/function-environment.ts).
 * Scheduler sends to the dead-letter queue as the schedule's role, so the role can send to it (and
 * use the key that encrypts it).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functions, recurringExpression, type FunctionDefinition, type FunctionId } from '../catalog';
import { deadLetterQueue } from './dead-letter-queue';
import { acknowledge, wildcardResourceFinding } from './nag';

export interface CampaignSchedulingProps {
  readonly functions: Record<FunctionId, lambda.Function>;
  readonly groupName: string;
  readonly encryptionKey: kms.IKey;
  /**
   * Keep the dead-letter queue (and what is in it) when the stack is deleted.
   * @default true
   */
  readonly retain?: boolean;
}

export class CampaignScheduling extends Construct {
  public readonly group: scheduler.ScheduleGroup;
  public readonly groupName: string;
  public readonly role: iam.Role;
  /** Schedule invocations EventBridge Scheduler could not deliver after its retries. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CampaignSchedulingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.groupName = props.groupName;
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler invokes the Optline campaign dispatcher',
    });
    this.deadLetterQueue = deadLetterQueue(this, 'Dlq', {
      encryptionKey: props.encryptionKey,
      retain: props.retain,
    });
    grantDeadLetterDelivery(this.role, this.deadLetterQueue, props.encryptionKey);

    const scheduleArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${props.groupName}/*`,
    });
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      if (!definition.schedules?.length) continue;
      const fn = props.functions[functionId];
      for (const targetId of definition.schedules) {
        const target = props.functions[targetId as FunctionId];
        if (!target) throw new Error(`${functionId} schedules unknown function ${targetId}`);
        // Schedules target the unqualified function ARN: no `:*` for versions and aliases.
        this.role.addToPolicy(
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }),
        );
      }
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          resources: [scheduleArn],
        }),
      );
      acknowledge(
        fn.role ?? fn,
        wildcardResourceFinding(fn, scheduleArn),
        `Schedules in Optline's own group (${props.groupName}) only; each schedule is named at run time after what it dispatches.`,
      );
      this.role.grantPassRole(fn.grantPrincipal);
    }

    // Recurring schedules (the conversation and lapse sweeps): in the same group, with the same role
    // and dead-letter queue as the campaigns' one-time schedules; the input names the sweep.
    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      if (definition.trigger.kind !== 'recurring') continue;
      const target = props.functions[functionId];
      this.role.addToPolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }),
      );
      for (const [sweep, recurring] of Object.entries(definition.trigger.sweeps)) {
        new scheduler.CfnSchedule(this, `${functionId}${sweep[0]?.toUpperCase()}${sweep.slice(1)}Recurring`, {
          groupName: this.group.scheduleGroupName,
          description: recurring.description,
          scheduleExpression: recurringExpression(recurring.rateMinutes),
          flexibleTimeWindow: { mode: 'OFF' },
          target: {
            arn: target.functionArn,
            roleArn: this.role.roleArn,
            input: JSON.stringify({ sweep }),
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          },
        });
      }
    }
  }
}

/**
 * Lets a schedule's role deliver to a KMS-encrypted dead-letter queue: EventBridge Scheduler sends
 * there as the role, so it needs SendMessage on the queue and a data key from the queue's key.
 */
export function grantDeadLetterDelivery(role: iam.IRole, queue: sqs.IQueue, key: kms.IKey): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
  );
}
