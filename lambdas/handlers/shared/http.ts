/**
 * The middy bundle for API Gateway (REST, proxy integration) handlers: the common bundle
 * (./event-handler.ts: environment, Powertools context, tracing, metrics), then JSON body
 * parsing, routing by resource and method, and error mapping. Bad input always gets a 4xx with
 * `{ error: { code, message, field? } }`; only a bug gets a 500.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DomainError, RateLimitedError } from '../../domain/errors';
import { redactPhones } from '../../domain/phone';
import { logger } from './runtime';
import { eventHandler } from './event-handler';
import { SmsOutcomeUnknownError, SmsRetryableError } from '../../domain/sms-errors';

export interface HttpRequest {
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Parsed body (undefined when the request had none): JSON, or, where the handler takes browser
   * form posts (`forms`), the fields of an `application/x-www-form-urlencoded` body as strings.
   */
  readonly body: unknown;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  /** The path as the browser asked for it (with the stage, `/prod/f/signup`, on API Gateway's own domain). */
  readonly path: string;
}

export interface HttpResponse {
  readonly status: number;
  /** A JSON body. */
  readonly body?: unknown;
  /** A body sent as it is (a page, a script, an image); its `content-type` goes in `headers`. */
  readonly text?: string;
  /**
   * A binary body (a PDF), answered base64-encoded (`isBase64Encoded`): API Gateway turns it back
   * into bytes when the request's first `Accept` type is one of the API's binary media types
   * (`BINARY_MEDIA_TYPES`, lib/catalog.ts). Its `content-type` goes in `headers`.
   */
  readonly binary?: Uint8Array;
  readonly headers?: Record<string, string>;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** Requests larger than this are refused before parsing, unless a handler allows more. */
const MAX_BODY_BYTES = 64 * 1024;

export interface HttpHandlerOptions {
  /** The largest request body the routes take (default 64 KB). */
  readonly maxBodyBytes?: number;
  /** Routes take browser form posts (`application/x-www-form-urlencoded`) as well as JSON. */
  readonly forms?: boolean;
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  field?: string,
): APIGatewayProxyResult {
  return json(status, { error: { code, message, ...(field ? { field } : {}) } });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

function parseBody(
  event: APIGatewayProxyEvent,
  contentType: string | undefined,
  maxBytes: number,
  forms: boolean,
): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new BadRequest('body_too_large', `request body is larger than ${maxBytes} bytes`, 'body');
  }
  if (forms && contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded') {
    // A repeated field keeps its last value; the handler's schema validates each field.
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('invalid_json', 'request body is not valid JSON', 'body');
  }
}

class BadRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[key.toLowerCase()] = value;
  return out;
}

/**
 * Builds a Lambda handler that dispatches `METHOD /resource/{param}` keys to route handlers, after
 * the function's environment is validated (its first invocation).
 */
export function httpHandler(
  environment: () => { readonly logPii: boolean },
  routes: Record<string, RouteHandler>,
  options: HttpHandlerOptions = {},
) {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const dispatch = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const key = `${event.httpMethod} ${event.resource}`;
    const route = routes[key];
    if (!route) return errorResponse(404, 'route_not_found', `no route for ${key}`);
    try {
      const headers = lowerCaseHeaders(event.headers);
      const response = await route({
        pathParameters: Object.fromEntries(
          Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, decodeURIComponent(v ?? '')]),
        ),
        query: Object.fromEntries(
          Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v ?? '']),
        ),
        headers,
        body: parseBody(event, headers['content-type'], maxBodyBytes, options.forms ?? false),
        sourceIp: event.requestContext?.identity?.sourceIp ?? undefined,
        userAgent: headers['user-agent'],
        path: event.requestContext?.path ?? event.path,
      });
      if (response.binary !== undefined)
        return {
          statusCode: response.status,
          headers: response.headers ?? {},
          body: Buffer.from(response.binary).toString('base64'),
          isBase64Encoded: true,
        };
      if (response.text !== undefined)
        return { statusCode: response.status, headers: response.headers ?? {}, body: response.text };
      return json(response.status, response.body, response.headers);
    } catch (error) {
      if (error instanceof DomainError) {
        const response = errorResponse(error.status, error.code, error.message, error.field);
        // A rate limit says when its window ends, so a client waits rather than hammers.
        if (error instanceof RateLimitedError && error.retryAfterSeconds !== undefined)
          return {
            ...response,
            headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) },
          };
        return response;
      }
      if (error instanceof BadRequest) return errorResponse(400, error.code, error.message, error.field);
      const failure = error as Error;
      // End User Messaging refused the text for now (throttled, or a server error): nothing was sent
      // and the idempotency key is free again, so the caller can retry with it.
      if (error instanceof SmsRetryableError) {
        const response = errorResponse(
          503,
          'sms_unavailable',
          'End User Messaging did not take the message; retry with the same idempotencyKey',
        );
        return { ...response, headers: { ...response.headers, 'retry-after': '1' } };
      }
      // End User Messaging did not answer: the text may have gone, so a retry with the same key
      // sends nothing; its delivery report shows the outcome.
      if (error instanceof SmsOutcomeUnknownError) {
        return errorResponse(
          504,
          'sms_outcome_unknown',
          'End User Messaging did not answer; the message may have been sent, and a retry with the same idempotencyKey sends nothing',
        );
      }
      // A change the store refused for good: the consent log records it as not applied, and the
      // caller hears that nothing changed (a server fault, not bad input: the input was valid).
      if (failure.name === 'ConsentChangeNotAppliedError') {
        logger.error('Consent change not applied', { route: key, errorMessage: failure.message });
        return errorResponse(
          500,
          'consent_change_not_applied',
          'the change could not be recorded: nothing changed and nothing was sent (the consent log records it as not applied)',
        );
      }
      logger.error('Unhandled error', {
        route: key,
        errorName: failure.name,
        errorMessage: redactPhones(failure.message ?? '', environment().logPii),
        stack: redactPhones(failure.stack ?? '', environment().logPii),
      });
      return errorResponse(500, 'internal_error', 'internal error');
    }
  };
  return eventHandler(environment, dispatch);
}
