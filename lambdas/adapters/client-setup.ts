/**
 * How the functions set up every AWS SDK client, measured on the campaign send path (five SDK calls
 * per text):
 * - the SDK's logger middleware comes off: no logger is configured, yet on every call it copied the
 *   input and output through the sensitive-data filter for a logger that discards them (about 3% of
 *   the send path's CPU);
 * - clients whose commands are plain SDK commands resolve each command's middleware stack once
 *   (`cacheMiddleware`) instead of on every call. Not the DynamoDB client: the document client
 *   builds a stack per command instance, and refuses the option.
 * - the tracer wraps the client where tracing is on (./tracer);
 * - the HTTP handler's own warnings go to a Powertools logger (`HTTP_HANDLER`).
 *
 * Each client is built once per execution environment and reused (`environmentClient`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { traced } from './tracer';

export const CACHED_MIDDLEWARE = { cacheMiddleware: true } as const;

/**
 * The SDK's HTTP handler warns when a request has waited seconds for one of the client's 50 pooled
 * sockets with twice as many requests queued behind it (a campaign sender keeps 0.8 s of its rate in
 * flight: 400 texts at 500 a second, each with its DynamoDB calls). Without a logger it writes that
 * to the console, outside the functions' structured log; with one, it is a WARN entry in JSON, at the
 * functions' log level (POWERTOOLS_LOG_LEVEL). The local runtime shows it when dynalite, far slower than
 * DynamoDB, falls that far behind.
 */
export const HTTP_HANDLER = { requestHandler: { logger: httpHandlerLogger() } } as const;

/** The handler logs nothing but warnings; the logger is made at the first, so it has the function's level. */
function httpHandlerLogger() {
  let logger: Logger | undefined;
  const log = () => (logger ??= new Logger({ serviceName: 'optline' }));
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...content: unknown[]) => log().warn(content.map(String).join(' ')),
    error: (...content: unknown[]) => log().error(content.map(String).join(' ')),
  };
}

interface HasMiddlewareStack {
  readonly middlewareStack: { remove(toRemove: string): boolean };
}

export function setUpClient<T extends HasMiddlewareStack>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return traced(client);
}

interface Destroyable {
  destroy(): void;
}

const byEnvironment = new Map<object, Map<string, Destroyable>>();

/**
 * The client `name` of this environment, built by `build` on first use. A client belongs to the
 * environment it was built from (its credentials, Region and endpoints), so the cache is kept per
 * `process.env` object: in Lambda a process has one; a host that runs several functions in one
 * process and gives each its own `process.env` gives each its own clients, signed with its own
 * credentials.
 */
export function environmentClient<T extends Destroyable>(name: string, build: () => T): T {
  let clients = byEnvironment.get(process.env);
  if (!clients) {
    clients = new Map();
    byEnvironment.set(process.env, clients);
  }
  let client = clients.get(name) as T | undefined;
  if (!client) {
    client = build();
    clients.set(name, client);
  }
  return client;
}

/** Drops cached clients so the next call picks up changed endpoint settings (local runtime restarts). */
export function resetClients(): void {
  for (const clients of byEnvironment.values()) for (const client of clients.values()) client.destroy();
  byEnvironment.clear();
}
