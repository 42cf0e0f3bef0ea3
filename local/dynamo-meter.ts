/**
 * Counts the DynamoDB requests the local runtime serves, for the benchmark's cost model (bench/). Off
 * by default: while `enabled` is false every request goes straight to dynalite.
 *
 * When enabled, each request is counted by operation and table, and its capacity units estimated:
 * - the meter adds `ReturnConsumedCapacity: INDEXES` to requests that did not ask for it and takes the
 *   figure dynalite computes from item sizes (reads: 4 KB units, halved for eventually consistent
 *   reads; writes: 1 KB units of the larger of the old and new item), then removes it from the
 *   response again (and fixes its CRC32), so callers see exactly what they asked for;
 * - a Query or Scan that returns nothing is charged DynamoDB's minimum read (0.5 unit, 1 when
 *   strongly consistent), which dynalite leaves out;
 * - a conditional write that fails is charged as AWS charges it: as a write of the item (1 unit for
 *   an UpdateItem or DeleteItem, whose item the request does not carry);
 * - global secondary indexes: dynalite reports no index writes, so the meter charges them from the
 *   catalog's index definitions. An index that projects ALL attributes is charged the write's units
 *   once more: for PutItem and BatchWriteItem only when the new item carries the index's keys; for
 *   UpdateItem and DeleteItem always (the item is assumed to be in the index: an upper bound for the
 *   sparse profile index). A KEYS_ONLY index is charged one unit (its entries are keys, well under
 *   1 KB) for a put that carries its keys, a delete, or an update whose expression names one of its
 *   keys; an update of other attributes leaves it alone, as in DynamoDB. A write that moves an item
 *   between index keys costs AWS one more unit (delete + put); that is not counted.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';

export interface DynamoUsage {
  requests: number;
  /** Requests answered with an error, conditional check failures included. */
  errors: number;
  conditionalCheckFailures: number;
  readUnits: number;
  /** Table and index write units together. */
  writeUnits: number;
  /** The global secondary indexes' share of `writeUnits` (they have their own throughput limits). */
  indexWriteUnits: number;
  /**
   * Items written without a condition: a PutItem, UpdateItem or DeleteItem with no
   * `ConditionExpression`, and each put or delete of a BatchWriteItem (which takes none). The writes
   * that could have gone in batches.
   */
  unconditionalWrites: number;
}

/** A global secondary index as the meter needs it: its key attributes, and whether it holds only keys. */
export interface MeteredIndex {
  readonly keys: readonly string[];
  readonly keysOnly: boolean;
}

/** The global secondary indexes of each table, by table name. */
export type IndexKeysByTable = ReadonlyMap<string, readonly MeteredIndex[]>;

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

interface Capacity {
  TableName?: string;
  CapacityUnits?: number;
}

export class DynamoMeter {
  /** Count from now on; requests go straight to dynalite while false. */
  enabled = false;
  /** Usage by `<Operation> <table>`, e.g. `PutItem optline-local-messages`. */
  readonly usage = new Map<string, DynamoUsage>();

  constructor(private readonly indexKeys: IndexKeysByTable = new Map()) {}

  reset(): void {
    this.usage.clear();
  }

  /** A copy of the usage so far, for before/after differences. */
  snapshot(): Map<string, DynamoUsage> {
    return new Map([...this.usage].map(([key, usage]) => [key, { ...usage }]));
  }

  /** Sums usage, optionally only the keys `filter` accepts. */
  static total(usage: ReadonlyMap<string, DynamoUsage>, filter: (key: string) => boolean = () => true) {
    const sum = emptyUsage();
    for (const [key, value] of usage) {
      if (!filter(key)) continue;
      sum.requests += value.requests;
      sum.errors += value.errors;
      sum.conditionalCheckFailures += value.conditionalCheckFailures;
      sum.readUnits += value.readUnits;
      sum.writeUnits += value.writeUnits;
      sum.indexWriteUnits += value.indexWriteUnits;
      sum.unconditionalWrites += value.unconditionalWrites;
    }
    return sum;
  }

  /** `after - before`, key by key. */
  static difference(after: ReadonlyMap<string, DynamoUsage>, before: ReadonlyMap<string, DynamoUsage>) {
    const result = new Map<string, DynamoUsage>();
    for (const [key, value] of after) {
      const old = before.get(key) ?? emptyUsage();
      const delta: DynamoUsage = {
        requests: value.requests - old.requests,
        errors: value.errors - old.errors,
        conditionalCheckFailures: value.conditionalCheckFailures - old.conditionalCheckFailures,
        readUnits: value.readUnits - old.readUnits,
        writeUnits: value.writeUnits - old.writeUnits,
        indexWriteUnits: value.indexWriteUnits - old.indexWriteUnits,
        unconditionalWrites: value.unconditionalWrites - old.unconditionalWrites,
      };
      if (delta.requests !== 0) result.set(key, delta);
    }
    return result;
  }

  /** Puts the meter in front of dynalite's request handler. */
  attach(server: Server): void {
    const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    const forward = (req: IncomingMessage, res: ServerResponse) => {
      for (const handler of handlers) handler(req, res);
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.enabled) this.handle(req, res, forward);
      else forward(req, res);
    });
  }

  private handle(
    req: IncomingMessage,
    res: ServerResponse,
    forward: (req: IncomingMessage, res: ServerResponse) => void,
  ): void {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let text = Buffer.concat(chunks).toString('utf8');
      let input: Record<string, unknown> = {};
      try {
        input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // Not JSON: dynalite answers it; nothing to count.
      }
      const injected =
        (READS.has(operation) || WRITES.has(operation)) && input.ReturnConsumedCapacity === undefined;
      if (injected) text = JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' });
      const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        let body = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
        try {
          const output = body ? (JSON.parse(body) as Record<string, unknown>) : {};
          this.record(operation, input, res.statusCode, output);
          if (injected && res.statusCode === 200 && 'ConsumedCapacity' in output) {
            delete output.ConsumedCapacity;
            body = JSON.stringify(output);
            res.setHeader('Content-Length', Buffer.byteLength(body));
            res.setHeader('x-amz-crc32', crc32(body));
            return end(body, ...rest);
          }
        } catch {
          // Not a JSON answer (health check, 413): pass it on untouched.
        }
        return end(chunk, ...rest);
      }) as typeof res.end;
      const replay = Object.assign(new PassThrough(), {
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(text)) },
        method: req.method,
        url: req.url,
      });
      forward(replay as unknown as IncomingMessage, res);
      replay.end(text);
    });
  }

  private record(
    operation: string,
    input: Record<string, unknown>,
    status: number,
    output: Record<string, unknown>,
  ): void {
    const tables = tablesOf(operation, input);
    const capacities = ([] as Capacity[]).concat((output.ConsumedCapacity as Capacity | Capacity[]) ?? []);
    const failedCondition =
      status !== 200 && String(output.__type ?? '').endsWith('ConditionalCheckFailedException');
    for (const [i, table] of tables.entries()) {
      const key = `${operation} ${table}`;
      const usage = this.usage.get(key) ?? emptyUsage();
      this.usage.set(key, usage);
      if (i === 0) usage.requests += 1;
      usage.unconditionalWrites += unconditionalItems(operation, input, table);
      if (status !== 200) {
        if (i === 0) usage.errors += 1;
        if (failedCondition && i === 0) {
          usage.conditionalCheckFailures += 1;
          const item = input.Item as Item | undefined;
          const units = item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 1;
          usage.writeUnits += units;
        }
        continue;
      }
      const units = capacities.find((c) => c.TableName === table)?.CapacityUnits ?? 0;
      if (READS.has(operation)) usage.readUnits += Math.max(units, minimumRead(operation, input));
      else if (WRITES.has(operation)) {
        const index = this.indexWrites(operation, input, table, units);
        usage.writeUnits += units + index;
        usage.indexWriteUnits += index;
      }
    }
  }

  /** Estimated index write units of a successful write (see the file header). */
  private indexWrites(
    operation: string,
    input: Record<string, unknown>,
    table: string,
    units: number,
  ): number {
    const indexes = this.indexKeys.get(table) ?? [];
    if (indexes.length === 0) return 0;
    const carries = (item: Item, index: MeteredIndex) => index.keys.every((k) => item[k] !== undefined);
    // A keys-only entry is a few key attributes: one unit, whatever the item's size.
    const charge = (index: MeteredIndex, itemUnits: number) => (index.keysOnly ? 1 : itemUnits);
    if (operation === 'PutItem') {
      const item = (input.Item as Item | undefined) ?? {};
      return indexes.filter((index) => carries(item, index)).reduce((sum, i) => sum + charge(i, units), 0);
    }
    if (operation === 'BatchWriteItem') {
      const requests = ((input.RequestItems as Record<string, unknown[]> | undefined)?.[table] ?? []) as {
        PutRequest?: { Item: Item };
        DeleteRequest?: unknown;
      }[];
      let total = 0;
      for (const request of requests) {
        const item = request.PutRequest?.Item;
        const size = item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 1;
        for (const index of indexes) if (!item || carries(item, index)) total += charge(index, size);
      }
      return total;
    }
    if (operation === 'UpdateItem') {
      const named = updatedAttributes(input);
      return indexes
        .filter((index) => !index.keysOnly || index.keys.some((key) => named.has(key)))
        .reduce((sum, i) => sum + charge(i, units), 0);
    }
    return indexes.reduce((sum, i) => sum + charge(i, units), 0);
  }
}

/**
 * The top-level attributes an UpdateItem's expression may change: every name it mentions (`#alias`
 * resolved, bare names as they are; values and functions excluded). Over-inclusive (a name read by
 * `if_not_exists` counts), so a keys-only index is never under-charged.
 */
function updatedAttributes(input: Record<string, unknown>): Set<string> {
  const expression = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  const aliases = (input.ExpressionAttributeNames as Record<string, string> | undefined) ?? {};
  const legacy = Object.keys((input.AttributeUpdates as Record<string, unknown> | undefined) ?? {});
  const names = new Set<string>(legacy);
  for (const match of expression.matchAll(/(^|[\s,(=+-])(#?[A-Za-z_][A-Za-z0-9_]*)/g)) {
    const token = match[2] ?? '';
    if (/^(SET|REMOVE|ADD|DELETE|if_not_exists|list_append)$/i.test(token)) continue;
    names.add(token.startsWith('#') ? (aliases[token] ?? token) : token);
  }
  return names;
}

/** DynamoDB's smallest charge for a read that found nothing (Query, Scan). */
function minimumRead(operation: string, input: Record<string, unknown>): number {
  if (operation !== 'Query' && operation !== 'Scan') return 0;
  return input.ConsistentRead === true ? 1 : 0.5;
}

function emptyUsage(): DynamoUsage {
  return {
    requests: 0,
    errors: 0,
    conditionalCheckFailures: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    unconditionalWrites: 0,
  };
}

/** The items a request writes to `table` without a condition (see `DynamoUsage`). */
function unconditionalItems(operation: string, input: Record<string, unknown>, table: string): number {
  if (operation === 'BatchWriteItem')
    return ((input.RequestItems as Record<string, unknown[]> | undefined)?.[table] ?? []).length;
  if (!WRITES.has(operation)) return 0;
  return input.ConditionExpression === undefined && input.Expected === undefined ? 1 : 0;
}

function tablesOf(operation: string, input: Record<string, unknown>): string[] {
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const names = Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
    return names.length > 0 ? names : ['-'];
  }
  return [typeof input.TableName === 'string' ? input.TableName : '-'];
}

/** DynamoDB's item size: attribute names plus values (numbers about 1 byte per 2 digits). */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  const [type, raw] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(raw));
    case 'N':
      return (
        Math.ceil(
          String(raw)
            .replace(/^-|\.|e.*$/gi, '')
            .replace(/^0+/, '').length / 2,
        ) + 1
      );
    case 'B':
      return Buffer.from(String(raw), 'base64').length;
    case 'SS':
    case 'NS':
    case 'BS':
      return (raw as string[]).reduce((sum, v) => sum + valueSize({ [type[0] ?? 'S']: v }), 0);
    case 'L':
      return 3 + (raw as AttributeValue[]).reduce((sum, v) => sum + 1 + valueSize(v), 0);
    case 'M':
      return 3 + Object.keys(raw as Item).length + itemSize(raw as Item);
    default:
      return 1;
  }
}
