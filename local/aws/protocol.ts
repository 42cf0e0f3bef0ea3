/**
 * The AWS JSON protocols the local endpoint speaks: `application/x-amz-json-1.0/1.1` requests routed by
 * `X-Amz-Target: <Service>.<Operation>`, and REST-JSON for EventBridge Scheduler. Errors are answered
 * the way AWS answers them (`__type`, `x-amzn-ErrorType`), so the SDK raises its own exception classes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRequest, Refusal } from '../iam/access';

export type { AccessRequest };

export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Thrown by an operation that did its work but whose answer is lost: the endpoint resets the
 * connection instead of answering, as a network failure between the service and its caller would.
 */
export class AnswerLost extends Error {
  override readonly name = 'AnswerLost';
}

export type JsonOperation = (input: Record<string, unknown>) => Promise<unknown> | unknown;

/**
 * How a service answers a request IAM refused, in its protocol: the status, the error's type in
 * `__type` (JSON protocols; none in REST-JSON, where `x-amzn-ErrorType` carries it), the casing of
 * the message's key, and headers. See docs/local-runtime.md#permissions for the sources.
 */
export interface DenialShape {
  readonly status: number;
  readonly type?: string;
  readonly messageKey: 'Message' | 'message';
  readonly headers?: Readonly<Record<string, string>>;
  /** SQS writes the action in lower case in its message (`sqs:sendmessage`). */
  readonly lowerCaseAction?: boolean;
}

/** The AWS JSON protocols' answer: 400, the type in `__type` (EventBridge, Step Functions, End User Messaging). */
export const JSON_DENIAL: DenialShape = { status: 400, type: 'AccessDeniedException', messageKey: 'Message' };

/**
 * SQS over JSON: 403, the coral type, and the query-compatible code in `x-amzn-query-error`, from
 * which the SDK names the error `AccessDenied` (as over SQS's query protocol).
 */
export const SQS_DENIAL: DenialShape = {
  status: 403,
  type: 'com.amazon.coral.service#AccessDeniedException',
  messageKey: 'Message',
  headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
  lowerCaseAction: true,
};

/** REST-JSON (EventBridge Scheduler): 403, the type in `x-amzn-ErrorType` only. */
export const REST_JSON_DENIAL: DenialShape = { status: 403, messageKey: 'Message' };

/** DynamoDB (JSON 1.0): 400, the coral type (local/dynamo-thread.ts answers it). */
export const DYNAMODB_DENIAL: DenialShape = {
  status: 400,
  type: 'com.amazon.coral.service#AccessDeniedException',
  messageKey: 'Message',
};

export interface JsonService {
  /** The X-Amz-Target prefix, e.g. `PinpointSMSVoiceV2`. */
  readonly targetPrefix: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
  /** What IAM checks for an operation: the actions on the resources its input names. */
  readonly access: (operation: string, input: Record<string, unknown>) => readonly AccessRequest[];
  readonly denial: DenialShape;
}

export interface RestRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (
    match: RegExpMatchArray,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ) => Promise<unknown> | unknown;
  readonly access: (
    match: RegExpMatchArray,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ) => readonly AccessRequest[];
  readonly denial: DenialShape;
}

/** Counts of requests served, by `Service.Operation`, for the benchmark's cost model. */
export type RequestCounts = Map<string, number>;

export async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new AwsError('ValidationException', 'request too large', 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendAwsError(res: ServerResponse, error: AwsError, contentType: string): void {
  const text = JSON.stringify({
    __type: error.type,
    message: error.message,
    Message: error.message,
    ...error.extra,
  });
  res.writeHead(error.status, {
    'content-type': contentType,
    'x-amzn-errortype': error.type,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers a request IAM refused, the way the service does (`shape`). */
export function sendAccessDenied(
  res: ServerResponse,
  shape: DenialShape,
  refusal: Refusal,
  contentType: string,
): void {
  const message = shape.lowerCaseAction
    ? refusal.message.split(refusal.action).join(refusal.action.toLowerCase())
    : refusal.message;
  const text = JSON.stringify({ ...(shape.type ? { __type: shape.type } : {}), [shape.messageKey]: message });
  res.writeHead(shape.status, {
    'content-type': contentType,
    'x-amzn-errortype': 'AccessDeniedException',
    'content-length': Buffer.byteLength(text),
    ...shape.headers,
  });
  res.end(text);
}

export function requireString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError('ValidationException', `${name} is required`, 400, {
      Reason: 'FIELD_VALIDATION_FAILED',
    });
  }
  return value;
}
