/** The subscriber pages' routes in the stack: public, behind WAF, served by their own function. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, type HttpRoute } from '../../lib/catalog';
import { resourcesOfType, sharedSynthesis } from '../support/template';

type Resource = { Properties?: Record<string, unknown> };

describe('the page routes', () => {
  let template: Template;
  let resources: [string, Resource][];
  let methods: [string, Resource][];

  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
    resources = resourcesOfType(template, 'AWS::ApiGateway::Resource') as [string, Resource][];
    methods = resourcesOfType(template, 'AWS::ApiGateway::Method') as [string, Resource][];
  }, 300_000);

  /** The method of a route, found by walking its resource path from the root. */
  function methodOf(route: HttpRoute): Resource | undefined {
    let parent: string | undefined;
    for (const part of route.path.split('/').filter(Boolean)) {
      parent = resources.find(
        ([, r]) =>
          r.Properties?.PathPart === part &&
          (parent === undefined
            ? !JSON.stringify(r.Properties?.ParentId).includes('"Ref"')
            : JSON.stringify(r.Properties?.ParentId).includes(`"${parent}"`)),
      )?.[0];
    }
    return methods.find(
      ([, m]) =>
        m.Properties?.HttpMethod === route.method &&
        JSON.stringify(m.Properties?.ResourceId).includes(`"${parent}"`),
    )?.[1];
  }

  /** Every page route with the catalog id of the function that serves it. */
  const pageRoutes = Object.entries(functions).flatMap(([id, f]) =>
    f.trigger.kind === 'http'
      ? (f.trigger.routes as readonly HttpRoute[])
          .filter((r) => r.page)
          .map((r) => ({ ...r, functionId: id }))
      : [],
  );

  it('has the signup form, its post and its preflight, its QR code and its embed script among them', () => {
    expect(pageRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /f/{formId}',
        'POST /f/{formId}/submit',
        'OPTIONS /f/{formId}/submit',
        'GET /f/{formId}/qr.svg',
        'GET /f/{formId}/embed.js',
      ]),
    );
  });

  it('sends the preflight to the form function, not to a mock integration: one CORS decision in AWS and locally', () => {
    const preflight = methodOf({ method: 'OPTIONS', path: '/f/{formId}/submit', auth: 'public' });
    expect(preflight?.Properties?.Integration).toMatchObject({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
    });
  });

  it.each(pageRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s is public, takes browser form posts (no JSON model) and invokes its function',
    (_key, route) => {
      const method = methodOf(route);
      expect(method).toBeDefined();
      const parameter = /\{(\w+)\}/.exec(route.path)?.[1];
      expect(method?.Properties).toMatchObject({
        AuthorizationType: 'NONE',
        RequestParameters: { [`method.request.path.${parameter}`]: true },
      });
      expect(method?.Properties?.RequestModels).toBeUndefined();
      const construct = `Functions${route.functionId[0]!.toUpperCase()}${route.functionId.slice(1)}`;
      const [[fn] = []] = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
        id.startsWith(construct),
      );
      expect(fn).toBeDefined();
      expect(JSON.stringify(method?.Properties?.Integration)).toContain(`"${fn}"`);
    },
  );

  it('puts the pages under the per-IP rate rule of the public routes', () => {
    const [[, acl] = []] = resourcesOfType(template, 'AWS::WAFv2::WebACL');
    const rules = acl?.Properties?.Rules as { Name: string; Statement: unknown }[];
    const rate = JSON.stringify(rules.find((r) => r.Name === 'PublicRoutesRatePerIp')?.Statement);
    expect(rate).toContain('"SearchString":"/f/"');
  });
});
