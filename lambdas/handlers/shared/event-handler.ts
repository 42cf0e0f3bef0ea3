/**
 * The middy bundle for the handlers no HTTP request reaches (queues, schedules, flow tasks): the
 * function's environment checked at cold start, the Powertools logger context, tracing, and the
 * business metrics flushed after each invocation. `httpHandler` (./http.ts) wraps the API routes in
 * the same bundle, with body parsing, routing and error mapping on top.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger, validatesEnvironment } from './runtime';
import { metricsFlusher } from '../../adapters/metrics';
import { tracingMiddleware } from '../../adapters/tracer';

export function eventHandler<TEvent, TResult>(
  environment: () => unknown,
  handle: (event: TEvent, context: Context) => Promise<TResult>,
) {
  return middy(handle)
    .use(validatesEnvironment(environment))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracingMiddleware())
    .use(metricsFlusher());
}
