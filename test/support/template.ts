/** Synthesizes the stack once per test file (with real esbuild bundling) for template assertions. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseDeploymentConfig } from '../../lib/config';
import { OptlineStack } from '../../lib/optline-stack';

export const TEST_CONFIG = {
  brand: 'Acme Coffee',
  supportContact: 'help@acme-coffee.example',
  termsUrl: 'https://acme-coffee.example/terms',
  privacyUrl: 'https://acme-coffee.example/privacy',
  stage: 'prod',
};

export function synthesize(raw: Record<string, unknown> = TEST_CONFIG): {
  stack: OptlineStack;
  template: Template;
} {
  const app = new App();
  const stack = new OptlineStack(app, 'OptlineTest', {
    config: parseDeploymentConfig(raw),
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return { stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}
