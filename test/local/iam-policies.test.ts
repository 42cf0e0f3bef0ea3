/**
 * The functions' policies as the local endpoints evaluate them: read from a template, resolved to
 * local ARNs, decided as IAM decides for identity-based policies.
 */
import { describe, expect, it } from 'vitest';
import { AccessGuard, accessKeyOf } from '../../local/iam/access';
import { isAllowed, localPolicies, type CfnTemplate, type LocalStatement } from '../../local/iam/policies';

const context = {
  partition: 'aws',
  region: 'us-east-1',
  account: '000000000000',
  urlSuffix: 'amazonaws.com',
  resources: {
    'table/profiles': {
      Ref: 'local-profiles',
      Arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-profiles',
    },
    'state-machine/welcome': { Ref: 'arn:sm', Arn: 'arn:sm', Name: 'local-welcome' },
  },
};

const template: CfnTemplate = {
  Resources: {
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } },
      Metadata: { 'optline:resource': 'function/profilesApi' },
    },
    FnRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyDocument: {
              Statement: {
                Effect: 'Allow',
                Action: 'states:StopExecution',
                Resource: {
                  'Fn::Sub':
                    'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Machine.Name}:*',
                },
              },
            },
          },
        ],
      },
    },
    Policy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'FnRole' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:Query'],
              Resource: [
                { 'Fn::GetAtt': ['Table', 'Arn'] },
                { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/*']] },
              ],
            },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } },
          ],
        },
      },
    },
    Other: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'SomeoneElse' }],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    },
    Table: { Type: 'AWS::DynamoDB::Table', Metadata: { 'optline:resource': 'table/profiles' } },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Metadata: { 'optline:resource': 'state-machine/welcome' },
    },
    Key: { Type: 'AWS::KMS::Key' },
  },
};

describe('a function’s policies in the template', () => {
  const policies = localPolicies(template, context);
  const profilesApi = policies.profilesApi ?? [];
  const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/local-profiles';

  it('are the statements of the policies attached to its role and its inline ones, no other role’s', () => {
    expect(Object.keys(policies)).toEqual(['profilesApi']);
    expect(profilesApi).toHaveLength(3);
    expect(isAllowed(profilesApi, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:000000000000:q')).toBe(false);
  });

  it('name the local resources the template’s resources stand for', () => {
    expect(isAllowed(profilesApi, 'dynamodb:GetItem', table)).toBe(true);
    expect(isAllowed(profilesApi, 'dynamodb:Query', `${table}/index/byPhone`)).toBe(true);
    expect(isAllowed(profilesApi, 'dynamodb:PutItem', table)).toBe(false);
    expect(isAllowed(profilesApi, 'dynamodb:GetItem', `${table}-other`)).toBe(false);
    expect(
      isAllowed(
        profilesApi,
        'states:StopExecution',
        'arn:aws:states:us-east-1:000000000000:execution:local-welcome:e1',
      ),
    ).toBe(true);
  });

  it('match nothing with a resource the local runtime does not have', () => {
    const kms = profilesApi.find((s) => s.actions?.includes('kms:Decrypt'));
    expect(kms?.resources).toEqual([null]);
    expect(isAllowed(profilesApi, 'kms:Decrypt', '*')).toBe(false);
  });
});

describe('the decision', () => {
  const allow = (actions: string[], resources: string[]): LocalStatement => ({
    effect: 'Allow',
    actions,
    resources,
  });

  it.each([
    [
      'an action named exactly',
      [allow(['events:PutEvents'], ['arn:bus'])],
      'events:PutEvents',
      'arn:bus',
      true,
    ],
    [
      'an action in another case',
      [allow(['events:putevents'], ['arn:bus'])],
      'events:PutEvents',
      'arn:bus',
      true,
    ],
    ['an action wildcard', [allow(['events:Put*'], ['arn:bus'])], 'events:PutEvents', 'arn:bus', true],
    ['a resource wildcard', [allow(['s:A'], ['arn:x:*'])], 's:A', 'arn:x:y/z', true],
    ['a one-character wildcard', [allow(['s:A'], ['arn:x?'])], 's:A', 'arn:xy', true],
    ['a resource in another case', [allow(['s:A'], ['arn:X'])], 's:A', 'arn:x', false],
    ['nothing granted', [], 's:A', 'arn:x', false],
    [
      'an explicit deny',
      [allow(['s:*'], ['*']), { effect: 'Deny' as const, actions: ['s:A'], resources: ['arn:x'] }],
      's:A',
      'arn:x',
      false,
    ],
    [
      'NotAction',
      [{ effect: 'Allow' as const, notActions: ['s:B'], resources: ['*'] }],
      's:A',
      'arn:x',
      true,
    ],
    [
      'NotResource',
      [{ effect: 'Allow' as const, actions: ['s:A'], notResources: ['arn:x'] }],
      's:A',
      'arn:x',
      false,
    ],
    ['a conditional statement', [{ ...allow(['s:A'], ['*']), conditional: true }], 's:A', 'arn:x', false],
  ])('%s', (_name, statements, action, resource, allowed) => {
    expect(isAllowed(statements, action, resource)).toBe(allowed);
  });
});

describe('the caller', () => {
  const guard = new AccessGuard(
    { inboundSms: [] },
    { account: '000000000000', functionNamePrefix: 'optline-local' },
  );
  const header = (key: string) =>
    `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=00`;

  it('is the function its access key names, or the operator', () => {
    expect(accessKeyOf(header('local-inboundSms'))).toBe('local-inboundSms');
    expect(guard.callerOf(header('local-inboundSms'))).toBe('inboundSms');
    expect(guard.callerOf(header('local'))).toBeUndefined();
    expect(guard.callerOf(undefined)).toBeUndefined();
    expect(() => guard.callerOf(header('local-nobody'))).toThrow('no policy for the local function nobody');
  });

  it('is refused with the message AWS gives', () => {
    expect(guard.check('inboundSms', [{ action: 'events:PutEvents', resource: 'arn:bus' }])).toEqual({
      action: 'events:PutEvents',
      resource: 'arn:bus',
      message:
        'User: arn:aws:sts::000000000000:assumed-role/optline-local-inboundSms-role/optline-local-inboundSms is not authorized to perform: events:PutEvents on resource: arn:bus because no identity-based policy allows the events:PutEvents action',
    });
  });
});
