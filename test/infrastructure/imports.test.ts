/**
 * The import bucket and the upload route in the template: encryption with the stack key, TLS only,
 * no public access, access logs, expiry after `imports.retentionDays`, and the one grant that lets
 * the imports function sign uploads (PutObject under `uploads/`, nothing else).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_METADATA_KEY } from '../../lib/catalog';
import { parseDeploymentConfig } from '../../lib/config';
import { VARIABLE_NAMES } from '../../lib/function-environment';
import { resourcesOfType, sharedSynthesis, synthesize, TEST_CONFIG } from '../support/template';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('import bucket', () => {
  let template: Template;
  let bucketId: string;

  const named = (type: string, name: string) =>
    resourcesOfType(template, type).filter(([, r]) => r.Metadata?.[RESOURCE_METADATA_KEY] === name);

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    const buckets = named('AWS::S3::Bucket', 'bucket/imports');
    expect(buckets).toHaveLength(1);
    bucketId = buckets[0]![0];
  }, 300_000);

  const bucket = () => template.toJSON().Resources[bucketId] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('encrypts with the stack key, blocks public access and is kept with the evidence', () => {
    const [[keyId] = []] = resourcesOfType(template, 'AWS::KMS::Key').filter(([, key]) =>
      String(key.Properties?.Description).startsWith('Optline: tables'),
    );
    expect(bucket()).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: { LogFilePrefix: 'imports/' },
      },
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires files after 400 days by default, and aborts unfinished uploads after a day', () => {
    expect(bucket().Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'ExpireImportFiles',
        Status: 'Enabled',
        ExpirationInDays: 400,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });

  it('takes the expiry from imports.retentionDays', () => {
    const { template: custom } = synthesize(
      { ...TEST_CONFIG, stage: 'dev', imports: { retentionDays: 30 } },
      { bundling: false },
    );
    custom.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Id: 'ExpireImportFiles', ExpirationInDays: 30 })],
      },
    });
  }, 120_000);

  it.each([0, 36_501, 1.5])('refuses imports.retentionDays %j', (days) => {
    expect(() => parseDeploymentConfig({ brand: 'Acme', imports: { retentionDays: days } })).toThrow(
      /optline\.imports\.retentionDays/,
    );
  });

  it('lets the imports function PutObject under uploads/ and nothing else of the bucket', () => {
    const grants: { role: unknown; statement: Statement }[] = [];
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      for (const statement of (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (JSON.stringify(statement.Resource).includes(`"${bucketId}"`))
          grants.push({ role: policy.Properties?.Roles, statement });
      }
    }
    const [[functionId] = []] = named('AWS::Lambda::Function', 'function/importsApi');
    const fn = template.toJSON().Resources[functionId!] as { Properties: { Role: unknown } };
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect(grants).toEqual([
      {
        role: [{ Ref: role }],
        statement: {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/uploads/*']] },
        },
      },
    ]);
  });

  it("gives the imports function the bucket's name", () => {
    const [[functionId] = []] = named('AWS::Lambda::Function', 'function/importsApi');
    template.hasResource('AWS::Lambda::Function', {
      Metadata: { [RESOURCE_METADATA_KEY]: 'function/importsApi' },
      Properties: {
        Environment: {
          Variables: Match.objectLike({ [VARIABLE_NAMES.importsBucket]: { Ref: bucketId } }),
        },
      },
    });
    expect(functionId).toBeDefined();
  });

  it('routes POST /v1/imports to the imports function, IAM-authenticated', () => {
    const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
    const v1 = resources.find(([, r]) => r.Properties?.PathPart === 'v1');
    const imports = resources.find(
      ([, r]) =>
        r.Properties?.PathPart === 'imports' &&
        JSON.stringify(r.Properties.ParentId) === JSON.stringify({ Ref: v1?.[0] }),
    );
    expect(imports).toBeDefined();
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ResourceId: { Ref: imports![0] },
      AuthorizationType: 'AWS_IAM',
    });
  });
});
