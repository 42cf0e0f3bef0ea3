/** The consent-certificate key in the template: an RSA signing key, kept, and used by one function only to sign. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_METADATA_KEY } from '../../lib/catalog';
import { VARIABLE_NAMES } from '../../lib/function-environment';
import { resourcesOfType, sharedSynthesis } from '../support/template';

describe('the consent-certificate key', () => {
  let template: Template;
  let keyId: string;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    const keys = resourcesOfType(template, 'AWS::KMS::Key').filter(
      ([, key]) => key.Metadata?.[RESOURCE_METADATA_KEY] === 'key/certificate',
    );
    expect(keys).toHaveLength(1);
    keyId = keys[0]?.[0] as string;
  }, 300_000);

  it('is an RSA 2048 signing key, kept when the stack is deleted', () => {
    const key = template.toJSON().Resources[keyId] as Record<string, unknown>;
    expect(key).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
    });
  });

  it('lets the certificate function alone sign with it and read its public key', () => {
    const users: string[] = [];
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      const statements = (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement;
      for (const statement of statements) {
        if (!JSON.stringify(statement.Resource).includes(`"${keyId}"`)) continue;
        expect([statement.Action].flat().sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
        for (const role of policy.Properties?.Roles as { Ref: string }[]) users.push(role.Ref);
      }
    }
    const [[, fn] = []] = resourcesOfType(template, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Metadata?.[RESOURCE_METADATA_KEY] === 'function/consentCertificatesApi',
    );
    const role = (fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(users).toEqual([role]);
    const variables = (fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[VARIABLE_NAMES.certificateKey]).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });
});
