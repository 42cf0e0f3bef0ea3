/**
 * One local HTTP endpoint for every AWS service Optline calls except DynamoDB (dynalite has its own):
 * End User Messaging, EventBridge, Step Functions, Scheduler, SQS, Secrets Manager, KMS. Handlers reach it through the
 * SDK's endpoint setting. A function's request runs only if its policy allows it (../iam/access.ts);
 * otherwise it is answered AccessDeniedException the way the service answers it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessGuard } from '../iam/access';
import {
  AnswerLost,
  AwsError,
  readBody,
  sendAccessDenied,
  sendAwsError,
  sendJson,
  type JsonService,
  type RequestCounts,
  type RestRoute,
} from './protocol';

export interface LocalAwsEndpoint {
  readonly url: string;
  readonly counts: RequestCounts;
  stop(): Promise<void>;
}

export async function startAwsEndpoint(
  services: readonly JsonService[],
  restRoutes: readonly RestRoute[],
  guard?: AccessGuard,
): Promise<LocalAwsEndpoint> {
  const byPrefix = new Map(services.map((s) => [s.targetPrefix, s]));
  const counts: RequestCounts = new Map();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

  const server: Server = createServer((req, res) => {
    void (async () => {
      const target = req.headers['x-amz-target'];
      const contentType = String(req.headers['content-type'] ?? 'application/x-amz-json-1.0');
      try {
        const text = await readBody(req);
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        const caller = guard?.callerOf(req.headers.authorization);
        if (typeof target === 'string') {
          const [prefix = '', operation = ''] = target.split('.');
          const service = byPrefix.get(prefix);
          const handler = service?.operations[operation];
          if (!handler) throw new AwsError('UnknownOperationException', `${target} is not emulated locally`);
          const refusal = caller && guard?.check(caller, service.access(operation, body));
          if (refusal) {
            sendAccessDenied(res, service.denial, refusal, contentType);
            return;
          }
          count(`${prefix}.${operation}`);
          sendJson(res, 200, await handler(body), contentType);
          return;
        }
        const url = new URL(req.url ?? '/', 'http://localhost');
        for (const route of restRoutes) {
          const match = req.method === route.method ? url.pathname.match(route.pattern) : null;
          if (match) {
            const refusal = caller && guard?.check(caller, route.access(match, body, url.searchParams));
            if (refusal) {
              sendAccessDenied(res, route.denial, refusal, 'application/json');
              return;
            }
            count(`${route.method} ${route.pattern.source}`);
            sendJson(res, 200, await route.handle(match, body, url.searchParams));
            return;
          }
        }
        throw new AwsError(
          'UnknownOperationException',
          `${req.method} ${url.pathname} is not emulated locally`,
          404,
        );
      } catch (error) {
        if (error instanceof AnswerLost) res.socket?.destroy();
        else if (error instanceof AwsError) sendAwsError(res, error, contentType);
        else if (error instanceof SyntaxError)
          sendAwsError(res, new AwsError('SerializationException', 'invalid JSON'), contentType);
        else
          sendAwsError(
            res,
            new AwsError('InternalServerException', (error as Error).message, 500),
            contentType,
          );
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
