/**
 * The downloads bucket in the template: its own KMS key, TLS only, no public access, access logs,
 * expiry after a day, and the grants that let the certificate and privacy functions write a
 * document under their own prefix and sign the GET that downloads it (PutObject and GetObject there,
 * GenerateDataKey and Decrypt on the bucket's key), and nothing else of the bucket or its key.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_METADATA_KEY } from '../../lib/catalog';
import { VARIABLE_NAMES } from '../../lib/function-environment';
import { resourcesOfType, sharedSynthesis } from '../support/template';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Resource = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('downloads bucket', () => {
  let template: Template;
  let bucketId: string;
  let keyId: string;

  const named = (type: string, name: string) =>
    resourcesOfType(template, type).filter(([, r]) => r.Metadata?.[RESOURCE_METADATA_KEY] === name);
  const resource = (id: string) => template.toJSON().Resources[id] as Resource;
  const roleOf = (functionId: string) => {
    const [[id] = []] = named('AWS::Lambda::Function', `function/${functionId}`);
    return (resource(id!).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  };
  /** Every statement naming `logicalId` in its resources, with the roles it is attached to. */
  const grantsOn = (logicalId: string) => {
    const grants: { roles: unknown; statement: Statement }[] = [];
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      for (const statement of (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (JSON.stringify(statement.Resource).includes(`"${logicalId}"`))
          grants.push({ roles: policy.Properties?.Roles, statement });
      }
    }
    return grants;
  };

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    const buckets = named('AWS::S3::Bucket', 'bucket/downloads');
    expect(buckets).toHaveLength(1);
    bucketId = buckets[0]![0];
    const encryption = resource(bucketId).Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    keyId = encryption.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
  }, 300_000);

  it('encrypts with a rotated KMS key of its own, blocks public access and logs access', () => {
    const key = resource(keyId);
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties).toMatchObject({
      EnableKeyRotation: true,
      Description: expect.stringContaining('download links'),
    });
    expect(resource(bucketId).Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'downloads/' },
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

  it('expires documents a day after they are written', () => {
    expect(resource(bucketId).Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'ExpireDownloads',
        Status: 'Enabled',
        ExpirationInDays: 1,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });

  it('lets each serving function PutObject and GetObject under its own prefix only', () => {
    const objects = (prefix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
    });
    expect(grantsOn(bucketId)).toEqual(
      expect.arrayContaining([
        {
          roles: [{ Ref: roleOf('consentCertificatesApi') }],
          statement: {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: objects('certificates/'),
          },
        },
        {
          roles: [{ Ref: roleOf('privacyApi') }],
          statement: {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: objects('exports/'),
          },
        },
      ]),
    );
    expect(grantsOn(bucketId)).toHaveLength(2);
  });

  it('lets only those functions use its key, to encrypt a document and to decrypt it for a link', () => {
    const grants = grantsOn(keyId);
    expect(grants.map((g) => g.roles)).toEqual(
      expect.arrayContaining([[{ Ref: roleOf('consentCertificatesApi') }], [{ Ref: roleOf('privacyApi') }]]),
    );
    expect(grants).toHaveLength(2);
    for (const { statement } of grants)
      expect(statement).toEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
  });

  it("gives the serving functions the bucket's name", () => {
    for (const functionId of ['consentCertificatesApi', 'privacyApi'])
      template.hasResource('AWS::Lambda::Function', {
        Metadata: { [RESOURCE_METADATA_KEY]: `function/${functionId}` },
        Properties: {
          Environment: {
            Variables: Match.objectLike({ [VARIABLE_NAMES.downloadsBucket]: { Ref: bucketId } }),
          },
        },
      });
  });
});
