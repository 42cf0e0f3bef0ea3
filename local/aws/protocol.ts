/**
 * The AWS JSON protocols the local endpoint speaks: `application/x-amz-json-1.0/1.1` requests routed by
 * `X-Amz-Target: <Service>.<Operation>`, and REST-JSON for EventBridge Scheduler. Errors are answered
 * the way AWS answers them (`__type`, `x-amzn-ErrorType`), so the SDK raises its own exception classes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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

export interface JsonService {
  /** The X-Amz-Target prefix, e.g. `PinpointSMSVoiceV2`. */
  readonly targetPrefix: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

export interface RestRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (
    match: RegExpMatchArray,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ) => Promise<unknown> | unknown;
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

export function requireString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError('ValidationException', `${name} is required`, 400, {
      Reason: 'FIELD_VALIDATION_FAILED',
    });
  }
  return value;
}
