/**
 * dynalite on a worker thread of its own: the DynamoDB server's request parsing, LevelDB and
 * serialisation use a second CPU instead of competing with the handlers and emulators on the main
 * thread. The meter (local/dynamo-meter.ts) sits in front of dynalite here, and the functions'
 * permission check (local/dynamo-access.ts) in front of both, on this thread too so that reading
 * every request's tables costs the main thread nothing; the thread answers the main thread's control
 * messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { attachExpressionCheck } from './dynamo-expression-check';
import { DynamoAccess, type DynamoAccessSettings } from './dynamo-access';
import { DynamoMeter, type MeteredIndex } from './dynamo-meter';

export interface DynamoThreadData {
  readonly entry: string;
  readonly dataDir?: string;
  readonly indexKeys: [string, MeteredIndex[]][];
}

export type DynamoThreadRequest =
  | { readonly id: number; readonly type: 'meter'; readonly enabled: boolean }
  | { readonly id: number; readonly type: 'access'; readonly settings: DynamoAccessSettings }
  | { readonly id: number; readonly type: 'reset' | 'snapshot' | 'stop' };

export type DynamoThreadMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'reply'; readonly id: number; readonly value?: unknown };

const port = parentPort;
if (!port) throw new Error('local/dynamo-thread.ts runs on a worker thread');
const data = workerData as DynamoThreadData;
const server = dynalite({ path: data.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const meter = new DynamoMeter(new Map(data.indexKeys));
meter.attach(server);
const access = new DynamoAccess();
access.attach(server);
// In front of the meter: a refused expression never reaches dynalite.
attachExpressionCheck(server);

const post = (message: DynamoThreadMessage) => port.postMessage(message);
server.once('error', (error: Error) => post({ type: 'failed', error: error.message }));
server.listen(0, '127.0.0.1', () =>
  post({ type: 'listening', port: (server.address() as AddressInfo).port }),
);

port.on('message', (request: DynamoThreadRequest) => {
  switch (request.type) {
    case 'meter':
      meter.enabled = request.enabled;
      return post({ type: 'reply', id: request.id });
    case 'access':
      access.enforce(request.settings);
      return post({ type: 'reply', id: request.id });
    case 'reset':
      meter.reset();
      return post({ type: 'reply', id: request.id });
    case 'snapshot':
      return post({ type: 'reply', id: request.id, value: [...meter.snapshot()] });
    case 'stop':
      // The runtime is stopping: clients' keep-alive connections are closed, not waited for.
      server.close(() => {
        post({ type: 'reply', id: request.id });
        port.close();
      });
      server.closeAllConnections();
      return;
  }
});
