import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../lib/config';
import { OptlineStack } from '../../lib/optline-stack';
import { testDirectory } from '../support/temp-dir';
import { flowTemplateWarnings, linkOrigin } from '../../lib/template-lint';

describe('flow template checks at synth', () => {
  it('finds nothing to say about the default templates', () => {
    expect(flowTemplateWarnings(parseDeploymentConfig({ brand: 'Acme Coffee' }).program)).toEqual([]);
  });

  it('names the field of a template that starts with a link, uses a shortener or forces UCS-2', () => {
    const config = parseDeploymentConfig({
      brand: 'Acme',
      flows: {
        abandonedCart: { body: '{{ event.cart_url }} is waiting 🛒' },
        backInStock: { body: '{{ event.product_name }} is back: https://bit.ly/abc' },
      },
    });
    const warnings = flowTemplateWarnings(config.program).map((w) => `${w.field} ${w.code}`);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'optline.flows.abandonedCart.body forces_ucs2',
        'optline.flows.backInStock.body link_shortener',
      ]),
    );
  });

  it('counts the preference link at its length as sent: on the API address, or on links.domain', () => {
    const body = `${'x'.repeat(561)} {{ preferences_url }}`;
    const onApi = parseDeploymentConfig({ brand: 'Acme', flows: { backInStock: { body } } });
    expect(flowTemplateWarnings(onApi.program).map((w) => `${w.field} ${w.code}`)).toEqual([
      'optline.flows.backInStock.body too_many_segments',
    ]);
    const onDomain = parseDeploymentConfig({
      brand: 'Acme',
      flows: { backInStock: { body } },
      links: { domain: 'go.acme.com', hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'acme.com' },
    });
    expect(flowTemplateWarnings(onDomain.program)).toEqual([]);
    // The region of the stack makes the API address longer or shorter.
    expect(linkOrigin(onApi.program, 'ap-southeast-2', 'prod')).toBe(
      'https://xxxxxxxxxx.execute-api.ap-southeast-2.amazonaws.com/prod',
    );
    expect(linkOrigin(onDomain.program, 'ap-southeast-2', 'prod')).toBe('https://go.acme.com');
  });

  it('checks the texts of flows written as data, their links at the length they are sent', () => {
    const longLink = `https://acme.example/${'spring-'.repeat(90)}sale`;
    const definition = (trackLinks: boolean) => ({
      id: 'springSale',
      trigger: { event: 'OrderPlaced' },
      steps: [
        { kind: 'wait', id: 'aDay', delayMinutes: 1440 },
        { kind: 'send', id: 'saleText', body: `Spring sale ☀ ${longLink}`, trackLinks },
      ],
    });
    const warnings = (trackLinks: boolean) =>
      flowTemplateWarnings(
        parseDeploymentConfig({ brand: 'Acme', flows: { definitions: [definition(trackLinks)] } }).program,
      ).map((w) => `${w.field} ${w.code}`);
    const field = 'optline.flows.definitions[springSale].steps[saleText].body';
    // As a short link of the recipient's own, the long link costs no more segments than any other.
    expect(warnings(true)).toEqual([`${field} forces_ucs2`, `${field} long_links`]);
    expect(warnings(false)).toEqual(
      expect.arrayContaining([`${field} forces_ucs2`, `${field} too_many_segments`]),
    );
  });

  it('reports them as cdk synth warnings', () => {
    // The annotations are read: neither bundles nor CDK's CloudFormation validation are needed.
    const app = new App({
      outdir: testDirectory('optline-cdk-out-'),
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    const config = parseDeploymentConfig({
      brand: 'Acme',
      flows: { priceDrop: { body: 'Now {{ event.price }} ✨ {{ event.product_url }}' } },
    });
    const stack: Stack = new OptlineStack(app, 'LintTest', {
      config,
      env: { account: '123456789012', region: 'us-east-1' },
    });
    const found = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('optline\\.flows\\.priceDrop\\.body'),
    );
    expect(found.length).toBeGreaterThan(0);
  });
});
