/**
 * The win-back parts of the stack: the sparse index of last orders on the profiles table, the daily
 * schedule of the lapse sweep, and what the sweeper may do with them.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOfType, sharedSynthesis } from '../support/template';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

describe('win-back in the stack', () => {
  let template: Template;
  let statements: Statement[];
  let profilesId: string;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    statements = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('FunctionsSweeperRole'))
      .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    const ids = resourcesOfType(template, 'AWS::DynamoDB::Table')
      .map(([id]) => id)
      .filter((id) => id.startsWith('DataProfiles'));
    expect(ids).toHaveLength(1);
    profilesId = ids[0] as string;
  }, 300_000);

  const actions = () => statements.flatMap((s) => [s.Action].flat());
  const resourcesFor = (action: string) =>
    statements
      .filter((s) => [s.Action].flat().includes(action))
      .flatMap((s) => [s.Resource].flat().map((r) => flattenCfnReference(r)));

  it('indexes last orders sparsely on the profiles table, keys only, in 16 shards', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'lastOrders',
          KeySchema: [
            { AttributeName: 'lastOrderShard', KeyType: 'HASH' },
            { AttributeName: 'lastOrderUtc', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ]),
    });
  });

  it('sweeps lapsed customers every day, with retries and a dead-letter queue', () => {
    const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule').filter(([id]) =>
      id.startsWith('SchedulingsweeperLapsedCustomers'),
    );
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.[1].Properties).toMatchObject({
      ScheduleExpression: 'rate(1 day)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionsSweeper/), 'Arn'] },
        Input: '{"sweep":"lapsedCustomers"}',
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    });
  });

  it('lets the sweeper query the lastOrders index and publish on the bus, and start no flow itself', () => {
    expect(resourcesFor('dynamodb:Query')).toContain(`<${profilesId}.Arn>/index/lastOrders`);
    expect(actions()).toContain('events:PutEvents');
    expect(actions().filter((a) => a.startsWith('states:'))).toEqual([]);
  });

  it('deploys the win-back flow, started by the flow triggers rule on CustomerLapsed', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: Match.stringLikeRegexp('-flow-winBack$'),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'detail-type': Match.arrayWith(['OrderPlaced', 'CustomerLapsed']) }),
    });
  });
});
