/**
 * The import bucket and the upload route in the template: encryption with the stack key, TLS only,
 * no public access, access logs, expiry after `imports.retentionDays`, and the one grant that lets
 * the imports function sign uploads (PutObject under `uploads/`, nothing else).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import validateAsl from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { importStateMachine, RESOURCE_METADATA_KEY } from '../../lib/catalog';
import { IMPORT_BATCHES_AT_ONCE } from '../../lambdas/domain/import-request';
import { ROOT } from '../support/root';
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
      { checks: false },
    );
    custom.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Id: 'ExpireImportFiles', ExpirationInDays: 30 })],
      },
    });
  }, 120_000);

  it.each([0, 19, 5001, 1.5])('refuses imports.rowsPerSecond %j', (rate) => {
    expect(() => parseDeploymentConfig({ brand: 'Acme', imports: { rowsPerSecond: rate } })).toThrow(
      /optline\.imports\.rowsPerSecond/,
    );
  });

  it.each(['function/importsApi', 'function/importBatches'])(
    'gives %s the import pace, 200 rows a second by default',
    (name) => {
      template.hasResource('AWS::Lambda::Function', {
        Metadata: { [RESOURCE_METADATA_KEY]: name },
        Properties: {
          Environment: { Variables: Match.objectLike({ [VARIABLE_NAMES.importRowsPerSecond]: '200' }) },
        },
      });
    },
  );

  it.each([0, 36_501, 1.5])('refuses imports.retentionDays %j', (days) => {
    expect(() => parseDeploymentConfig({ brand: 'Acme', imports: { retentionDays: days } })).toThrow(
      /optline\.imports\.retentionDays/,
    );
  });

  /** The statements on the bucket's objects in the policies of a role. */
  const bucketGrants = (role: string) => {
    const grants: { role: unknown; statement: Statement }[] = [];
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      if (JSON.stringify(policy.Properties?.Roles) !== JSON.stringify([{ Ref: role }])) continue;
      for (const statement of (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (JSON.stringify(statement.Resource).includes(`"${bucketId}"`))
          grants.push({ role: policy.Properties?.Roles, statement });
      }
    }
    return grants;
  };
  const roleOf = (functionName: string) => {
    const [[functionId] = []] = named('AWS::Lambda::Function', functionName);
    const fn = template.toJSON().Resources[functionId!] as { Properties: { Role: unknown } };
    return (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  };
  const objects = (prefix: string) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
  });

  it('lets the imports function PutObject under uploads/ and nothing else of the bucket', () => {
    const role = roleOf('function/importsApi');
    expect(bucketGrants(role)).toEqual([
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

  it('lets the import steps read uploads/ and write expanded/, and nothing else of the bucket', () => {
    const role = roleOf('function/importSteps');
    expect(bucketGrants(role).map((g) => g.statement)).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objects('uploads/') },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
        Resource: objects('expanded/'),
      },
    ]);
  });

  it('gives the batches of the import no access to the bucket', () => {
    expect(bucketGrants(roleOf('function/importBatches'))).toEqual([]);
  });

  it('sends Object Created events of the bucket to EventBridge', () => {
    expect(bucket().Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
  });

  describe('the import state machine', () => {
    let machineId: string;
    let definition: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    beforeAll(() => {
      const machines = named('AWS::StepFunctions::StateMachine', 'state-machine/import');
      expect(machines).toHaveLength(1);
      machineId = machines[0]![0];
      definition = JSON.parse(String(machines[0]![1].Properties?.DefinitionString)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    });

    it('passes asl-validator, and names its states by their type', () => {
      const text = readFileSync(resolve(ROOT, importStateMachine.definitionFile), 'utf8')
        .replaceAll('${ImportStepsFunctionArn}', 'arn:aws:lambda:us-east-1:123456789012:function:steps')
        .replaceAll('${ImportBatchesFunctionArn}', 'arn:aws:lambda:us-east-1:123456789012:function:batches');
      const result = validateAsl(JSON.parse(text), { checkArn: true, checkPaths: true });
      expect(result.errorsText()).toBe('');
      const states = Object.entries(
        definition.States as Record<
          string,
          { Type: string; ItemProcessor?: { States: Record<string, { Type: string }> } }
        >,
      ).flatMap(([name, state]) => [
        [name, state.Type],
        ...Object.entries(state.ItemProcessor?.States ?? {}).map(([n, s]) => [n, s.Type]),
      ]);
      for (const [name, type] of states) expect(name?.endsWith(type ?? ''), name).toBe(true);
    });

    it('is started by a rule on Object Created under uploads/ of the import bucket, through the import starter', () => {
      const [[starterId] = []] = named('AWS::Lambda::Function', 'function/importStarter');
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [{ Ref: bucketId }] }, object: { key: [{ prefix: 'uploads/' }] } },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [starterId, 'Arn'] },
            DeadLetterConfig: Match.objectLike({}),
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          }),
        ],
      });
    });

    it('lets the import starter start the import state machine', () => {
      const statements = resourcesOfType(template, 'AWS::IAM::Policy')
        .filter(
          ([, p]) =>
            JSON.stringify(p.Properties?.Roles) ===
            JSON.stringify([{ Ref: roleOf('function/importStarter') }]),
        )
        .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: 'states:StartExecution',
        Resource: { Ref: machineId },
      });
    });

    it.each(['ImportCsvMap', 'ImportJsonLinesMap'])(
      '%s is a Distributed Map: batches of 100, no failure tolerated, results written to the bucket',
      (state) => {
        expect(definition.States[state]).toMatchObject({
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject' },
          // Smaller batches for wide files, rather than a batch over Step Functions' 256 KiB.
          ItemBatcher: { MaxItemsPerBatch: 100, MaxInputBytesPerBatch: 240 * 1024 },
          ToleratedFailureCount: 0,
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' },
        });
      },
    );

    it('runs as many batches at once as the command keeps in flight, which the pace shares', () => {
      expect(definition.States.ImportCsvMap.MaxConcurrency).toBe(IMPORT_BATCHES_AT_ONCE);
      expect(definition.States.ImportJsonLinesMap.MaxConcurrency).toBe(IMPORT_BATCHES_AT_ONCE);
    });

    it('reads CSV with its header first, and JSON Lines', () => {
      expect(definition.States.ImportCsvMap.ItemReader.ReaderConfig).toEqual({
        InputType: 'CSV',
        CSVHeaderLocation: 'FIRST_ROW',
      });
      expect(definition.States.ImportJsonLinesMap.ItemReader.ReaderConfig).toEqual({ InputType: 'JSONL' });
    });

    it('reads uploads/ and expanded/, writes results/, and nothing else of the bucket', () => {
      const machine = template.toJSON().Resources[machineId] as { Properties: { RoleArn: unknown } };
      const role = (machine.Properties.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      expect(bucketGrants(role).map((g) => g.statement)).toEqual([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: [objects('expanded/'), objects('uploads/')] },
        {
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
          Resource: objects('results/'),
        },
      ]);
    });

    it('grants no wildcard action to the import roles', () => {
      const roles = [
        roleOf('function/importStarter'),
        roleOf('function/importSteps'),
        roleOf('function/importBatches'),
        (
          (template.toJSON().Resources[machineId] as { Properties: { RoleArn: unknown } }).Properties
            .RoleArn as { 'Fn::GetAtt': [string] }
        )['Fn::GetAtt'][0],
      ];
      const actions = resourcesOfType(template, 'AWS::IAM::Policy')
        .filter(([, p]) =>
          roles.some((r) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: r }])),
        )
        .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
        .flatMap((statement) => [statement.Action].flat());
      expect(actions.length).toBeGreaterThan(0);
      // The KMS grants CDK writes name action families on the stack's one key (see functions.ts).
      expect(
        actions.filter((a) => a.includes('*') && !/^kms:(GenerateDataKey|ReEncrypt)\*$/.test(a)),
      ).toEqual([]);
    });
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
