/**
 * The links domain: with `links.domain`, a regional custom domain whose root is a small API of short
 * links (never `/v1`), its certificate (requested and DNS-validated in the hosted zone, or the one
 * given), the alias record, the same web ACL, and texts that carry `https://<domain>/<code>`.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAG_PACK } from '../../lib/constructs/nag';
import {
  resourcesOfType,
  sharedSynthesis,
  synthesize,
  TEST_CONFIG,
  type Synthesis,
} from '../support/template';

const ZONE = { hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'acme-coffee.example' };
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('links domain', () => {
  let synthesis: Synthesis;
  let template: Template;

  beforeAll(() => {
    synthesis = synthesize({ ...TEST_CONFIG, links: { domain: 'go.acme-coffee.example', ...ZONE } });
    ({ template } = synthesis);
  }, 120_000);

  it('requests a certificate for the domain, validated by DNS in the hosted zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'go.acme-coffee.example',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'go.acme-coffee.example', HostedZoneId: 'Z0123456789ABC' }],
    });
  });

  it('serves the domain from a regional endpoint with that certificate and TLS 1.2', () => {
    const [[certificateId] = []] = resourcesOfType(template, 'AWS::CertificateManager::Certificate');
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'go.acme-coffee.example',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      RegionalCertificateArn: { Ref: certificateId },
      SecurityPolicy: 'TLS_1_2',
    });
  });

  it('points an alias record in the hosted zone at the regional endpoint', () => {
    const [[domainId] = []] = resourcesOfType(template, 'AWS::ApiGateway::DomainName');
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'go.acme-coffee.example.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABC',
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
      },
    });
  });

  it('maps the whole domain to an API of short links and preference pages alone, never the main API', () => {
    const [[linksApiId] = [], ...others] = resourcesOfType(template, 'AWS::ApiGateway::RestApi').filter(
      ([, api]) => (api.Properties?.Description as string | undefined)?.includes('short links'),
    );
    expect(others).toEqual([]);
    const mappings = resourcesOfType(template, 'AWS::ApiGateway::BasePathMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({ RestApiId: { Ref: linksApiId } });
    expect(mappings[0]?.[1].Properties?.BasePath ?? '').toBe('');
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Description: Match.stringLikeRegexp('short links'),
      DisableExecuteApiEndpoint: true,
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const paths = resourcesOfType(template, 'AWS::ApiGateway::Resource')
      .filter(
        ([, resource]) =>
          JSON.stringify(resource.Properties?.RestApiId) === JSON.stringify({ Ref: linksApiId }),
      )
      .map(([, resource]) => resource.Properties?.PathPart);
    expect(paths.sort()).toEqual(['p', '{code}', '{token}'].sort());
    const methods = resourcesOfType(template, 'AWS::ApiGateway::Method').filter(
      ([, method]) => JSON.stringify(method.Properties?.RestApiId) === JSON.stringify({ Ref: linksApiId }),
    );
    expect(
      methods.map(([, m]) => [m.Properties?.HttpMethod, m.Properties?.AuthorizationType]).sort(),
    ).toEqual([
      ['GET', 'NONE'],
      ['GET', 'NONE'],
      ['POST', 'NONE'],
    ]);
    // The page's form post is a browser's urlencoded form, not a JSON body.
    const post = methods.find(([, m]) => m.Properties?.HttpMethod === 'POST');
    expect(post?.[1].Properties?.RequestModels).toBeUndefined();
  });

  it('lets the links API invoke the redirect and the preference page, and nothing else', () => {
    const [[linksApiId] = []] = resourcesOfType(template, 'AWS::ApiGateway::RestApi').filter(([, api]) =>
      (api.Properties?.Description as string | undefined)?.includes('short links'),
    );
    const invoked = new Set(
      resourcesOfType(template, 'AWS::Lambda::Permission')
        .filter(([, permission]) =>
          JSON.stringify(permission.Properties?.SourceArn).includes(`"${linksApiId}"`),
        )
        .map(([, permission]) => JSON.stringify(permission.Properties?.FunctionName)),
    );
    const functionOf = (prefix: string) =>
      resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0];
    expect([...invoked].sort()).toEqual(
      [
        JSON.stringify({ 'Fn::GetAtt': [functionOf('FunctionsLinkRedirect'), 'Arn'] }),
        JSON.stringify({ 'Fn::GetAtt': [functionOf('FunctionsPreferencePage'), 'Arn'] }),
      ].sort(),
    );
  });

  it('puts the same web ACL in front of both stages and rate limits the domain per IP', () => {
    const [[aclId, acl] = []] = resourcesOfType(template, 'AWS::WAFv2::WebACL');
    const associations = resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation');
    expect(associations).toHaveLength(2);
    for (const [, association] of associations)
      expect(association.Properties?.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const rule = (acl?.Properties?.Rules as { Name: string; Statement: unknown }[]).find(
      (r) => r.Name === 'PublicRoutesRatePerIp',
    );
    expect(JSON.stringify(rule?.Statement)).toContain(
      JSON.stringify({
        ByteMatchStatement: {
          FieldToMatch: { SingleHeader: { Name: 'host' } },
          PositionalConstraint: 'EXACTLY',
          SearchString: 'go.acme-coffee.example',
          TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
        },
      }),
    );
  });

  it('logs and traces the links stage like the API', () => {
    template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Stage',
      {
        TracingEnabled: true,
        AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
        MethodSettings: Match.arrayWith([
          Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false }),
        ]),
      },
      2,
    );
  });

  it('gives the functions short links on the domain', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LINK_BASE_URL: 'https://go.acme-coffee.example' }) },
    });
  });

  it('passes the AwsSolutions checks', () => {
    const report = synthesis.reports.find((r) => r.pluginName === NAG_PACK);
    expect(
      report?.violations.map((v) => `${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath)}`),
    ).toEqual([]);
  });

  it('uses a certificate given by ARN, and makes no record without the hosted zone', () => {
    const { template: given } = synthesize(
      { ...TEST_CONFIG, links: { domain: 'acme.link', certificateArn: CERTIFICATE } },
      { checks: false },
    );
    given.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    given.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'acme.link',
      RegionalCertificateArn: CERTIFICATE,
    });
    given.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(JSON.stringify(given.findOutputs('*'))).toContain('RegionalDomainName');
  }, 120_000);

  it('keeps short links on the API without a domain', async () => {
    const { template: plain } = await sharedSynthesis();
    plain.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    plain.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LINK_BASE_URL: {
            'Fn::Join': [
              '',
              Match.arrayWith([
                Match.stringLikeRegexp('\\.execute-api\\.'),
                Match.stringLikeRegexp('/prod$'),
              ]),
            ],
          },
        }),
      },
    });
  }, 120_000);
});
