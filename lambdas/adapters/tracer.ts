/**
 * Powertools Tracer: an X-Ray subsegment for each invocation (cold start annotated, responses not
 * captured: they can hold phone numbers) and for every AWS SDK call of the clients built in
 * aws-clients.ts and the adapters. Deployed functions run with active tracing.
 *
 * The tracer is created only where it would be on (in Lambda, POWERTOOLS_TRACE_ENABLED not "false",
 * Powertools' own rule): the X-Ray SDK it loads installs async hooks that slow every promise of the
 * process, a cost worth paying for traces but not in the local runtime (which turns tracing off) or
 * in tests. The service name comes from POWERTOOLS_SERVICE_NAME (`optline-<function>`).
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

export function tracingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false' && Boolean(env.AWS_EXECUTION_ENV);
}

function loadTracer(): typeof Tracer {
  // Required here, not imported at the top: bundled, it is initialised only when this runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer;
}

export const tracer: Tracer | undefined = tracingOn() ? new (loadTracer())() : undefined;

/** The client with X-Ray instrumentation when tracing is on (the client itself otherwise). */
export function traced<T extends object>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The handler's subsegment when tracing is on; nothing otherwise. */
export function tracingMiddleware(): MiddlewareObj {
  // middy takes no empty middleware: off, it is a step that does nothing.
  return tracer ? captureLambdaHandler(tracer, { captureResponse: false }) : { before: () => undefined };
}
