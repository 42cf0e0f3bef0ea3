/**
 * Everything that holds data is encrypted and outlives the stack; the consent log is archived daily
 * into an Object Lock bucket by a schedule, without a Lambda.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_ARCHIVE_PREFIX } from '../../lib/constructs/consent-archive';
import { ConfigError, parseDeploymentConfig } from '../../lib/config';
import { resourcesOfType, sharedSynthesis, synthesize, TEST_CONFIG } from '../support/template';

describe('data at rest', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('encrypts every table with the customer-managed key and keeps it (PITR, deletion protection)', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(0);
    for (const [id, table] of tables) {
      expect(table.Properties?.SSESpecification, id).toMatchObject({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: expect.anything(),
      });
      expect(table.Properties?.PointInTimeRecoverySpecification, id).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
      expect(table.Properties?.DeletionProtectionEnabled, id).toBe(true);
      expect(table.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('encrypts every queue with the key, and keeps every dead-letter queue', () => {
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    for (const [id, queue] of queues) expect(queue.Properties?.KmsMasterKeyId, id).toBeDefined();
    const deadLetterIds = deadLetterQueueIds(template);
    expect(deadLetterIds.length).toBeGreaterThanOrEqual(9);
    for (const [id, queue] of queues.filter(([queueId]) => deadLetterIds.includes(queueId))) {
      expect(queue.DeletionPolicy, id).toBe('Retain');
      expect(queue.Properties?.MessageRetentionPeriod, id).toBe(14 * 24 * 3600);
    }
  });

  it('encrypts every topic with the key', () => {
    for (const [id, topic] of resourcesOfType(template, 'AWS::SNS::Topic'))
      expect(topic.Properties?.KmsMasterKeyId, id).toBeDefined();
  });

  it('encrypts, closes and keeps every bucket, and logs access to the ones with data', () => {
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(5);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties?.BucketEncryption, id).toBeDefined();
      expect(bucket.Properties?.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.DeletionPolicy, id).toBe('Retain');
    }
    const logged = buckets.filter(([, b]) => b.Properties?.LoggingConfiguration !== undefined);
    expect(logged.map(([id]) => id).sort()).toEqual(
      buckets
        .map(([id]) => id)
        .filter((id) => !id.startsWith('AccessLogs'))
        .sort(),
    );
  });

  it('refuses plain HTTP on every bucket, queue and topic', () => {
    const deniesInsecure = (type: string) =>
      resourcesOfType(template, type).filter(([, policy]) =>
        (
          (policy.Properties?.PolicyDocument as { Statement: { Effect: string; Condition?: unknown }[] })
            .Statement ?? []
        ).some(
          (s) =>
            s.Effect === 'Deny' &&
            JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      ).length;
    expect(deniesInsecure('AWS::S3::BucketPolicy')).toBe(resourcesOfType(template, 'AWS::S3::Bucket').length);
    expect(deniesInsecure('AWS::SQS::QueuePolicy')).toBe(resourcesOfType(template, 'AWS::SQS::Queue').length);
    expect(deniesInsecure('AWS::SNS::TopicPolicy')).toBe(resourcesOfType(template, 'AWS::SNS::Topic').length);
  });

  it('encrypts every log group with the key, with a retention, and keeps it', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const [id, group] of groups) {
      expect(group.Properties?.KmsKeyId, id).toBeDefined();
      expect(group.Properties?.RetentionInDays, id).toBe(365);
      expect(group.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('gives API Gateway its execution log group before it creates its own', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({
        LogGroupName: {
          'Fn::Join': [
            '',
            ['API-Gateway-Execution-Logs_', { Ref: Match.stringLikeRegexp('HttpApi') }, '/prod'],
          ],
        },
      }),
    });
    const [[, stage] = []] = Object.entries(template.findResources('AWS::ApiGateway::Stage')) as [
      string,
      { DependsOn?: string[] },
    ][];
    expect(stage?.DependsOn?.some((d) => d.startsWith('HttpExecutionLogs'))).toBe(true);
  });

  it('lets SNS, EventBridge and CloudWatch use the key to write into encrypted queues and topics', () => {
    const [[, key] = []] = resourcesOfType(template, 'AWS::KMS::Key');
    const statements = (key?.Properties?.KeyPolicy as { Statement: { Principal?: { Service?: unknown } }[] })
      .Statement;
    const services = statements.flatMap((s) => [s.Principal?.Service ?? []].flat());
    expect(services).toEqual(
      expect.arrayContaining(['sns.amazonaws.com', 'events.amazonaws.com', 'cloudwatch.amazonaws.com']),
    );
  });
});

describe('consent-log archive', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('locks every export in COMPLIANCE mode for 5 years by default', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1825 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            }),
          ],
        },
      }),
    });
  });

  it('exports the consent log daily through a Scheduler universal target, without a Lambda', () => {
    const [[, schedule] = []] = resourcesOfType(template, 'AWS::Scheduler::Schedule').filter(([id]) =>
      id.startsWith('ConsentArchive'),
    );
    expect(schedule?.Properties?.ScheduleExpression).toBe('rate(1 day)');
    const target = schedule?.Properties?.Target as {
      Arn: string;
      Input: unknown;
      RoleArn: unknown;
      DeadLetterConfig: { Arn: unknown };
    };
    expect(target.Arn).toBe('arn:aws:scheduler:::aws-sdk:dynamodb:exportTableToPointInTime');
    expect(target.DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SchedulingDlq/), 'Arn'],
    });
    const input = JSON.stringify(target.Input);
    expect(input).toMatch(/\\"TableArn\\":\\"",\{"Fn::GetAtt":\["DataConsentLog[0-9A-F]+","Arn"\]\}/);
    expect(input).toMatch(/\\"S3Bucket\\":\\"",\{"Ref":"ConsentArchiveBucket[0-9A-F]+"\}/);
    expect(input).toContain(`\\"S3Prefix\\":\\"${CONSENT_ARCHIVE_PREFIX}\\"`);
    expect(input).toContain('\\"ExportFormat\\":\\"DYNAMODB_JSON\\"');
  });

  it('runs the export as a role Scheduler assumes, with exactly what the export needs', () => {
    const [[roleId, role] = []] = resourcesOfType(template, 'AWS::IAM::Role').filter(([id]) =>
      id.startsWith('ConsentArchiveExportRole'),
    );
    expect(role?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        },
      ],
    });
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties?.Roles).includes(roleId as string),
    );
    const actions = policies
      .flatMap(
        ([, p]) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((s) => [s.Action].flat())
      .sort();
    expect(actions).toEqual(
      [
        'dynamodb:ExportTableToPointInTime',
        's3:AbortMultipartUpload',
        's3:PutObject',
        's3:PutObjectAcl',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'sqs:SendMessage',
      ].sort(),
    );
  });

  it('takes the retention from consentArchiveRetentionDays', () => {
    const { template: custom } = synthesize(
      { ...TEST_CONFIG, stage: 'dev', consentArchiveRetentionDays: 30 },
      { checks: false },
    );
    custom.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: Match.objectLike({
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      }),
    });
  }, 120_000);

  it.each([0, -1, 1.5, 36_501, '1825'])('refuses consentArchiveRetentionDays %j', (days) => {
    expect(() => parseDeploymentConfig({ brand: 'Acme', consentArchiveRetentionDays: days })).toThrow(
      ConfigError,
    );
    expect(() => parseDeploymentConfig({ brand: 'Acme', consentArchiveRetentionDays: days })).toThrow(
      /optline\.consentArchiveRetentionDays/,
    );
  });

  it('defaults consentArchiveRetentionDays to 1825 days', () => {
    expect(parseDeploymentConfig({ brand: 'Acme' }).consentArchiveRetentionDays).toBe(1825);
  });
});

/** Queues that something sends its failures to: redrive targets, subscription/rule/schedule DLQs, destinations. */
function deadLetterQueueIds(template: Template): string[] {
  const json = JSON.stringify(template.toJSON());
  return resourcesOfType(template, 'AWS::SQS::Queue')
    .map(([id]) => id)
    .filter((id) =>
      [
        `"deadLetterTargetArn":{"Fn::GetAtt":["${id}","Arn"]}`,
        `"DeadLetterConfig":{"Arn":{"Fn::GetAtt":["${id}","Arn"]}}`,
        `"Destination":{"Fn::GetAtt":["${id}","Arn"]}`,
      ].some((reference) => json.includes(reference)),
    );
}
