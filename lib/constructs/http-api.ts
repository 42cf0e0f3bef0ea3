/**
 * The HTTP API: an API Gateway REST API whose resources and methods come from the catalog's routes.
 * Server-to-server routes require SigV4 (IAM); browser-facing routes are public and rate limited in
 * their handler (per phone, number prefix, IP and overall) and, per IP, by a WAF web ACL in front of
 * the stage. Access logs and execution logs (errors) go to KMS-encrypted log groups; requests are
 * traced. With a links domain, a second, small REST API serves the links domain's routes (short links
 * at the root) behind the same web ACL.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  BINARY_MEDIA_TYPES,
  httpRoutes,
  linksDomainRoutes,
  type FunctionId,
  type HttpRoute,
} from '../catalog';
import { acknowledge, acknowledgeCdkOwnedRole } from './nag';

export interface HttpApiProps {
  readonly functions: Record<FunctionId, lambda.IFunction>;
  readonly encryptionKey: kms.IKey;
  readonly stageName: string;
  /**
   * Steady-state requests per second for the whole API.
   * @default 50
   */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
  /**
   * Requests one IP address may make to the public routes in any 5 minutes before WAF blocks it.
   * Link clicks from carrier NAT addresses share an IP, so this is well above one person's use.
   * @default 500
   */
  readonly publicRequestsPerIpPer5Minutes?: number;
  /**
   * The links domain (`links.domain`): with it, an API of its own serves `linksDomainRoutes` for the
   * custom domain (lib/constructs/links-domain.ts) behind the same web ACL, its requests rate limited
   * per IP by their Host.
   * @default no links API
   */
  readonly linksDomain?: string;
}

export class HttpApi extends Construct {
  public readonly api: apigateway.RestApi;
  /**
   * The API the links domain maps (`linksDomainRoutes`: short links at the root, preference pages),
   * when there is a links domain: a REST API of its own, so the custom domain can reach nothing else
   * (decision 0032).
   */
  public readonly linksApi?: apigateway.RestApi;
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = restApi(this, props, {
      description: 'Optline HTTP API',
      // A consent certificate's PDF: the function answers it base64-encoded, API Gateway sends the bytes.
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      // Execution logging needs the account's API Gateway CloudWatch role (AWS::ApiGateway::Account,
      // one per account and region). Kept when the stack goes, so other APIs keep logging.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
    });
    // The role is the account's, shared by every REST API in the region: it keeps AWS's managed policy
    // (which covers any API's log groups) rather than one scoped to Optline's, which would break the
    // others.
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole instanceof iam.Role) {
      acknowledgeCdkOwnedRole(
        cloudWatchRole,
        "The account-wide API Gateway logging role: AWS's managed policy serves every REST API in the account; a policy scoped to Optline would break the others.",
      );
    }
    const publicRoutes = addRoutes(this.api, props.functions, httpRoutes());

    const stages = [this.api.deploymentStage];
    if (props.linksDomain !== undefined) {
      this.linksApi = restApi(new Construct(this, 'Links'), props, {
        description: `Optline short links on ${props.linksDomain}`,
        // Reached only through the custom domain, behind the web ACL.
        disableExecuteApiEndpoint: true,
        cloudWatchRole: false,
      });
      // The account's logging role comes with the main API; the stage logs once it is set.
      const account = this.api.node.tryFindChild('Account');
      if (account) this.linksApi.deploymentStage.node.addDependency(account);
      addRoutes(
        this.linksApi,
        props.functions,
        linksDomainRoutes.map(({ functionId, method, path, page }) => ({
          functionId,
          route: { method, path, auth: 'public', ...(page ? { page } : {}) },
        })),
      );
      stages.push(this.linksApi.deploymentStage);
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('optline-api'),
      rules: [
        {
          // SMS pumping defence in depth: one address cannot hammer the routes that make Optline text,
          // nor walk the short links (everything on the links domain is public).
          name: 'PublicRoutesRatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.publicRequestsPerIpPer5Minutes ?? 500,
              evaluationWindowSec: 300,
              scopeDownStatement: anyOf([
                ...publicRoutes.map(pathMatch),
                ...(props.linksDomain === undefined ? [] : [hostMatch(props.linksDomain)]),
              ]),
            },
          },
          visibilityConfig: visibility('optline-public-rate-per-ip'),
        },
        {
          name: 'AmazonIpReputationList',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
          },
          visibilityConfig: visibility('optline-ip-reputation'),
        },
      ],
    });
    stages.forEach((stage, i) => {
      new wafv2.CfnWebACLAssociation(this, i === 0 ? 'WebAclAssociation' : 'LinksWebAclAssociation', {
        resourceArn: stage.stageArn,
        webAclArn: this.webAcl.attrArn,
      });
    });
  }
}

/**
 * A REST API with Optline's stage settings: regional, traced, throttled, access logs and execution
 * logs (errors only) in KMS-encrypted groups, and API Gateway's own errors in the API's format.
 */
function restApi(
  scope: Construct,
  props: HttpApiProps,
  options: Pick<
    apigateway.RestApiProps,
    | 'description'
    | 'cloudWatchRole'
    | 'cloudWatchRoleRemovalPolicy'
    | 'disableExecuteApiEndpoint'
    | 'binaryMediaTypes'
  >,
): apigateway.RestApi {
  const accessLogs = new logs.LogGroup(scope, 'AccessLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: props.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const api = new apigateway.RestApi(scope, 'Api', {
    ...options,
    endpointTypes: [apigateway.EndpointType.REGIONAL],
    deployOptions: {
      stageName: props.stageName,
      tracingEnabled: true,
      throttlingRateLimit: props.rateLimit ?? 50,
      throttlingBurstLimit: props.burstLimit ?? 100,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      // Errors only, and never request or response bodies (phone numbers, consent evidence).
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      metricsEnabled: true,
    },
  });
  // API Gateway writes execution logs to a group it names after the API and stage. Creating that
  // group first gives it a retention and the stack's key (API Gateway would create it unencrypted,
  // kept forever).
  const executionLogs = new logs.LogGroup(scope, 'ExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${props.stageName}`,
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: props.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  api.deploymentStage.node.addDependency(executionLogs);

  // Errors API Gateway answers itself (validation, authorization, throttling) in the API's format.
  api.addGatewayResponse('BadRequestBody', {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    statusCode: '400',
    templates: {
      'application/json':
        '{"error":{"code":"invalid_json","message":"request body must be a JSON object","field":"body"}}',
    },
  });
  for (const [responseId, type] of [
    ['Default4xx', apigateway.ResponseType.DEFAULT_4XX],
    ['Default5xx', apigateway.ResponseType.DEFAULT_5XX],
  ] as const) {
    api.addGatewayResponse(responseId, {
      type,
      templates: {
        'application/json':
          '{"error":{"code":"$context.error.responseType","message":$context.error.messageString}}',
      },
    });
  }
  return api;
}

/** The routes' resources and methods, each integrated with its function; returns the public ones. */
function addRoutes(
  api: apigateway.RestApi,
  functions: Record<FunctionId, lambda.IFunction>,
  routes: readonly { readonly functionId: FunctionId; readonly route: HttpRoute }[],
): HttpRoute[] {
  // Path parameters are validated here; bodies are validated against a JSON model where a route
  // carries one (a JSON object) and, field by field, by the handler's zod schema, whose errors have
  // the API's error format locally and in AWS alike.
  const validator = api.addRequestValidator('RequestValidator', {
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  let jsonObject: apigateway.Model | undefined;
  const publicRoutes: HttpRoute[] = [];
  const integrations = new Map<FunctionId, apigateway.LambdaIntegration>();
  for (const { functionId, route } of routes) {
    let integration = integrations.get(functionId);
    if (!integration) {
      integration = new apigateway.LambdaIntegration(functions[functionId]);
      integrations.set(functionId, integration);
    }
    if (carriesBody(route)) {
      jsonObject ??= api.addModel('JsonObject', {
        contentType: 'application/json',
        modelName: 'JsonObject',
        schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, type: apigateway.JsonSchemaType.OBJECT },
      });
    }
    const resource = api.root.resourceForPath(route.path);
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const method = resource.addMethod(route.method, integration, {
      authorizationType:
        route.auth === 'iam' ? apigateway.AuthorizationType.IAM : apigateway.AuthorizationType.NONE,
      requestValidator: validator,
      requestParameters: {
        ...Object.fromEntries(params.map((p) => [`method.request.path.${p}`, true])),
        // Optional: declared for the API's description; the handler answers a bad value with a 400.
        ...Object.fromEntries((route.query ?? []).map((q) => [`method.request.querystring.${q}`, false])),
      },
      requestModels: carriesBody(route) && jsonObject ? { 'application/json': jsonObject } : undefined,
    });
    if (route.auth === 'public') {
      publicRoutes.push(route);
      acknowledge(
        method,
        'AwsSolutions-APIG4',
        `${route.method} ${route.path} is browser-facing by design (forms, checkouts, link clicks); rate limited in the handler and per IP by WAF.`,
      );
      // cdk-nag leaves CORS preflights (OPTIONS) out of its Cognito rule.
      if (route.method !== 'OPTIONS') {
        acknowledge(
          method,
          'AwsSolutions-COG4',
          `${route.method} ${route.path} is browser-facing by design and has no signed-in user; rate limited in the handler and per IP by WAF.`,
        );
      }
    } else {
      acknowledge(
        method,
        'AwsSolutions-COG4',
        `${route.method} ${route.path} is server-to-server and authorized with SigV4 (AWS_IAM); Optline has no end users for a Cognito pool.`,
      );
    }
  }
  return publicRoutes;
}

/**
 * Routes whose handler reads a JSON body: every POST but the bodiless actions such as `/cancel` and
 * the pages' form posts (a browser form sends `application/x-www-form-urlencoded`, which the
 * handler parses and validates itself).
 */
function carriesBody(route: HttpRoute): boolean {
  return (
    route.method !== 'GET' && route.method !== 'DELETE' && !route.path.endsWith('/cancel') && !route.page
  );
}

/** Matches a route's path whatever the stage or custom-domain prefix in front of it. */
function pathMatch(route: HttpRoute): wafv2.CfnWebACL.StatementProperty {
  const brace = route.path.indexOf('{');
  const fixed = brace === -1 ? route.path : route.path.slice(0, brace);
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: brace === -1 ? 'ENDS_WITH' : 'CONTAINS',
      searchString: fixed,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/** Matches every request to the links domain, whatever its path (the Host header names the domain). */
function hostMatch(domain: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { Name: 'host' } },
      positionalConstraint: 'EXACTLY',
      searchString: domain,
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
}

function anyOf(statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty {
  if (statements.length === 0) throw new Error('the API has no public routes to rate limit');
  if (statements.length === 1) return statements[0] as wafv2.CfnWebACL.StatementProperty;
  return { orStatement: { statements } };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
