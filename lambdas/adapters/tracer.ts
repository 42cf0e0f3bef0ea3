/**
 * Powertools Tracer: an X-Ray subsegment for each invocation (cold start and service annotated) and
 * for every AWS SDK call of the clients built in aws-clients.ts and the adapters. Deployed functions
 * run with active tracing; the local runtime sets POWERTOOLS_TRACE_ENABLED=false, and outside Lambda
 * the tracer is off by itself, so the same code runs untraced there.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

// The service name comes from POWERTOOLS_SERVICE_NAME (`optline-<function>`, set by the stack).
export const tracer = new Tracer();

/** The client with X-Ray instrumentation when tracing is on (the client itself otherwise). */
export function traced<T extends object>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
