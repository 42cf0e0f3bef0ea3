/**
 * DynamoDB for the local runtime: dynalite (the DynamoDB wire protocol over LevelDB) on a worker
 * thread of its own (local/dynamo-thread.ts), with the tables created from the same definitions CDK
 * deploys (lib/catalog.ts).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { tables, type TableDefinition, type TableId } from '../lib/catalog';
import type { DynamoAccessSettings } from './dynamo-access';
import type { DynamoUsage, MeteredIndex } from './dynamo-meter';
import type { DynamoThreadData, DynamoThreadReply, DynamoThreadRequest } from './dynamo-thread';
import { processWide } from './process-wide';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The meter on the DynamoDB thread (local/dynamo-meter.ts), for the benchmark. Off until enabled. */
export interface DynamoMeterControl {
  setEnabled(enabled: boolean): Promise<void>;
  reset(): Promise<void>;
  /** Usage so far by `<Operation> <table>`, e.g. `PutItem optline-local-messages`. */
  snapshot(): Promise<Map<string, DynamoUsage>>;
}

export interface LocalDynamo {
  readonly endpoint: string;
  /** The worker thread dynalite runs on (a stopped runtime's thread serves the process's next one). */
  readonly threadId: number;
  readonly tableNames: Record<TableId, string>;
  /** Request and capacity counts for the benchmark (off until enabled). */
  readonly meter: DynamoMeterControl;
  /** From now on, a function's request runs only if its policy allows it (local/dynamo-access.ts). */
  enforce(settings: DynamoAccessSettings): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The process's DynamoDB threads that serve no runtime, for its next one: a thread starts in about
 * 0.25 s of CPU (TypeScript support, dynalite and LevelDB loaded), a server on a started thread in a
 * few milliseconds. Test files start a runtime each, one after another in a worker's process: the
 * threads are kept for the process (./process-wide.ts). Each is unreferenced, so it holds no process
 * open.
 */
/** More idle threads than runtimes a process runs at once are ended. */
const MAX_IDLE_THREADS = 2;

/** A DynamoDB thread (local/dynamo-thread.ts) and its requests awaiting a reply. */
class DynamoThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor() {
    const workerData: DynamoThreadData = { entry: resolve(__dirname, 'dynamo-thread.ts') };
    this.worker = new Worker(resolve(__dirname, 'thread-entry.cjs'), { workerData });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('message', (reply: DynamoThreadReply) => {
      if ('failed' in reply) return fail(new Error(`DynamoDB thread: ${reply.failed}`));
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if (reply.error === undefined) waiting?.resolve(reply.value);
      else waiting?.reject(new Error(`DynamoDB thread: ${reply.error}`));
    });
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`DynamoDB thread exited with code ${code}`)));
    // Referenced only while a reply is awaited (ask), so that it holds no process open otherwise;
    // after the listeners, since adding a 'message' listener references the worker's port again.
    this.worker.unref();
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  ask(request: DistributiveOmit<DynamoThreadRequest, 'id'>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolveReply, reject) => {
      const id = this.nextId++;
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolveReply, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  async end(): Promise<void> {
    await this.worker.terminate();
  }
}

function idleThreads(): DynamoThread[] {
  return processWide<DynamoThread[]>('idleDynamoThreads', () => []);
}

/** An idle thread of this process that still works, or a new one. */
function takeThread(): DynamoThread {
  const idle = idleThreads();
  for (let thread = idle.pop(); thread; thread = idle.pop()) if (thread.usable) return thread;
  return new DynamoThread();
}

/** Keeps a thread whose runtime stopped for the process's next runtime, or ends it. */
async function releaseThread(thread: DynamoThread): Promise<void> {
  const idle = idleThreads();
  if (thread.usable && idle.length < MAX_IDLE_THREADS) idle.push(thread);
  else await thread.end();
}

export async function startDynamo(options: { dataDir?: string; prefix: string }): Promise<LocalDynamo> {
  const indexKeys: [string, MeteredIndex[]][] = [];
  for (const [id, definition] of Object.entries(tables) as [TableId, TableDefinition][]) {
    indexKeys.push([
      `${options.prefix}-${id}`,
      definition.indexes.map((index) => ({
        keys: [index.partitionKey.name, ...(index.sortKey ? [index.sortKey.name] : [])],
        keysOnly: index.projection === 'keys-only',
      })),
    ]);
  }
  const serving = takeThread();
  let port: number;
  try {
    port = (await serving.ask({
      type: 'start',
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      indexKeys,
    })) as number;
  } catch (error) {
    await serving.end();
    throw error;
  }
  // Once stopped, the thread may serve another runtime: nothing of this one reaches it any more.
  let stopping: Promise<void> | undefined;
  const ask = (request: DistributiveOmit<DynamoThreadRequest, 'id'>) =>
    stopping ? Promise.reject(new Error('this local DynamoDB is stopped')) : serving.ask(request);
  const meter: DynamoMeterControl = {
    setEnabled: async (enabled) => void (await ask({ type: 'meter', enabled })),
    reset: async () => void (await ask({ type: 'reset' })),
    snapshot: async () => new Map((await ask({ type: 'snapshot' })) as [string, DynamoUsage][]),
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableNames = {} as Record<TableId, string>;
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const [id, definition] of Object.entries(tables) as [TableId, TableDefinition][]) {
    const name = `${options.prefix}-${id}`;
    tableNames[id] = name;
    if (!existing.has(name)) await client.send(new CreateTableCommand(createTableInput(name, definition)));
  }
  client.destroy();
  return {
    endpoint,
    threadId: serving.threadId,
    tableNames,
    meter,
    enforce: async (settings) => void (await ask({ type: 'access', settings })),
    stop: () =>
      (stopping ??= (async () => {
        await serving.ask({ type: 'stop' });
        await releaseThread(serving);
      })()),
  };
}

function keySchema(partition: { name: string }, sort?: { name: string }): KeySchemaElement[] {
  return [
    { AttributeName: partition.name, KeyType: 'HASH' },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function createTableInput(name: string, definition: TableDefinition) {
  const attributes = new Map<string, AttributeDefinition>();
  const addAttribute = (key: { name: string; type: 'S' | 'N' } | undefined) => {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  };
  addAttribute(definition.partitionKey);
  addAttribute(definition.sortKey);
  const indexes: GlobalSecondaryIndex[] = definition.indexes.map((index) => {
    addAttribute(index.partitionKey);
    addAttribute(index.sortKey);
    return {
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: index.projection === 'keys-only' ? 'KEYS_ONLY' : 'ALL' },
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

/** A free TCP port on loopback (for the API when OPTLINE_PORT is 0 in tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
