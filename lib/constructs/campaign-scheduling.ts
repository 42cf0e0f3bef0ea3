/**
 * What campaigns need to schedule themselves: a schedule group, the role EventBridge Scheduler
 * assumes to invoke the dispatcher, and, for each function allowed to schedule, the permission to
 * create and delete schedules in that group only (and to pass that role only).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { functions, type FunctionDefinition, type FunctionId } from '../catalog';

export interface CampaignSchedulingProps {
  readonly functions: Record<FunctionId, lambda.Function>;
  readonly groupName: string;
}

export class CampaignScheduling extends Construct {
  public readonly group: scheduler.ScheduleGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CampaignSchedulingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler invokes the Optline campaign dispatcher',
    });
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
        target.grantInvoke(this.role);
        fn.addEnvironment('DISPATCHER_FUNCTION_ARN', target.functionArn);
      }
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          resources: [scheduleArn],
        }),
      );
      this.role.grantPassRole(fn.grantPrincipal);
      fn.addEnvironment('SCHEDULER_ROLE_ARN', this.role.roleArn);
      fn.addEnvironment('SCHEDULE_GROUP', props.groupName);
    }
  }
}
