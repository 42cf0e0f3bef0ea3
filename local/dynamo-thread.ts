/**
 * dynalite on a worker thread of its own: the DynamoDB server's request parsing, LevelDB and
 * serialisation use a second CPU instead of competing with the handlers and emulators on the main
 * thread. The meter (local/dynamo-meter.ts) sits in front of dynalite here, and the functions'
 * permission check (local/dynamo-access.ts) in front of both, on this thread too so that reading
 * every request's tables costs the main thread nothing; the thread answers the main thread's control
 * messages.
 *
 * The thread serves one runtime at a time: `start` opens a server on an empty store (or the data
 * directory's), `stop` closes it and its store, and the thread waits for the next `start`
 * (local/dynamodb.ts keeps it for the process's next runtime).
 */
import { parentPort } from 'node:worker_threads';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { attachExpressionCheck } from './dynamo-expression-check';
import { DynamoAccess, type DynamoAccessSettings } from './dynamo-access';
import { DynamoMeter, type MeteredIndex } from './dynamo-meter';

export interface DynamoThreadData {
  readonly entry: string;
}

export type DynamoThreadRequest =
  | {
      readonly id: number;
      readonly type: 'start';
      readonly dataDir?: string;
      readonly indexKeys: [string, MeteredIndex[]][];
    }
  | { readonly id: number; readonly type: 'meter'; readonly enabled: boolean }
  | { readonly id: number; readonly type: 'access'; readonly settings: DynamoAccessSettings }
  | { readonly id: number; readonly type: 'reset' | 'snapshot' | 'stop' };

/** The answer to a request, or the uncaught error that ends the thread (`failed`). */
export type DynamoThreadReply =
  { readonly id: number; readonly value?: unknown; readonly error?: string } | { readonly failed: string };

interface Serving {
  readonly server: Server;
  readonly meter: DynamoMeter;
  readonly access: DynamoAccess;
}

const port = parentPort;
if (!port) throw new Error('local/dynamo-thread.ts runs on a worker thread');
/** The runtime served now: none from a stop to the next start. */
let serving: Serving | undefined;

// A request that races the runtime's stop can find dynalite's store closed, in a callback of its
// own after its connection is gone: that error is dropped rather than ending the thread, which
// serves the next runtime. Any other uncaught error ends the thread, reported to the main thread.
process.on('uncaughtException', (error) => {
  if (!serving && error.message === 'Database is closed') return;
  port.postMessage({ failed: error.stack ?? error.message } satisfies DynamoThreadReply);
  process.exit(1);
});

function start(dataDir: string | undefined, indexKeys: [string, MeteredIndex[]][]): Promise<number> {
  const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const meter = new DynamoMeter(new Map(indexKeys));
  meter.attach(server);
  const access = new DynamoAccess();
  access.attach(server);
  // In front of the meter: a refused expression never reaches dynalite.
  attachExpressionCheck(server);
  return new Promise((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', failed);
      serving = { server, meter, access };
      listening((server.address() as AddressInfo).port);
    });
  });
}

function stop(): Promise<void> {
  const current = serving;
  serving = undefined;
  if (!current) return Promise.resolve();
  // The runtime is stopping: clients' keep-alive connections are closed, not waited for. The
  // callback comes once dynalite has closed its store too.
  return new Promise((closed) => {
    current.server.close(() => closed());
    current.server.closeAllConnections();
  });
}

function serve(): Serving {
  if (!serving) throw new Error('the DynamoDB thread serves no runtime');
  return serving;
}

async function answer(request: DynamoThreadRequest): Promise<unknown> {
  switch (request.type) {
    case 'start':
      if (serving) throw new Error('the DynamoDB thread serves a runtime already');
      return start(request.dataDir, request.indexKeys);
    case 'meter':
      serve().meter.enabled = request.enabled;
      return undefined;
    case 'access':
      serve().access.enforce(request.settings);
      return undefined;
    case 'reset':
      serve().meter.reset();
      return undefined;
    case 'snapshot':
      return [...serve().meter.snapshot()];
    case 'stop':
      return stop();
  }
}

port.on('message', (request: DynamoThreadRequest) => {
  answer(request).then(
    (value) => port.postMessage({ id: request.id, value } satisfies DynamoThreadReply),
    (error: Error) => port.postMessage({ id: request.id, error: error.message } satisfies DynamoThreadReply),
  );
});
