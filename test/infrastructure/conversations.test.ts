/**
 * The conversation parts of the stack: the sparse index of open conversations, the recurring sweep,
 * and webhooks through EventBridge connections, API destinations and rules with retries and a
 * dead-letter queue.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAG_PACK } from '../../lib/constructs/nag';
import { helpdeskPayload, WEBHOOK_SECRET_HEADER } from '../../lib/webhooks';
import {
  resourcesOfType,
  sharedSynthesis,
  synthesize,
  TEST_CONFIG,
  type PluginReport,
} from '../support/template';

const WEBHOOKS = [
  {
    url: 'https://desk.acme-coffee.example/optline',
    events: ['ConversationMessage', 'ConversationClosed', 'OptedOut'],
    secretName: 'optline/helpdesk-webhook',
    format: 'helpdesk',
    rateLimitPerSecond: 5,
  },
  {
    url: 'https://crm.acme-coffee.example/hooks/sms',
    events: ['OptedOut', 'SubscriptionConfirmed'],
    secretName: 'optline/crm-webhook',
  },
];

describe('conversations in the stack', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('indexes open conversations sparsely on the profiles table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'openConversations',
          KeySchema: [
            { AttributeName: 'conversationOpen', KeyType: 'HASH' },
            { AttributeName: 'conversationLastMessageAt', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('sweeps conversations every 15 minutes, with retries and a dead-letter queue', () => {
    const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule').filter(([id]) =>
      id.startsWith('SchedulingsweeperConversations'),
    );
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.[1].Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionsSweeper/), 'Arn'] },
        Input: '{"sweep":"conversations"}',
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    });
  });

  it('creates no webhook resources when none is configured', () => {
    expect(resourcesOfType(template, 'AWS::Events::Connection')).toEqual([]);
    expect(resourcesOfType(template, 'AWS::Events::ApiDestination')).toEqual([]);
  });
});

describe('webhooks in the stack', () => {
  let template: Template;
  let deadLetterQueues: string[];
  let reports: PluginReport[];

  beforeAll(() => {
    const synthesis = synthesize({ ...TEST_CONFIG, webhooks: WEBHOOKS });
    template = synthesis.template;
    deadLetterQueues = Object.keys(synthesis.stack.optline.deadLetterQueues);
    reports = synthesis.reports;
  }, 300_000);

  it('passes the AwsSolutions checks with webhooks configured', () => {
    const nag = reports.find((report) => report.pluginName === NAG_PACK);
    expect(nag?.violations.map((v) => `${v.ruleName} at ${v.violatingConstructs[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(nag?.conclusion).toBe('success');
  });

  it('alarms on the webhooks dead-letter queue', () => {
    const [queueId] = resourcesOfType(template, 'AWS::SQS::Queue').find(([id]) =>
      id.startsWith('WebhooksDlq'),
    )!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('authorizes each delivery with the secret in the X-Optline-Webhook-Secret header', () => {
    expect(WEBHOOK_SECRET_HEADER).toBe('X-Optline-Webhook-Secret');
    const connections = resourcesOfType(template, 'AWS::Events::Connection');
    expect(connections).toHaveLength(2);
    template.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'X-Optline-Webhook-Secret',
          ApiKeyValue: Match.anyValue(),
        },
      },
    });
    const values = connections.map(([, c]) => JSON.stringify(c.Properties?.AuthParameters));
    expect(values[0]).toContain('optline/helpdesk-webhook');
    expect(values[1]).toContain('optline/crm-webhook');
  });

  it('sends to each URL through an API destination with its rate limit', () => {
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: 'https://desk.acme-coffee.example/optline',
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 5,
    });
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: 'https://crm.acme-coffee.example/hooks/sms',
      InvocationRateLimitPerSecond: 10,
    });
  });

  it('routes the chosen events with 24 hours of retries and a dead-letter queue', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([id]) => id.startsWith('Webhooks'));
    // Help desk: messages and closes as tickets, OptedOut as published; CRM: one rule.
    expect(
      rules.map(([, r]) => (r.Properties?.EventPattern as { 'detail-type': string[] })['detail-type']),
    ).toEqual([
      ['ConversationMessage'],
      ['ConversationClosed'],
      ['OptedOut'],
      ['OptedOut', 'SubscriptionConfirmed'],
    ]);
    for (const [, rule] of rules) {
      expect(rule.Properties?.Targets).toEqual([
        expect.objectContaining({
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: expect.anything() },
        }),
      ]);
    }
    expect(deadLetterQueues).toContain('WebhooksDlq');
  });

  it('shapes conversation messages as a help-desk ticket per phone', () => {
    const [, messages] = resourcesOfType(template, 'AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties?.EventPattern).includes('"ConversationMessage"'),
    )!;
    const transformer = (messages.Properties?.Targets as { InputTransformer: Record<string, unknown> }[])[0]
      ?.InputTransformer;
    expect(transformer?.InputPathsMap).toMatchObject({
      'detail-phone': '$.detail.phone',
      'detail-body': '$.detail.body',
    });
    expect(JSON.stringify(transformer?.InputTemplate)).toContain('optline-<detail-phone>');
  });

  it('refuses a webhook URL that is not HTTPS', () => {
    expect(() =>
      synthesize({ ...TEST_CONFIG, webhooks: [{ ...WEBHOOKS[1], url: 'http://127.0.0.1:9000/hook' }] }),
    ).toThrow(/optline\.webhooks\.0\.url/);
  });

  it('documents the help-desk payload as it is built', () => {
    const doc = readFileSync(resolve(__dirname, '..', '..', 'docs', 'conversations.md'), 'utf8');
    const example = /### Payloads[\s\S]*?```json\n([\s\S]*?)```/u.exec(doc)?.[1];
    const shape = (value: unknown): unknown =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]))
        : null;
    expect(shape(JSON.parse(example ?? '{}'))).toEqual(
      shape(helpdeskPayload('helpdeskMessage', (path) => path, 'https://api.example')),
    );
  });
});
