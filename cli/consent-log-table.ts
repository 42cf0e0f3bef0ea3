/**
 * The operator's direct access to the consent-log table, for what no function may do: read every
 * number's log at once (`consent verify --all`) and add the hash chain to entries recorded before it
 * (`consent chain`). Runs with the caller's AWS credentials (the SDK chain, `--profile`); the table
 * is `--table <name>` or the stack's `ConsentLogTableName` output. Against the local runtime, set
 * AWS_ENDPOINT_URL_DYNAMODB to the endpoint `npm start` prints.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentLogEntry } from '../lambdas/domain/consent';
import { chainLinks, storedLinks } from '../lambdas/domain/consent-chain';
import { documentClient, type TableTarget } from './table-target';

/** Every number's entries, read with a Scan (an audit reads the whole table once). */
export async function* numbersOf(
  target: TableTarget,
): AsyncGenerator<{ phone: string; entries: ConsentLogEntry[] }> {
  const client = documentClient(target);
  const byPhone = new Map<string, ConsentLogEntry[]>();
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: target.table, ExclusiveStartKey: startKey, ConsistentRead: true }),
      );
      for (const item of (page.Items ?? []) as ConsentLogEntry[]) {
        const list = byPhone.get(item.phone) ?? [];
        list.push(item);
        byPhone.set(item.phone, list);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  for (const [phone, entries] of [...byPhone].sort(([a], [b]) => a.localeCompare(b)))
    yield { phone, entries: entries.sort((a, b) => a.seq - b.seq) };
}

export interface ChainMigration {
  readonly numbers: number;
  /** Entries that got their links now. */
  readonly chained: number;
  /** Entries that had them (appended since the chain, or by an earlier run). */
  readonly alreadyChained: number;
}

/**
 * Adds `prevHash` and `hash` to the entries recorded before the chain, oldest first, each on the
 * condition that it has no hash yet: the one write ever made to an existing entry, which adds two
 * attributes and changes none (docs/decisions/0028-consent-log-hash-chain.md). Running it again
 * changes nothing; entries appended meanwhile chain after the same hashes (the store computes
 * them the same way).
 */
export async function chainExistingEntries(target: TableTarget): Promise<ChainMigration> {
  const client = documentClient(target);
  let numbers = 0;
  let chained = 0;
  let alreadyChained = 0;
  try {
    for await (const { entries } of numbersOf(target)) {
      numbers += 1;
      const links = chainLinks(entries);
      for (const [i, entry] of entries.entries()) {
        if (storedLinks(entry)) {
          alreadyChained += 1;
          continue;
        }
        const link = links[i]!;
        try {
          await client.send(
            new UpdateCommand({
              TableName: target.table,
              Key: { phone: entry.phone, eventKey: entry.eventKey },
              UpdateExpression: 'SET #prevHash = :prevHash, #hash = :hash',
              ConditionExpression: 'attribute_exists(#eventKey) AND attribute_not_exists(#hash)',
              ExpressionAttributeNames: { '#prevHash': 'prevHash', '#hash': 'hash', '#eventKey': 'eventKey' },
              ExpressionAttributeValues: { ':prevHash': link.prevHash, ':hash': link.hash },
            }),
          );
          chained += 1;
        } catch (error) {
          // Chained meanwhile by another run: the same hashes, computed the same way.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          alreadyChained += 1;
        }
      }
    }
  } finally {
    client.destroy();
  }
  return { numbers, chained, alreadyChained };
}
