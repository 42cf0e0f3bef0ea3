/** The API's edge: WAF in front, validation, logging and tracing, errors in the API's format. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BINARY_MEDIA_TYPES, functions, type FunctionDefinition } from '../../lib/catalog';
import { INTEGRATION_TIMEOUT_MS } from '../../local/api-gateway';
import { resourcesOfType, sharedSynthesis } from '../support/template';

describe('HTTP API hardening', () => {
  let template: Template;

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('keeps API Gateway’s integration timeout, the one the local runtime applies', () => {
    const methods = resourcesOfType(template, 'AWS::ApiGateway::Method').filter(
      ([, method]) => (method.Properties?.Integration as { Type?: string } | undefined)?.Type === 'AWS_PROXY',
    );
    expect(methods.length).toBeGreaterThan(0);
    for (const [id, method] of methods) {
      const timeout = (method.Properties?.Integration as { TimeoutInMillis?: number }).TimeoutInMillis;
      expect(timeout ?? INTEGRATION_TIMEOUT_MS, id).toBe(INTEGRATION_TIMEOUT_MS);
    }
  });

  it('sends PDFs as bytes: application/pdf is a binary media type of the API, as locally', () => {
    expect(BINARY_MEDIA_TYPES).toEqual(['application/pdf']);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Description: 'Optline HTTP API',
      BinaryMediaTypes: ['application/pdf'],
    });
  });

  it('puts a WAF web ACL in front of the stage', () => {
    const [[aclId] = []] = resourcesOfType(template, 'AWS::WAFv2::WebACL');
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  it('blocks an IP that floods the public routes, and only those routes', () => {
    const [[, acl] = []] = resourcesOfType(template, 'AWS::WAFv2::WebACL');
    expect(acl?.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl?.Properties?.Rules as {
      Name: string;
      Action?: unknown;
      Statement: Record<string, unknown>;
    }[];
    const rate = rules.find((r) => r.Name === 'PublicRoutesRatePerIp');
    expect(rate).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 500, EvaluationWindowSec: 300 } },
    });
    const scopeDown = JSON.stringify(rate?.Statement);
    const publicPaths = (Object.values(functions) as FunctionDefinition[]).flatMap((f) =>
      f.trigger.kind === 'http' ? f.trigger.routes.filter((r) => r.auth === 'public').map((r) => r.path) : [],
    );
    for (const path of publicPaths) expect(scopeDown).toContain(`"SearchString":"${path.split('{')[0]}"`);
    expect(scopeDown).not.toContain('/v1/profiles');
  });

  it('logs errors (never bodies), keeps access logs and traces the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ],
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  it('validates path parameters and JSON bodies before invoking a function', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const methods = resourcesOfType(template, 'AWS::ApiGateway::Method');
    for (const [id, method] of methods) expect(method.Properties?.RequestValidatorId, id).toBeDefined();
    const withModel = methods.filter(([, m]) => m.Properties?.RequestModels !== undefined).length;
    // Every JSON POST: not the bodiless actions, not the pages' browser form posts (test/infrastructure/pages.test.ts).
    const postWithBody = (Object.values(functions) as FunctionDefinition[])
      .flatMap((f) => (f.trigger.kind === 'http' ? f.trigger.routes : []))
      .filter((r) => r.method === 'POST' && !r.path.endsWith('/cancel') && !r.page).length;
    expect(withModel).toBe(postWithBody);
  });

  it('serves a number’s messages to the profiles function, signed, with limit and cursor declared', () => {
    const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
    const idOf = (part: string, parent?: string) =>
      resources.find(
        ([, r]) =>
          r.Properties?.PathPart === part &&
          (parent === undefined || JSON.stringify(r.Properties?.ParentId).includes(`"${parent}"`)),
      )?.[0];
    const phone = idOf('{phone}', idOf('profiles', idOf('v1')));
    const messages = idOf('messages', phone);
    expect(messages).toBeDefined();
    const [[, method] = []] = resourcesOfType(template, 'AWS::ApiGateway::Method').filter(
      ([, m]) =>
        m.Properties?.HttpMethod === 'GET' &&
        JSON.stringify(m.Properties?.ResourceId).includes(`"${messages}"`),
    );
    expect(method?.Properties).toMatchObject({
      AuthorizationType: 'AWS_IAM',
      RequestParameters: {
        'method.request.path.phone': true,
        'method.request.querystring.limit': false,
        'method.request.querystring.cursor': false,
      },
    });
    // The integration invokes the profiles function.
    const uri = JSON.stringify(method?.Properties?.Integration);
    const [[profilesFn] = []] = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('FunctionsProfilesApi'),
    );
    expect(uri).toContain(`"${profilesFn}"`);
  });

  it('answers gateway errors in the API’s error format', () => {
    for (const type of ['BAD_REQUEST_BODY', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp('^\\{"error":\\{"code":') },
      });
    }
  });
});
