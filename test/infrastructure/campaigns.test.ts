import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../lib/catalog';
import { resourcesOfType, sharedSynthesis } from '../support/template';

describe('campaign infrastructure', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('gives the campaign queue a dead-letter queue after 5 receives, encrypted with the key', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: Match.anyValue(),
        maxReceiveCount: queues.campaignSends.maxReceiveCount,
      },
      VisibilityTimeout: queues.campaignSends.visibilityTimeoutSeconds,
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  it('drains the queue with partial batch responses and capped concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('CampaignSender') },
      BatchSize: queues.campaignSends.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: queues.campaignSends.maxConcurrency },
    });
  });

  it('lets the campaigns API create schedules only in its group and pass only the scheduler role', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) =>
      id.includes('CampaignsApi'),
    );
    const statements = policies.flatMap(
      ([, p]) =>
        (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    const scheduling = statements.find((s) => [s.Action].flat().includes('scheduler:CreateSchedule'));
    expect(JSON.stringify(scheduling?.Resource)).toContain(':schedule/optline-prod/*');
    const passRole = statements.find((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(JSON.stringify(passRole?.Resource)).toContain('SchedulingInvokeRole');
  });

  it('lets the dispatcher schedule its own dispatches (finishing an estimate) without naming itself', () => {
    const statements = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([id]) => id.includes('CampaignDispatcher'))
      .flatMap(
        ([, p]) =>
          (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
            .Statement,
      );
    const scheduling = statements.find((s) => [s.Action].flat().includes('scheduler:CreateSchedule'));
    expect(JSON.stringify(scheduling?.Resource)).toContain(':schedule/optline-prod/*');
    const passRole = statements.find((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(JSON.stringify(passRole?.Resource)).toContain('SchedulingInvokeRole');
    const [, dispatcher] = resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) =>
      id.includes('CampaignDispatcher'),
    ) ?? [undefined, undefined];
    const env = (dispatcher?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toHaveProperty('SCHEDULER_ROLE_ARN');
    expect(env).toHaveProperty('SCHEDULE_GROUP');
    expect(env).not.toHaveProperty('DISPATCHER_FUNCTION_ARN');
  });

  it('creates the schedule group and a role only Scheduler can assume', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'optline-prod' });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      },
    });
  });

  it('feeds delivery events from the configuration set topic to a queue the function drains in batches', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      TopicArn: { Ref: Match.stringLikeRegexp('DeliveryEventsTopic') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('QueuesDeliveryEvents'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('DeliveryEvents') },
      BatchSize: queues.deliveryEvents.batchSize,
      MaximumBatchingWindowInSeconds: queues.deliveryEvents.maximumBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // No direct topic → function subscription is left behind.
    expect(
      Object.values(template.findResources('AWS::SNS::Subscription')).filter(
        (s) => (s.Properties as { Protocol?: string }).Protocol === 'lambda',
      ),
    ).toHaveLength(1);
  });

  it('tells functions where short links live (the API’s /r route)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ LINK_BASE_URL: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }),
      },
    });
  });
});
