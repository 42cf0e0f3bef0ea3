/** Privacy requests in the template: the key of erased numbers' hashes, who may read it, the access log. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_METADATA_KEY } from '../../lib/catalog';
import { VARIABLE_NAMES } from '../../lib/function-environment';
import { resourcesOfType, sharedSynthesis } from '../support/template';

describe('privacy requests', () => {
  let template: Template;
  let secretId: string;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    const secrets = resourcesOfType(template, 'AWS::SecretsManager::Secret').filter(
      ([, secret]) => secret.Metadata?.[RESOURCE_METADATA_KEY] === 'secret/privacy-key',
    );
    expect(secrets).toHaveLength(1);
    secretId = secrets[0]?.[0] as string;
  }, 300_000);

  it('keys the hash with a generated secret, encrypted with the stack key and kept with the data', () => {
    const [[keyId] = []] = resourcesOfType(template, 'AWS::KMS::Key');
    const secret = template.toJSON().Resources[secretId] as Record<string, unknown>;
    expect(secret).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
    });
  });

  it('lets the privacy function alone read the secret', () => {
    const readers: string[] = [];
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      const statements = (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement;
      for (const statement of statements) {
        if (JSON.stringify(statement.Resource) !== JSON.stringify({ Ref: secretId })) continue;
        expect([statement.Action].flat().sort()).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
        for (const role of policy.Properties?.Roles as { Ref: string }[]) readers.push(role.Ref);
      }
    }
    const [[, privacyFn] = []] = resourcesOfType(template, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Metadata?.[RESOURCE_METADATA_KEY] === 'function/privacyApi',
    );
    const role = (privacyFn?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(readers).toEqual([role]);
    const variables = (privacyFn?.Properties?.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables[VARIABLE_NAMES.privacyKey]).toEqual({ Ref: secretId });
  });

  it('gives no function a way to delete or update the consent log', () => {
    const [[tableId] = []] = resourcesOfType(template, 'AWS::DynamoDB::Table').filter(
      ([, t]) => t.Metadata?.[RESOURCE_METADATA_KEY] === 'table/consentLog',
    );
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      for (const statement of (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement) {
        if (!JSON.stringify(statement.Resource).includes(`"${tableId}"`)) continue;
        const actions = [statement.Action].flat();
        expect(actions).not.toContain('dynamodb:DeleteItem');
        expect(actions).not.toContain('dynamodb:UpdateItem');
      }
    }
  });

  it('logs API requests by route, so no number in a path reaches the access log', () => {
    const [[, stage] = []] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    const format = String((stage?.Properties?.AccessLogSetting as { Format: string }).Format);
    expect(format).toContain('$context.resourcePath');
    expect(format).not.toContain('$context.path');
  });
});
