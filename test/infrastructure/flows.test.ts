import { Match, type Template } from 'aws-cdk-lib/assertions';
import validateAsl from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '../../lib/catalog';
import { compileFlow } from '../../lambdas/domain/flow-compiler';
import { parseDeploymentConfig } from '../../lib/config';
import { FLOW_TRIGGER_EVENTS } from '../../lambdas/domain/flow-definition';
import { contactCard } from '../../lib/constructs/flows';
import { resourcesOfType, sharedSynthesis, TEST_CONFIG } from '../support/template';

const TEST_DEFINITIONS = parseDeploymentConfig(TEST_CONFIG).program.flows.definitions;

describe('flow definitions (ASL)', () => {
  const compiled = TEST_DEFINITIONS.map((d) => [d.id, compileFlow(d)] as const);

  it.each(compiled)('%s passes asl-validator', (_id, machine) => {
    const definition = JSON.parse(
      JSON.stringify(machine).replaceAll(
        '${FlowStepFunctionArn}',
        'arn:aws:lambda:us-east-1:123456789012:function:flow-step',
      ),
    );
    const result = validateAsl(definition, { checkArn: true, checkPaths: true });
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each(compiled)('%s names states by their type', (_id, machine) => {
    for (const [name, state] of Object.entries(machine.States))
      expect(name.endsWith(String(state.Type))).toBe(true);
  });
});

describe('flows in the stack', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('deploys one state machine per enabled flow definition, logging every transition, traced and encrypted', () => {
    const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const defined = TEST_DEFINITIONS.filter((d) => d.enabled);
    expect(defined.map((d) => d.id)).toEqual([
      'browseAbandonment',
      'postPurchase',
      'orderShipped',
      'orderDelivered',
      'replenishment',
      'winBack',
      'welcome',
      'abandonedCart',
      'backInStock',
      'priceDrop',
    ]);
    // And the import of uploaded files, built alike (imports.test.ts).
    expect(machines).toHaveLength(defined.length + 1);
    for (const [, machine] of machines) {
      expect(machine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
      expect(machine.Properties?.LoggingConfiguration).toMatchObject({
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [expect.anything()],
      });
      expect(machine.Properties?.EncryptionConfiguration).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY' });
    }
  });

  it('inlines the ASL and substitutes the flow-step function', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.anyValue(),
      DefinitionSubstitutions: {
        FlowStepFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowStep'), 'Arn'] },
      },
    });
  });

  it('names a defined flow’s state machine for its id and inlines its compiled ASL', () => {
    const machine = resourcesOfType(template, 'AWS::StepFunctions::StateMachine').find(
      ([, m]) => m.Properties?.StateMachineName === 'optline-prod-flow-browseAbandonment',
    )?.[1];
    const definition = JSON.parse(String(machine?.Properties?.DefinitionString)) as {
      StartAt: string;
      States: Record<string, unknown>;
    };
    expect(definition.StartAt).toBe('TwoHoursWait');
    expect(Object.keys(definition.States)).toEqual(
      expect.arrayContaining(['NoCartOrOrderChoice', 'BrowseTextTask']),
    );
    expect(machine?.Properties?.DefinitionSubstitutions).toEqual({
      FlowStepFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/FlowStep/), 'Arn'] },
    });
  });

  it('routes every event a flow definition can start from to the flow starter', () => {
    expect([...eventRules.flowTriggers.detailTypes].sort()).toEqual([...FLOW_TRIGGER_EVENTS].sort());
  });

  it('routes flow triggers on the optline bus to the flow starter, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('Bus') },
      EventPattern: {
        source: ['optline'],
        'detail-type': [
          'SubscriptionConfirmed',
          'CartAbandoned',
          'OrderPlaced',
          'OrderShipped',
          'OrderDelivered',
          'ProductViewed',
          'BackInStock',
          'PriceDropped',
          'CustomerLapsed',
        ],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowStarter'), 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        }),
      ],
    });
  });

  it('lets the flow starter start and stop only the flows', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) =>
      id.includes('FlowStarter'),
    );
    const statements = policies.flatMap(
      ([, p]) =>
        (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:StopExecution']));
    // Besides the flows: its own logs, tracing, the key, and its on-failure destination (sqs:).
    expect(
      actions.every((a) => ['states:', 'xray:', 'kms:', 'logs:', 'sqs:'].some((p) => a.startsWith(p))),
    ).toBe(true);
    const sqsResources = statements
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')))
      .map((s) => JSON.stringify(s.Resource));
    expect(sqsResources).toEqual([expect.stringMatching(/"FunctionsFlowStarterOnFailure[0-9A-F]+"/)]);
  });

  it('keeps the contact card in a private bucket End User Messaging can read', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'sms-voice.amazonaws.com' },
            Action: 's3:GetObject',
            Effect: 'Allow',
          }),
        ]),
      },
    });
    expect(contactCard('Acme; Coffee', '+18885550100')).toBe(
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Acme\\; Coffee\r\nORG:Acme\\; Coffee\r\nTEL;TYPE=CELL,VOICE:+18885550100\r\nEND:VCARD\r\n',
    );
  });
});
