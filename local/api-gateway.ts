/**
 * API Gateway (REST API, Lambda proxy integration) for the local runtime: the catalog's routes, and
 * the links domain's (`linksDomainRoutes`), are matched like API Gateway matches resources, and the handler gets the same event shape it gets in AWS.
 * A signed request to an IAM route has its SigV4 signature checked as API Gateway checks it (a wrong
 * or stale one is a 403); unsigned requests pass unless `requireIam` (OPTLINE_LOCAL_AUTH=iam), which
 * makes IAM routes demand a signature as they do in AWS.
 *
 * As in AWS, an integration that has not answered after 29 s is answered 504 (the handler goes on
 * running), and an invocation that fails (the function threw, or its answer was too large) 502, in
 * the API's error format (its DEFAULT_5XX gateway response, lib/constructs/http-api.ts) with API
 * Gateway's own messages.
 *
 * A base64-encoded answer (`isBase64Encoded`) is answered as bytes when the request's first `Accept`
 * type is a binary media type of the API (`BINARY_MEDIA_TYPES`), and as its base64 text otherwise,
 * as API Gateway answers it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  BINARY_MEDIA_TYPES,
  httpRoutes,
  linksDomainRoutes,
  type FunctionId,
  type HttpRoute,
} from '../lib/catalog';
import { checkSignature, LOCAL_CREDENTIALS, type SigningCredentials } from './signature-check';

export interface LocalApiAuth {
  /** IAM routes refuse unsigned requests (403 Missing Authentication Token), as in AWS. */
  readonly requireIam: boolean;
  /** The one key pair signatures are checked against. */
  readonly credentials: SigningCredentials;
}

interface CompiledRoute {
  readonly route: HttpRoute;
  readonly functionId: FunctionId;
  readonly pattern: RegExp;
  readonly params: readonly string[];
  /** Literal segments score higher, so `/v1/a/b` wins over `/v1/a/{x}`. */
  readonly score: number;
}

/**
 * API Gateway's integration timeout for REST APIs: 29 s by default
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), which the stack keeps.
 */
export const INTEGRATION_TIMEOUT_MS = 29_000;

export class ApiGateway {
  private readonly routes: CompiledRoute[] = [];

  constructor(
    private readonly invoke: (id: FunctionId, event: APIGatewayProxyEvent) => Promise<unknown>,
    private readonly auth: LocalApiAuth = { requireIam: false, credentials: LOCAL_CREDENTIALS },
    private readonly integrationTimeoutMs = INTEGRATION_TIMEOUT_MS,
  ) {
    // The links domain's routes (short links at the root, preference pages) are served beside the
    // API's, as the custom domain serves them in AWS; the API's own literal paths win, as there, and
    // a route the API has already (`/p/{token}`) is served once.
    const apiRoutes = httpRoutes();
    const linksDomain = linksDomainRoutes
      .filter(
        ({ method, path }) => !apiRoutes.some(({ route }) => route.method === method && route.path === path),
      )
      .map(({ functionId, method, path, page }) => ({
        functionId,
        route: { method, path, auth: 'public', ...(page ? { page } : {}) } satisfies HttpRoute,
      }));
    for (const { functionId: id, route } of [...apiRoutes, ...linksDomain]) {
      const params: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = segment.match(/^\{(\w+)\}$/);
          if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          params.push(param[1]);
          return '([^/]+)';
        })
        .join('/');
      const score = route.path.split('/').filter((s) => s && !s.startsWith('{')).length;
      this.routes.push({ route, functionId: id, pattern: new RegExp(`^${source}$`), params, score });
    }
    this.routes.sort((a, b) => b.score - a.score);
  }

  /** Whether some route owns this path (any method). */
  owns(path: string): boolean {
    return this.routes.some((r) => r.pattern.test(path));
  }

  async handle(req: IncomingMessage, url: URL, body: string): Promise<APIGatewayProxyResult> {
    const candidates = this.routes.filter((r) => r.pattern.test(url.pathname));
    const match = candidates.find((r) => r.route.method === req.method);
    if (!match) {
      return {
        statusCode: candidates.length > 0 ? 405 : 404,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: {
            code: candidates.length > 0 ? 'method_not_allowed' : 'route_not_found',
            message: `${req.method} ${url.pathname}`,
          },
        }),
      };
    }
    let accessKey: string | null = null;
    if (match.route.auth === 'iam') {
      const verdict = await checkSignature({
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body,
        credentials: this.auth.credentials,
        now: new Date(),
      });
      if (verdict.kind === 'refused') return authError(verdict.errorType, verdict.message);
      if (verdict.kind === 'unsigned' && this.auth.requireIam)
        return authError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (verdict.kind === 'valid') accessKey = verdict.accessKeyId;
    }
    const values = url.pathname.match(match.pattern)?.slice(1) ?? [];
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[key] = value;
      else if (Array.isArray(value)) headers[key] = value.join(',');
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const sourceIp =
      (req.headers['x-forwarded-for'] as string | undefined)?.split(',')[0]?.trim() ??
      req.socket.remoteAddress ??
      '127.0.0.1';
    const event: APIGatewayProxyEvent = {
      resource: match.route.path,
      path: url.pathname,
      httpMethod: req.method ?? 'GET',
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters: null,
      pathParameters:
        match.params.length > 0 ? Object.fromEntries(match.params.map((p, i) => [p, values[i] ?? ''])) : null,
      stageVariables: null,
      body: body === '' ? null : body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: null,
        protocol: 'HTTP/1.1',
        httpMethod: req.method ?? 'GET',
        identity: {
          sourceIp,
          userAgent: headers['user-agent'] ?? null,
          accessKey,
          accountId: accessKey === null ? null : '000000000000',
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          user: null,
          userArn: null,
        },
        path: url.pathname,
        stage: 'local',
        requestId: randomUUID(),
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: match.route.path,
      },
    };
    const invocation = this.invoke(match.functionId, event);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), this.integrationTimeoutMs);
    });
    try {
      const result = await Promise.race([invocation, timedOut]);
      if (result !== 'timed out') return binaryOrText(result as APIGatewayProxyResult, headers.accept);
      invocation.catch(() => undefined);
      return gatewayError(504, 'INTEGRATION_TIMEOUT', 'Endpoint request timed out');
    } catch (error) {
      // Lambda refusing the invocation is a 500; the function failing, a 502.
      return (error as Error).name === 'RequestEntityTooLargeException'
        ? gatewayError(500, 'DEFAULT_5XX', 'Internal server error')
        : gatewayError(502, 'DEFAULT_5XX', 'Internal server error');
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The answer as API Gateway sends it: `isBase64Encoded` only where the body goes out as bytes. */
function binaryOrText(result: APIGatewayProxyResult, accept: string | undefined): APIGatewayProxyResult {
  if (!result.isBase64Encoded) return result;
  const first = accept?.split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
  const binary = BINARY_MEDIA_TYPES.some((type) => mediaTypeMatches(type, first));
  return binary ? result : { ...result, isBase64Encoded: false };
}

/** Whether a binary media type (its type or subtype may be the wildcard `*`) covers the type asked for. */
function mediaTypeMatches(binaryType: string, asked: string): boolean {
  const [type, subtype] = binaryType.split('/');
  const [askedType, askedSubtype] = asked.split('/');
  return (type === '*' || type === askedType) && (subtype === '*' || subtype === askedSubtype);
}

/** An error API Gateway answers itself, in the API's format (`{ error: { code, message } }`). */
function gatewayError(statusCode: number, code: string, message: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerErrorException' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/**
 * The gateway response type API Gateway gives each SigV4 refusal. The stack's DEFAULT_4XX template
 * (lib/constructs/http-api.ts) renders every one of them as `{ error: { code, message } }`, with the
 * exception's name in `x-amzn-errortype`. An unknown access key is taken as an invalid signature (which
 * response type AWS gives it is not documented).
 */
const AUTH_RESPONSE_TYPES: Readonly<Record<string, string>> = {
  MissingAuthenticationTokenException: 'MISSING_AUTHENTICATION_TOKEN',
  IncompleteSignatureException: 'INVALID_SIGNATURE',
  InvalidSignatureException: 'INVALID_SIGNATURE',
  UnrecognizedClientException: 'INVALID_SIGNATURE',
};

/** API Gateway's own 403 for a request IAM authorization refused, in the API's error format. */
function authError(errorType: string, message: string): APIGatewayProxyResult {
  return {
    statusCode: 403,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': errorType,
      'x-amzn-requestid': randomUUID(),
    },
    body: JSON.stringify({ error: { code: AUTH_RESPONSE_TYPES[errorType] ?? 'ACCESS_DENIED', message } }),
  };
}
