/**
 * No event is dropped silently: every asynchronous hop has somewhere to put what it could not
 * deliver or process (see ASYNC_TRIGGERS in lib/constructs/functions.ts for which layer holds what).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, type FunctionDefinition } from '../../lib/catalog';
import { VARIABLE_NAMES } from '../../lib/function-environment';
import { ASYNC_TRIGGERS } from '../../lib/constructs/functions';
import { resourcesOfType, sharedSynthesis } from '../support/template';

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

describe('failure handling', () => {
  let template: Template;
  /** Logical id of each catalog function. */
  let functionIds: Record<string, string>;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    const lambdas = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
    functionIds = Object.fromEntries(
      Object.keys(functions).map((functionId) => [
        functionId,
        lambdas.find((id) => new RegExp(`^Functions${pascal(functionId)}[0-9A-F]{8}$`).test(id)) ?? '',
      ]),
    );
  }, 300_000);

  /** Functions something invokes asynchronously, read from the template plus the scheduled ones. */
  const asyncallyInvoked = (): string[] => {
    const targets = new Set<string>();
    for (const [, subscription] of resourcesOfType(template, 'AWS::SNS::Subscription')) {
      if (subscription.Properties?.Protocol !== 'lambda') continue;
      targets.add((subscription.Properties.Endpoint as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
    }
    for (const [, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
      for (const target of (rule.Properties?.Targets ?? []) as {
        Arn: { 'Fn::GetAtt'?: [string, string] };
      }[]) {
        const id = target.Arn['Fn::GetAtt']?.[0];
        if (id && functionIdsOf().includes(id)) targets.add(id);
      }
    }
    // The stack's own schedules (the recurring ones) name their target; the campaigns' are made at
    // run time, so their target comes from the catalog.
    for (const [, schedule] of resourcesOfType(template, 'AWS::Scheduler::Schedule')) {
      const id = (schedule.Properties?.Target as { Arn: { 'Fn::GetAtt'?: [string, string] } }).Arn[
        'Fn::GetAtt'
      ]?.[0];
      if (id && functionIdsOf().includes(id)) targets.add(id);
    }
    for (const [functionId, definition] of Object.entries(functions) as [string, FunctionDefinition][])
      if (definition.trigger.kind === 'schedule') targets.add(functionIds[functionId] as string);
    return [...targets].sort();
  };
  const functionIdsOf = () => Object.values(functionIds);

  it('knows which functions are invoked asynchronously', () => {
    const fromCatalog = (Object.entries(functions) as [string, FunctionDefinition][])
      .filter(([, d]) => ASYNC_TRIGGERS.has(d.trigger.kind))
      .map(([functionId]) => functionIds[functionId])
      .sort();
    expect(asyncallyInvoked()).toEqual(fromCatalog);
    expect(fromCatalog.length).toBeGreaterThanOrEqual(3);
  });

  it('gives every asynchronously invoked function an on-failure destination or a dead-letter queue', () => {
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
    const lambdas = Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function'));
    for (const id of asyncallyInvoked()) {
      const config = configs.find(
        ([, c]) => JSON.stringify(c.Properties?.FunctionName) === JSON.stringify({ Ref: id }),
      );
      const onFailure = (
        config?.[1].Properties?.DestinationConfig as { OnFailure?: { Destination: unknown } }
      )?.OnFailure?.Destination;
      const deadLetter = lambdas[id]?.Properties?.DeadLetterConfig;
      expect(onFailure ?? deadLetter, id).toBeDefined();
    }
  });

  it('retries a failed asynchronous invocation twice within six hours before giving up on it', () => {
    for (const [, config] of resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')) {
      expect(config.Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
      });
    }
  });

  it('keeps what SNS could not hand to a function in a dead-letter queue', () => {
    for (const [id, subscription] of resourcesOfType(template, 'AWS::SNS::Subscription')) {
      expect(subscription.Properties?.RedrivePolicy, id).toEqual({ deadLetterTargetArn: expect.anything() });
    }
  });

  it('keeps what EventBridge could not deliver after its retries in a dead-letter queue', () => {
    for (const [id, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
      for (const target of rule.Properties?.Targets as object[]) {
        expect(target, id).toMatchObject({
          DeadLetterConfig: { Arn: expect.anything() },
          RetryPolicy: expect.anything(),
        });
      }
    }
  });

  it('tells every scheduling function where failed schedule invocations go', () => {
    const schedulers = (Object.entries(functions) as [string, FunctionDefinition][]).filter(
      ([, d]) => d.schedules?.length,
    );
    expect(schedulers.length).toBeGreaterThan(0);
    const lambdas = Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function'));
    for (const [functionId] of schedulers) {
      const variables = (
        lambdas[functionIds[functionId] as string]?.Properties?.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(variables[VARIABLE_NAMES.schedulerDeadLetterQueue], functionId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^SchedulingDlq/), 'Arn'],
      });
    }
  });

  it('lets the schedules’ role send to that queue, with the key that encrypts it', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SchedulingInvokeRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulingDlq'), 'Arn'] },
          }),
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('lets the schedules’ role invoke only the scheduled functions, unqualified', () => {
    const policy = resourcesOfType(template, 'AWS::IAM::Policy').find(([id]) =>
      id.startsWith('SchedulingInvokeRoleDefaultPolicy'),
    );
    const invoked = (
      policy?.[1].Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
    ).Statement.filter((s) => s.Action === 'lambda:InvokeFunction').flatMap((s) => [s.Resource].flat());
    // The targets of the schedules functions make, then those of the stack's recurring schedules.
    const scheduled = new Set([
      ...(Object.values(functions) as FunctionDefinition[]).flatMap((d) => [...(d.schedules ?? [])]),
      ...(Object.entries(functions) as [string, FunctionDefinition][])
        .filter(([, d]) => d.trigger.kind === 'recurring')
        .map(([functionId]) => functionId),
    ]);
    expect(invoked).toEqual(
      [...scheduled].map((functionId) => ({ 'Fn::GetAtt': [functionIds[functionId], 'Arn'] })),
    );
  });
});
