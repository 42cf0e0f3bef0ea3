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
import type { DynamoThreadData, DynamoThreadMessage, DynamoThreadRequest } from './dynamo-thread';

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
  readonly tableNames: Record<TableId, string>;
  /** Request and capacity counts for the benchmark (off until enabled). */
  readonly meter: DynamoMeterControl;
  /** From now on, a function's request runs only if its policy allows it (local/dynamo-access.ts). */
  enforce(settings: DynamoAccessSettings): Promise<void>;
  stop(): Promise<void>;
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
  const workerData: DynamoThreadData = {
    entry: resolve(__dirname, 'dynamo-thread.ts'),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    indexKeys,
  };
  const worker = new Worker(resolve(__dirname, 'thread-entry.cjs'), { workerData });
  // The runtime's stop() ends it; a process that exits without stopping is not held open by it.
  worker.unref();
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  const port = await new Promise<number>((resolvePort, reject) => {
    worker.on('message', (message: DynamoThreadMessage) => {
      if (message.type === 'listening') resolvePort(message.port);
      else if (message.type === 'failed') reject(new Error(`DynamoDB thread: ${message.error}`));
      else {
        pending.get(message.id)?.(message.value);
        pending.delete(message.id);
      }
    });
    worker.once('error', reject);
  });
  const ask = (request: DistributiveOmit<DynamoThreadRequest, 'id'>): Promise<unknown> =>
    new Promise((resolveReply) => {
      const id = nextId++;
      pending.set(id, resolveReply);
      worker.postMessage({ ...request, id });
    });
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
    tableNames,
    meter,
    enforce: async (settings) => void (await ask({ type: 'access', settings })),
    stop: async () => {
      await ask({ type: 'stop' });
      await worker.terminate();
    },
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
