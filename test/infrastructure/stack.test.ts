import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, tables, type FunctionDefinition } from '../../lib/catalog';
import { resourcesOfType, sharedSynthesis, synthesize, TEST_CONFIG } from '../support/template';
import type { Template } from 'aws-cdk-lib/assertions';

describe('Optline stack', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  describe('tables', () => {
    it('creates one table per catalog entry', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
    });

    it('bills on demand with point-in-time recovery', () => {
      for (const [, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
        expect(table.Properties?.BillingMode).toBe('PAY_PER_REQUEST');
        expect(table.Properties?.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
        });
      }
    });

    it('encrypts every table with the customer-managed key', () => {
      for (const [, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
        expect(table.Properties?.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      }
    });

    it('protects tables from deletion and retains them with the stack', () => {
      const all = template.findResources('AWS::DynamoDB::Table') as Record<
        string,
        { DeletionPolicy: string; Properties: { DeletionProtectionEnabled: boolean } }
      >;
      for (const table of Object.values(all)) {
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      }
    });

    it('keys the consent log by phone and event key', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'phone', KeyType: 'HASH' },
          { AttributeName: 'eventKey', KeyType: 'RANGE' },
        ],
      });
    });

    it('gives profiles the sparse marketing-subscribers index', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'marketingSubscribers' })]),
      });
    });

    it('indexes messages by phone with keys only, so status updates cost no index write', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'byPhone', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
      });
    });

    it('expires short-lived records by TTL where the catalog says so', () => {
      const ttl = resourcesOfType(template, 'AWS::DynamoDB::Table').map(
        ([, t]) =>
          (t.Properties?.TimeToLiveSpecification as { AttributeName: string } | undefined)?.AttributeName,
      );
      const expected = Object.values(tables).filter((t) => 'timeToLiveAttribute' in t).length;
      expect(ttl.filter((a) => a === 'expiresAt')).toHaveLength(expected);
    });

    it('expires message records by TTL', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });
  });

  describe('End User Messaging', () => {
    it('provisions a number with a two-way channel to the inbound topic and self-managed opt-outs', () => {
      template.hasResourceProperties('AWS::SMSVOICE::PhoneNumber', {
        NumberType: 'SIMULATOR',
        IsoCountryCode: 'US',
        SelfManagedOptOutsEnabled: true,
        TwoWay: {
          Enabled: true,
          ChannelArn: { Ref: Match.stringLikeRegexp('InboundSmsTopic') },
          ChannelRole: Match.anyValue(),
        },
        OptOutListName: Match.anyValue(),
        MandatoryKeywords: {
          HELP: { Message: Match.stringLikeRegexp('Acme Coffee.*Msg & data rates may apply.*STOP') },
          STOP: { Message: Match.stringLikeRegexp('Acme Coffee.*no more messages') },
        },
      });
    });

    it('creates an opt-out list', () => {
      template.resourceCountIs('AWS::SMSVOICE::OptOutList', 1);
    });

    it('sends delivery events from the configuration set to a topic', () => {
      template.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
        EventDestinations: [
          Match.objectLike({
            Enabled: true,
            MatchingEventTypes: Match.arrayWith(['TEXT_ALL']),
            SnsDestination: { TopicArn: { Ref: Match.stringLikeRegexp('DeliveryEventsTopic') } },
          }),
        ],
      });
    });

    it('blocks every destination country except the allowed ones', () => {
      const [[, protect] = []] = resourcesOfType(template, 'AWS::SMSVOICE::ProtectConfiguration');
      const rules = (
        protect?.Properties?.CountryRuleSet as { SMS: { CountryCode: string; ProtectStatus: string }[] }
      ).SMS;
      expect(rules.length).toBeGreaterThan(200);
      expect(rules.every((r) => r.ProtectStatus === 'BLOCK')).toBe(true);
      expect(rules.map((r) => r.CountryCode)).not.toContain('US');
      expect(rules.map((r) => r.CountryCode)).toContain('GB');
      expect(rules.every((r) => /^[A-Z]{2}$/.test(r.CountryCode) && r.CountryCode !== 'XK')).toBe(true);
    });

    it('gives an existing number the topic and the role for its two-way channel as outputs', () => {
      const { template: existing } = synthesize(
        {
          ...TEST_CONFIG,
          stage: 'dev',
          origination: {
            kind: 'existing',
            originationIdentityArn: 'arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-abc123',
            phoneNumber: '+18885550123',
          },
        },
        { checks: false },
      );
      existing.resourceCountIs('AWS::SMSVOICE::PhoneNumber', 0);
      existing.hasOutput('InboundTopicArn', { Value: { Ref: Match.stringLikeRegexp('InboundSmsTopic') } });
      existing.hasOutput('TwoWayChannelRoleArn', {
        Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('TwoWayChannelRole'), 'Arn'] },
      });
      existing.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'sms-voice.amazonaws.com' } })],
        },
      });
    }, 120_000);

    it('subscribes the inbound function to the inbound topic with a dead-letter queue', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: { Ref: Match.stringLikeRegexp('InboundSmsTopic') },
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
      });
    });
  });

  describe('functions', () => {
    it('builds one Node.js 22 arm64 function per catalog entry', () => {
      const lambdas = resourcesOfType(template, 'AWS::Lambda::Function').filter(
        ([, f]) => f.Properties?.Runtime === 'nodejs22.x',
      );
      expect(lambdas).toHaveLength(Object.keys(functions).length);
      for (const [, fn] of lambdas) {
        expect(fn.Properties?.Architectures).toEqual(['arm64']);
        expect(fn.Properties?.TracingConfig).toEqual({ Mode: 'Active' });
      }
    });

    it('passes table names and messaging settings through the environment', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            PROFILES_TABLE: Match.anyValue(),
            CONSENT_LOG_TABLE: Match.anyValue(),
            ORIGINATION_IDENTITY: Match.anyValue(),
            CONFIGURATION_SET_NAME: Match.anyValue(),
            OPT_OUT_LIST_NAME: Match.anyValue(),
            EVENT_BUS_NAME: Match.anyValue(),
          }),
        },
      });
    });
  });

  describe('events and API', () => {
    it('creates the optline event bus', () => {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'optline-prod' });
    });

    it('requires IAM auth on server-to-server routes and leaves only browser-facing routes public', () => {
      const methods = resourcesOfType(template, 'AWS::ApiGateway::Method');
      const routes = (Object.values(functions) as FunctionDefinition[]).flatMap((f) =>
        f.trigger.kind === 'http' ? [...f.trigger.routes] : [],
      );
      expect(methods).toHaveLength(routes.length);
      // The one OPTIONS method is the embed script's preflight, answered by the form function.
      expect(
        methods
          .filter(([, m]) => m.Properties?.HttpMethod === 'OPTIONS')
          .map(([, m]) => m.Properties?.AuthorizationType),
      ).toEqual(['NONE']);
      const byAuth = (auth: string) =>
        methods.filter(([, m]) => m.Properties?.AuthorizationType === auth).length;
      expect(byAuth('NONE')).toBe(routes.filter((r) => r.auth === 'public').length);
      expect(byAuth('AWS_IAM')).toBe(routes.filter((r) => r.auth === 'iam').length);
      expect(
        routes
          .filter((r) => r.auth === 'public')
          .map((r) => r.path)
          .sort(),
      ).toEqual([
        '/f/{formId}',
        '/f/{formId}/embed.js',
        '/f/{formId}/qr.svg',
        '/f/{formId}/submit',
        '/f/{formId}/submit',
        '/p/{token}',
        '/p/{token}',
        '/r/{code}',
        '/v1/click-to-text',
        '/v1/consent-certificates/public-key',
        '/v1/openapi.json',
        '/v1/subscriptions',
        '/v1/verifications',
        '/v1/verifications/check',
      ]);
    });

    it('serves the API under /v1', () => {
      template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'v1' });
    });
  });
});
