/**
 * How the functions set up every AWS SDK client, measured on the campaign send path (five SDK calls
 * per text):
 * - the SDK's logger middleware comes off: no logger is configured, yet on every call it copied the
 *   input and output through the sensitive-data filter for a logger that discards them (about 3% of
 *   the send path's CPU);
 * - clients whose commands are plain SDK commands resolve each command's middleware stack once
 *   (`cacheMiddleware`) instead of on every call. Not the DynamoDB client: the document client
 *   builds a stack per command instance, and refuses the option.
 * - the tracer wraps the client where tracing is on (./tracer).
 */
import { traced } from './tracer';

export const CACHED_MIDDLEWARE = { cacheMiddleware: true } as const;

interface HasMiddlewareStack {
  readonly middlewareStack: { remove(toRemove: string): boolean };
}

export function setUpClient<T extends HasMiddlewareStack>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return traced(client);
}
