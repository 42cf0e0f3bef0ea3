import { App, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { complianceWarnings } from '../../lib/compliance-warnings';
import { parseDeploymentConfig } from '../../lib/config';
import { OptlineStack } from '../../lib/optline-stack';
import { testDirectory } from '../support/temp-dir';

const codes = (raw: Record<string, unknown>) =>
  complianceWarnings(parseDeploymentConfig({ brand: 'Acme', ...raw })).map((w) => `${w.field} ${w.code}`);

describe('compliance checks of the config', () => {
  it('warns that a program texting US numbers needs the Texas registration', () => {
    expect(codes({})).toEqual(['optline.compliance.texasRegistration texas-registration']);
    expect(codes({ compliance: { texasRegistration: { registered: false } } })).toHaveLength(1);
    expect(codes({ allowedCountries: ['CA', 'US'] })).toHaveLength(1);
  });

  it('is silent once registered, or when no US number can be texted', () => {
    expect(
      codes({ compliance: { texasRegistration: { registered: true, certificate: '2025-00123' } } }),
    ).toEqual([]);
    expect(codes({ allowedCountries: ['CA'] })).toEqual([]);
  });

  it('refuses a registration that is not a yes or no, naming the field', () => {
    expect(() =>
      parseDeploymentConfig({ brand: 'Acme', compliance: { texasRegistration: { registered: 'yes' } } }),
    ).toThrow(/optline\.compliance\.texasRegistration\.registered/);
  });

  it('reports it as a cdk synth warning', () => {
    // The annotations are read: neither bundles nor CDK's CloudFormation validation are needed.
    const app = new App({
      outdir: testDirectory('optline-cdk-out-'),
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    const stack: Stack = new OptlineStack(app, 'ComplianceWarnings', {
      config: parseDeploymentConfig({ brand: 'Acme' }),
      env: { account: '123456789012', region: 'us-east-1' },
    });
    const found = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('optline\\.compliance\\.texasRegistration: .*SB 140'),
    );
    expect(found).toHaveLength(1);
  });
});
