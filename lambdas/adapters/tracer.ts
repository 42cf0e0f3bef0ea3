/**
 * Powertools Tracer: an X-Ray subsegment for each invocation (cold start annotated, responses not
 * captured: they can hold phone numbers) and for every AWS SDK call of the clients built in
 * aws-clients.ts and the adapters. Deployed functions run with active tracing.
 *
 * The tracer is created only where it would be on (see tracing-mode.ts, imported first: where tracing
 * is off, the X-Ray SDK loads without its async hooks). The service name comes from
 * POWERTOOLS_SERVICE_NAME (`optline-<function>`).
 */
import { tracingOn } from './tracing-mode';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

export const tracer: Tracer | undefined = tracingOn() ? new Tracer() : undefined;

/** The client with X-Ray instrumentation when tracing is on (the client itself otherwise). */
export function traced<T extends object>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The handler's subsegment when tracing is on; nothing otherwise. */
export function tracingMiddleware(): MiddlewareObj {
  // middy takes no empty middleware: off, it is a step that does nothing.
  return tracer ? captureLambdaHandler(tracer, { captureResponse: false }) : { before: () => undefined };
}
