/**
 * DynamoDB for the local runtime: dynalite (the DynamoDB wire protocol over LevelDB), with the tables
 * created from the same definitions CDK deploys (lib/catalog.ts).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { tables, type TableDefinition, type TableId } from '../lib/catalog';
import { DynamoMeter } from './dynamo-meter';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly tableNames: Record<TableId, string>;
  /** Request and capacity counts for the benchmark (off until `meter.enabled` is set). */
  readonly meter: DynamoMeter;
  stop(): Promise<void>;
}

export async function startDynamo(options: { dataDir?: string; prefix: string }): Promise<LocalDynamo> {
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const indexKeys = new Map<string, string[][]>();
  for (const [id, definition] of Object.entries(tables) as [TableId, TableDefinition][]) {
    indexKeys.set(
      `${options.prefix}-${id}`,
      definition.indexes.map((index) => [
        index.partitionKey.name,
        ...(index.sortKey ? [index.sortKey.name] : []),
      ]),
    );
  }
  const meter = new DynamoMeter(indexKeys);
  meter.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
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
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
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
      Projection: { ProjectionType: 'ALL' },
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
